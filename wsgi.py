"""What gunicorn serves: ``gunicorn wsgi:app`` (run ``flask db upgrade`` first)."""

from app import create_app

app = create_app()
