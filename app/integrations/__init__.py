"""Bringing the company's own site (product.md): single sign-on, the widget and the export.

Webhooks and domain proofs live beside these when they land; each integration is its own
module (``sso``, ``widget``, ``export``) with the models they share in ``models``.
"""

from flask import Blueprint, Flask

bp = Blueprint("integrations", __name__)


def init_app(app: Flask) -> None:
    """The integrations' routes (pages; the API's are in app/api/views/integrations.py)."""
    from app.integrations import views  # noqa: F401 - registers the routes

    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
