"""Moderation of accounts: the moderator role, suspensions, and "delete spammer".

- A site admin grants and withdraws the moderator role (``set_moderator``); each change is
  an audit entry.
- A moderator suspends another account, for a time or for good, with a public reason
  (``suspend_user``): every session of it ends and every API token of it is revoked in the
  same transaction, and a line goes to the public moderation log. A suspension for a time
  ends by itself (``User.is_suspended`` reads the clock); ``lift_suspension`` ends one early.
- "Delete spammer" (``suspend_user(..., delete_spammer=True)``) suspends for good, refuses
  the account's address for new accounts (``BannedEmail``) and hides every post of it.

Who may: ``app.policy`` (``MODERATOR_GRANT``, ``USER_SUSPEND``: never oneself, never a site
admin). Where a suspended account is refused: ``app.accounts.suspension``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import format_number

from app.accounts.models import REASON_MAX, BannedEmail, User
from app.accounts.services import _end_sessions_and_tokens
from app.db import insert_if_absent, utcnow
from app.errors import ValidationError
from app.extensions import db
from app.i18n import LazyText, _, _l
from app.moderation import audit
from app.moderation import log as moderation_log
from app.moderation.models import ModerationAction, TargetType
from app.policy import Permission, require
from app.text import has_visible

# The longest suspension for a time; longer than this is "for good".
SUSPENSION_DAYS_MAX = 3650
FIX_FIELDS = _l("Please correct the fields marked below.")
REASON_REQUIRED = _l("Give a reason: the account's owner reads it when they try to sign in.")
REASON_TOO_LONG = _l("Use at most %(num)s characters.", num=REASON_MAX)
REASON_NOT_TEXT = _l("This must be text.")
UNTIL_PAST = _l("Choose a time in the future.")
UNTIL_TOO_FAR = LazyText(
    lambda: _(
        "Choose a time within %(days)s days, or suspend for good.",
        days=format_number(SUSPENSION_DAYS_MAX),
    )
)
UNTIL_OR_FOREVER = _l("Choose when the suspension ends, or suspend for good (not both).")
SPAMMER_FOR_GOOD = _l("Deleting a spammer suspends the account for good: leave out the end.")


def clean_reason(raw: Any) -> tuple[str, str | None]:
    """A moderator's public reason, stripped, and what is wrong with it (or None): plain
    text with at least one visible character, at most ``REASON_MAX`` characters."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        return "", str(REASON_NOT_TEXT)
    value = raw.strip()
    if not value or not has_visible(value):
        return value, str(REASON_REQUIRED)
    if "\x00" in value:
        return value, _("Remove the invisible NUL character from this.")
    if len(value) > REASON_MAX:
        return value, str(REASON_TOO_LONG)
    return value, None


def until_in_days(days: int) -> datetime:
    """The end of a suspension of ``days`` days from now (a page's "number of days")."""
    return utcnow() + timedelta(days=days)


# The moderator role -------------------------------------------------------------------------


def set_moderator(admin: Any, user: User, moderator: bool) -> User:
    """A site admin grants (``True``) or withdraws (``False``) the moderator role; an audit
    entry says who did it. Asking for what already holds changes nothing and writes
    nothing. A deleted account cannot be made a moderator."""
    require(admin, Permission.MODERATOR_GRANT, user)
    if user.is_former_member and moderator:
        raise ValidationError(
            str(FIX_FIELDS), fields={"moderator": _("That account was deleted by its owner.")}
        )
    if bool(user.is_moderator) == bool(moderator):
        return user
    changed = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.is_moderator.is_(not moderator))
        .values(is_moderator=moderator),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if changed == 1:
        action = "moderator.granted" if moderator else "moderator.withdrawn"
        # The subject is named by the row, never in the note: a deleted account keeps no name.
        audit.record(admin, action, subject_user_id=user.id)
    db.session.commit()
    db.session.refresh(user)
    return user


def list_moderators() -> list[User]:
    """Everyone with the moderator role, by username (site admins are moderators anyway)."""
    return list(
        db.session.execute(
            sa.select(User)
            .where(User.is_moderator.is_(True), User.deleted_at.is_(None))
            .order_by(User.username)
            .limit(1000)
        ).scalars()
    )


# Suspensions ---------------------------------------------------------------------------------


def _until_problem(until: Any, forever: bool, delete_spammer: bool) -> str | None:
    if delete_spammer:
        return str(SPAMMER_FOR_GOOD) if until is not None else None
    if (until is None) == (not forever):
        return str(UNTIL_OR_FOREVER)
    if until is None:
        return None
    if not isinstance(until, datetime) or until.tzinfo is None:
        return _("Give a time with its offset, like 2030-01-31T12:00:00Z.")
    now = utcnow()
    if until <= now:
        return str(UNTIL_PAST)
    if until > now + timedelta(days=SUSPENSION_DAYS_MAX):
        return str(UNTIL_TOO_FAR)
    return None


def suspend_user(
    moderator: Any,
    user: User,
    *,
    reason: Any,
    until: datetime | None = None,
    forever: bool = False,
    delete_spammer: bool = False,
) -> User:
    """Suspend ``user`` until ``until`` or (``forever``) for good, with a public reason.

    Every session of the account ends and every API token of it is revoked, in the same
    transaction; sign-in then says until when and why. Suspending a suspended account
    replaces its suspension. With ``delete_spammer`` the suspension is for good, the
    account's address is refused for new accounts, and every post of the account is hidden
    with the reason. Every bad field is reported at once (``reason``, ``until``).
    """
    require(moderator, Permission.USER_SUSPEND, user)
    fields: dict[str, str] = {}
    reason, problem = clean_reason(reason)
    if problem:
        fields["reason"] = problem
    problem = _until_problem(until, forever, delete_spammer)
    if problem:
        fields["until"] = problem
    if fields:
        raise ValidationError(str(FIX_FIELDS), fields=fields)
    ends = None if (forever or delete_spammer) else until
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(suspended_at=utcnow(), suspended_until=ends, suspension_reason=reason),
        execution_options={"synchronize_session": False},
    )
    _end_sessions_and_tokens(user.id)
    moderation_log.record(
        moderator, ModerationAction.SUSPEND, TargetType.USER, user.id, reason=reason
    )
    if delete_spammer:
        if not user.is_former_member:
            insert_if_absent(
                db.session,
                BannedEmail.__table__,
                {"email": user.email.lower(), "banned_by_id": moderator.id, "created_at": utcnow()},
            )
        _hide_all_posts_of(user, by=moderator, reason=reason)
    db.session.commit()
    db.session.refresh(user)
    return user


def _hide_all_posts_of(user: User, *, by: Any, reason: str) -> int:
    """Every post of the account hidden, in the caller's transaction (app.moderation.hiding)."""
    from app.moderation.hiding import hide_all_posts_of

    return hide_all_posts_of(user, by=by, reason=reason)


def lift_suspension(moderator: Any, user: User) -> User:
    """End ``user``'s suspension now; a line goes to the public log. Lifting where none
    holds (or one that ended by its time) changes nothing and writes nothing."""
    require(moderator, Permission.USER_SUSPEND, user)
    if not user.is_suspended:
        return user
    lifted = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.suspended_at.is_not(None))
        .values(suspended_at=None, suspended_until=None, suspension_reason=""),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if lifted == 1:
        moderation_log.record(moderator, ModerationAction.UNSUSPEND, TargetType.USER, user.id)
    db.session.commit()
    db.session.refresh(user)
    return user
