"""Moderation: site admins' pages — the claim queue and the audit log (later flags, bans)."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
