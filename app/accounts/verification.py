"""Verified e-mail before writing (product.md, "Keeping it clean").

Sign-up e-mails a link to the new account's address. Until its owner follows it (the link
shows a button; pressing it verifies), the account may read, follow, choose its e-mails,
edit its profile, make API tokens and verify, but write nothing that others see: while
``EMAIL_VERIFICATION`` is ``required`` (the default) the write permissions of
``app.policy`` refuse it with ``EmailUnverified``. Only verified addresses receive
notification e-mails, whatever the setting (``off`` only lets new accounts write at once).

Each link sent is an ``EmailVerification`` row. Its token names the user and that row; it
works once, for 48 hours, and only while it is the newest link of the account, so a link
that was used, or replaced by a newer one, changes nothing. The owner may ask for a new
link at most three times an hour. Following a password-reset link proves the address too.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import EmailVerification, User
from app.db import utcnow
from app.errors import Conflict, DomainError, PermissionDenied, RateLimited
from app.extensions import db
from app.i18n import _, _l, ngettext
from app.mail import queue_message
from app.tokens import InvalidToken, Purpose, make_token, read_token

LINK_HOURS = 48
LINK_AGE = timedelta(hours=LINK_HOURS)
RESENDS_PER_HOUR = 3
RESEND_WINDOW = timedelta(hours=1)
# Fixed words: the address is not proven yet, so nothing a user typed goes in the subject.
SUBJECT = _l("Verify your e-mail address for Helpsquare")

LINK_INVALID = _l(
    "That link does not work. It may be cut short or mistyped: copy the whole link from the "
    "e-mail, or sign in and ask for a new one."
)
LINK_EXPIRED = _l(
    "That link has expired: verification links work for %(num)d hours. "
    "Sign in and ask for a new one.",
    num=LINK_HOURS,
)
LINK_REPLACED = _l(
    "That link was replaced by a newer one: use the link in the most recent e-mail we sent."
)
LINK_USED = _l("That link was already used: the address is verified.")


class VerificationLinkInvalid(DomainError):
    """A confirmation link that is unknown, tampered, expired, used or replaced: nothing
    changes."""

    status = 400
    code = "invalid_token"


def verification_required() -> bool:
    """Whether accounts must confirm their address before writing (EMAIL_VERIFICATION)."""
    return current_app.config.get("EMAIL_VERIFICATION", "required") != "off"


def unverified_message(user: Any) -> str:
    """What an account whose address is not confirmed yet is told when it tries to write."""
    return _(
        "Please verify your e-mail address first: follow the link we sent to %(email)s. "
        "Until then you can read, follow and edit your profile, but not post. "
        "No e-mail? Ask for a new link.",
        email=user.email,
    )


# Sending -----------------------------------------------------------------------------------


def send_link(
    user: User, *, resent: bool = False, next_url: str | None = None
) -> EmailVerification:
    """Queue a confirmation link to the user's address, in the caller's transaction (no
    commit). The new link replaces every earlier one. ``next_url``, a path on this site the
    caller checked (``safe_next``), rides on the link as ``?next=``: where its page leads
    once the address is verified (checked again there; it is not part of the token)."""
    sent = EmailVerification(user_id=user.id, email=user.email, resent=resent, created_at=utcnow())
    db.session.add(sent)
    db.session.flush()  # the token names the row
    token = make_token(Purpose.EMAIL_VERIFY, user.id, str(sent.id))
    queue_message(
        user.email,
        SUBJECT,
        "email_verify",
        language=user.email_language,
        user=user,
        link=url_for("accounts.verify_email", token=token, next=next_url or None, _external=True),
        hours=LINK_HOURS,
    )
    return sent


def _wait_words(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _("a minute") if minutes == 1 else ngettext("%(num)d minute", "%(num)d minutes", minutes)


def resend_link(user: Any) -> EmailVerification:
    """The signed-in owner of an unconfirmed address asks for a new link.

    At most three new links an hour per account (over it: ``RateLimited``, saying when to
    ask again); the new link replaces the earlier ones. An address already confirmed is a
    ``Conflict`` and nothing is sent.
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to ask for a new link."))
    # Lock the account's row (PostgreSQL): two requests at once cannot both pass the count.
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    if user.is_email_verified:
        raise Conflict(
            _("%(email)s is already verified: there is nothing to do.", email=user.email)
        )
    now = utcnow()
    recent: list[datetime] = list(
        db.session.execute(
            sa.select(EmailVerification.created_at)
            .where(
                EmailVerification.user_id == user.id,
                EmailVerification.resent.is_(True),
                EmailVerification.created_at > now - RESEND_WINDOW,
            )
            .order_by(EmailVerification.created_at)
        ).scalars()
    )
    if len(recent) >= RESENDS_PER_HOUR:
        # Free again when the oldest of the last three is an hour old.
        seconds = (recent[-RESENDS_PER_HOUR] + RESEND_WINDOW - now).total_seconds()
        db.session.rollback()
        raise RateLimited(
            _(
                "We have sent you %(num)d new links in the last hour, the most we send. "
                "Please use the newest one, or ask again in %(wait)s.",
                num=RESENDS_PER_HOUR,
                wait=_wait_words(seconds),
            ),
            retry_after=math.ceil(seconds),
        )
    sent = send_link(user, resent=True)
    db.session.commit()
    return sent


# Following the link ----------------------------------------------------------------------


def user_for_token(token: Any) -> User:
    """The account a confirmation link is for, if the link still works; reads only.

    ``VerificationLinkInvalid`` for a link that is tampered, made for something else, older
    than 48 hours, already used (the address is confirmed), or replaced by a newer link.
    """
    try:
        user_id, version = read_token(token, Purpose.EMAIL_VERIFY, max_age=LINK_AGE)
    except InvalidToken as error:
        expired = "expired" in str(error)
        raise VerificationLinkInvalid(LINK_EXPIRED if expired else LINK_INVALID) from error
    user = db.session.get(User, user_id)
    if user is None:
        raise VerificationLinkInvalid(LINK_INVALID)
    if user.is_email_verified:
        raise VerificationLinkInvalid(LINK_USED)
    newest = db.session.execute(
        sa.select(EmailVerification.id, EmailVerification.email)
        .where(EmailVerification.user_id == user.id)
        .order_by(EmailVerification.id.desc())
        .limit(1)
    ).first()
    if newest is None or str(newest.id) != version or newest.email != user.email:
        raise VerificationLinkInvalid(LINK_REPLACED if newest is not None else LINK_INVALID)
    return user


def verify_email(token: Any) -> User:
    """Following the e-mailed link (and pressing its button) confirms the account's address.

    Anyone holding the link may (it proves control of the address), signed in or not. It
    works once, for 48 hours, and only if it is the newest link sent; any other link
    changes nothing. Of two requests racing with one link, one confirms it.
    """
    user = user_for_token(token)
    now = utcnow()
    changed = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.email_verified_at.is_(None))
        .values(email_verified_at=now),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise VerificationLinkInvalid(LINK_USED)
    db.session.commit()
    set_committed_value(user, "email_verified_at", now)
    return user


def mark_verified(user: User) -> None:
    """Record the user's address as confirmed now (once), in the caller's transaction: a
    password-reset link they followed proves it, and the operator vouches for site admins
    and the demo's accounts."""
    if user.is_email_verified:
        return
    now = utcnow()
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.email_verified_at.is_(None))
        .values(email_verified_at=now),
        execution_options={"synchronize_session": False},
    )
    set_committed_value(user, "email_verified_at", now)


__all__ = [
    "LINK_AGE",
    "RESENDS_PER_HOUR",
    "SUBJECT",
    "VerificationLinkInvalid",
    "mark_verified",
    "resend_link",
    "send_link",
    "unverified_message",
    "user_for_token",
    "verification_required",
    "verify_email",
]
