"""Feeds and search engines: Atom feeds, the sitemap, robots.txt, and the schema.org
``QAPage`` data of question pages."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("feeds", __name__)


def init_app(app: Flask) -> None:
    """Register the ``feeds`` blueprint (once)."""
    from app.feeds import views  # noqa: F401 - registers routes

    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
