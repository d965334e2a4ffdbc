"""HTML views."""

from app.answers import bp  # noqa: F401
