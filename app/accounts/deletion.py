"""Deleting one's own account (product.md, "Delete your own"): the owner, with their
password, turns the account into "a former member".

What goes: the username (replaced by a placeholder no one can sign in with or register),
the display name, the e-mail address (replaced by a placeholder at the reserved ``.invalid``
domain: the column is NOT NULL UNIQUE), the password (made unusable), every session and API
token, the follows, notification preferences, notifications and e-mails not sent yet, the
moderator role, and being a company's champion. What stays: the posts, which now read "a
former member" everywhere a person is named (``User.label``, the ``person`` filter, the API,
the feeds), with no link to a profile, and the points they earned (on no leaderboard); the
old profile address is a 404. The last site admin cannot leave this way.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import User
from app.accounts.services import PASSWORD_PROBLEMS, WRONG_CURRENT, _end_sessions_and_tokens
from app.accounts.throttle import Count, take_places
from app.answers.models import Answer
from app.db import utcnow
from app.errors import Conflict, PermissionDenied, ValidationError
from app.extensions import db
from app.i18n import _, _l
from app.mail.models import OutboxMessage
from app.moderation import audit
from app.notifications.models import (
    Follow,
    Notification,
    NotificationDigest,
    NotificationMailWindow,
    NotificationPreference,
)
from app.questions.models import Question
from app.reputation.models import Champion

# "~" is never in a username anyone can choose (app.accounts.models.USERNAME_PATTERN), so no
# one can register the placeholder, take it first, or open a profile at it.
PLACEHOLDER_USERNAME = "~former-{id}"
# RFC 2606 reserves .invalid: no mail goes there, and sign-up refuses such an address.
PLACEHOLDER_EMAIL = "former-{id}@deleted.invalid"
# A value no password hashes to (app.accounts.models.User.check_password answers False).
UNUSABLE_PASSWORD = "!"  # noqa: S105 - a marker, not a password
LAST_SITE_ADMIN = _l(
    "You are the only site admin: Helpsquare would have nobody to approve claims or grant "
    "the moderator role. Make another account a site admin first (flask create-admin), then "
    "delete yours."
)
FIX_FIELDS = _l("Please correct the fields marked below.")


def delete_account(user: Any, password: Any) -> User:
    """The signed-in owner deletes their account, giving its password (see the module's
    docstring). Wrong passwords are limited like those at a password change
    (``SIGNIN_LIMITS_PER_ACCOUNT``): past it ``RateLimited``. The last site admin is refused
    with ``Conflict``, saying why. An audit entry records it."""
    if user is None or not user.is_authenticated or user.is_former_member:
        raise PermissionDenied(_("Sign in to delete your account."))
    limits = current_app.config["SIGNIN_LIMITS_PER_ACCOUNT"]
    places = take_places([Count(f"current-password:user:{user.id}", limits)], WRONG_CURRENT)
    if not isinstance(password, str) or not password or not user.check_password(password):
        raise ValidationError(FIX_FIELDS, fields={"password": PASSWORD_PROBLEMS["current_wrong"]})
    places.give_back()
    if user.is_admin and not _another_site_admin(user.id):
        raise Conflict(LAST_SITE_ADMIN)
    user_id = user.id
    # Every page that names the person is rendered anew (the anonymous page cache).
    answered = sa.select(Answer.question_id).where(Answer.author_id == user_id)
    db.session.execute(
        sa.update(Question)
        .where(sa.or_(Question.author_id == user_id, Question.id.in_(answered)))
        .values(page_version=Question.page_version + 1),
        execution_options={"synchronize_session": False},
    )
    for model in (
        Follow,
        NotificationPreference,
        Notification,
        NotificationDigest,
        NotificationMailWindow,
        Champion,  # a former member champions nobody: the badge leaves their answers
    ):
        db.session.execute(
            sa.delete(model).where(model.user_id == user_id),
            execution_options={"synchronize_session": False},
        )
    db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.to_address == user.email, OutboxMessage.sent_at.is_(None)
        ),
        execution_options={"synchronize_session": False},
    )
    _end_sessions_and_tokens(user_id)
    db.session.execute(
        sa.update(User)
        .where(User.id == user_id)
        .values(
            username=PLACEHOLDER_USERNAME.format(id=user_id),
            email=PLACEHOLDER_EMAIL.format(id=user_id),
            display_name="",
            password_hash=UNUSABLE_PASSWORD,
            is_moderator=False,
            is_admin=False,
            email_verified_at=None,
            unread_notification_count=0,
            deleted_at=utcnow(),
        ),
        execution_options={"synchronize_session": False},
    )
    audit.record(user, "account.deleted", subject_user_id=user_id)
    db.session.commit()
    db.session.expire(user)
    return user


def _another_site_admin(user_id: int) -> bool:
    """Whether a site admin other than ``user_id`` remains. The admins' rows are locked in
    id order (PostgreSQL; SQLite writes one at a time anyway): of two admins deleting their
    accounts at once, the second waits, then sees the first gone, and is refused."""
    admins = db.session.scalars(
        sa.select(User.id)
        .where(User.is_admin.is_(True), User.deleted_at.is_(None))
        .order_by(User.id)
        .with_for_update()
    ).all()
    return any(admin_id != user_id for admin_id in admins)
