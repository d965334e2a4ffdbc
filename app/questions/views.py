"""HTML views."""

from app.questions import bp  # noqa: F401
