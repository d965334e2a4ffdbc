"""Insights: what a company's staff see of how they answer (the insights page, staff only)
and what everyone sees (the public scorecard). Reads only; charts are drawn on the server
as SVG."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("insights", __name__)


def init_app(app: Flask) -> None:
    """Register the ``insights`` blueprint (once)."""
    from app.insights import views  # noqa: F401 - registers routes

    if bp.name not in app.blueprints:
        app.register_blueprint(bp, url_prefix="/companies")
