"""HTML views."""

from app.products import bp  # noqa: F401
