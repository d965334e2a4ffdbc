"""Site admin pages: the claim review queue and the audit log."""

from app.moderation import bp  # noqa: F401
