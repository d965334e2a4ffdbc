"""Moderation: site admins' pages — the claim queue and the audit log (later flags, bans)."""

from flask import Blueprint

from app.moderation.reasons import shown_reason

bp = Blueprint("moderation", __name__)
# A post's hidden reason and a log line's reason, as the reader reads them (reasons.py).
bp.add_app_template_filter(shown_reason, "moderation_reason")
