"""HTML views."""

from app.companies import bp  # noqa: F401
