"""What a suspended account is told, wherever it knocks (sign-in page, token requests, a
session or token that was working): until when, and the moderator's public reason.

The suspension itself is written by ``app.moderation.accounts``; the check that refuses a
suspended account lives where people get in (``app.accounts.sign_in``,
``app.accounts.auth.load_user``, ``app.api.auth``), so a suspension however written holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.i18n import _


def format_until(moment: datetime) -> str:
    """5 March 2026 at 14:30 UTC / 5. marts 2026 kl. 14:30 UTC: in the reader's language."""
    from app.templating import format_date

    moment = moment.astimezone(UTC)
    return _("%(date)s at %(time)s UTC", date=format_date(moment), time=moment.strftime("%H:%M"))


def suspension_message(user: Any) -> str:
    """The sentence a suspended account reads: until when, and why."""
    reason = (user.suspension_reason or "").strip()
    if user.suspended_until is None:
        if reason:
            return _(
                "This account is suspended for good. The moderator's reason: %(reason)s",
                reason=reason,
            )
        return _("This account is suspended for good.")
    until = format_until(user.suspended_until)
    if reason:
        return _(
            "This account is suspended until %(until)s. The moderator's reason: %(reason)s",
            until=until,
            reason=reason,
        )
    return _("This account is suspended until %(until)s.", until=until)
