"""What a suspended account is told, wherever it knocks (sign-in page, token requests, a
session or token that was working): until when, and the moderator's public reason.

The suspension itself is written by ``app.moderation.accounts``; the check that refuses a
suspended account lives where people get in (``app.accounts.sign_in``,
``app.accounts.auth.load_user``, ``app.api.auth``), so a suspension however written holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def format_until(moment: datetime) -> str:
    """5 March 2026 at 14:30 UTC."""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def suspension_message(user: Any) -> str:
    """The sentence a suspended account reads: until when, and why."""
    if user.suspended_until is None:
        when = "This account is suspended for good"
    else:
        when = f"This account is suspended until {format_until(user.suspended_until)}"
    reason = (user.suspension_reason or "").strip()
    return f"{when}. The moderator's reason: {reason}" if reason else f"{when}."
