"""Staff pages: the staff list, invitations, revoking, titles."""

from app.companies import bp  # noqa: F401
