"""HTML views."""

from app.accounts import bp  # noqa: F401
