"""People who use Helpsquare."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.i18n import _l, english

USERNAME_MIN, USERNAME_MAX = 3, 30
USERNAME_PATTERN = r"^[a-z0-9_-]+$"
PASSWORD_MIN, PASSWORD_MAX = 10, 128
DISPLAY_NAME_MAX = 60
BIO_MAX = 300  # a profile's short bio (issue 13), plain text
EMAIL_MAX = 254
REASON_MAX = 500  # a moderator's public reason (suspension, hide, lock)
# A language code ("en", "da"; room for "pt-BR").
LANGUAGE_MAX = 8
# How pages, e-mails and the API name an account its owner deleted.
FORMER_MEMBER_SHOWN = _l("a former member")
FORMER_MEMBER = english(FORMER_MEMBER_SHOWN)
# scrypt: memory-hard, in the standard library, Werkzeug's default.
PASSWORD_METHOD = "scrypt"  # noqa: S105 - a hash method name, not a password


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(USERNAME_MAX), unique=True)
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(DISPLAY_NAME_MAX), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Bumped at sign-out and password change; a session carrying an older value is dead.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The bell in the header reads this (no query of its own): app.notifications keeps it
    # equal to the user's unread notifications with SQL increments in the same transaction.
    unread_notification_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the owner followed a verification link (or a password-reset link) sent to
    # ``email``; None until then. Until it is set the account writes nothing others see
    # (app.policy.require) and receives no notification e-mails.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Looks after content site-wide (product.md, "Keeping it clean"); a site admin grants
    # and withdraws it. Site admins are moderators whatever this says (app.policy).
    is_moderator: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A moderator's suspension: set while it lasts; ``suspended_until`` None means for
    # good. Lifting it clears all three (app.moderation).
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str] = mapped_column(
        sa.String(REASON_MAX), default="", server_default=""
    )
    # When the owner deleted the account: it reads as "a former member" from then on.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Points earned as a peer (product.md, "Reputation"), all time: app.reputation.points
    # keeps it equal to the person's live ledger rows with SQL increments, in the
    # transaction of each cause; never recomputed on read.
    reputation: Mapped[int] = mapped_column(default=0, server_default="0")
    # A few words about themselves, plain text, shown on their profile (issue 13). Deferred:
    # the authors of a page of posts never need it.
    bio: Mapped[str] = mapped_column(
        sa.String(BIO_MAX), default="", server_default="", deferred=True
    )
    # The interface's language the person chose ("en", "da"); None: the browser's choice
    # (app.i18n.select_locale). E-mails use it, else ``signup_language``.
    language: Mapped[str | None] = mapped_column(sa.String(LANGUAGE_MAX))
    # The request's language when the account was made: the language of its e-mails until
    # the person chooses one.
    signup_language: Mapped[str | None] = mapped_column(sa.String(LANGUAGE_MAX))

    # The site-wide all-time leaderboard reads it top first.
    __table_args__ = (sa.Index("ix_users_reputation", "reputation", "id"),)

    # Flask-Login protocol ------------------------------------------------------
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    # Passwords -------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_email_verified(self) -> bool:
        """Whether the owner has proved that ``email`` is theirs."""
        return self.email_verified_at is not None

    @property
    def email_language(self) -> str:
        """The language e-mails to this person are written in: their setting, else the
        language they signed up in, else (an account older than both) the default."""
        return self.language or self.signup_language or current_app.config["BABEL_DEFAULT_LOCALE"]

    @property
    def is_former_member(self) -> bool:
        """Whether the owner deleted the account: it names nobody any more."""
        return self.deleted_at is not None

    @property
    def name(self) -> str:
        """The display name, or the username. To name a person anywhere (pages, e-mails,
        even greetings), use ``label`` or the ``person`` filter instead."""
        if self.is_former_member:
            return str(FORMER_MEMBER_SHOWN)
        return self.display_name or self.username

    @property
    def label(self) -> str:
        """How text names a person to others: "Ada Lovelace (@ada)", or "@ada" without a
        display name. The @username is always there, so a display name such as "Acme
        Support" can never pass for someone else (``app.templating.person`` on pages).
        A deleted account is "a former member"."""
        if self.is_former_member:
            return str(FORMER_MEMBER_SHOWN)
        if self.display_name:
            return f"{self.display_name} (@{self.username})"
        return f"@{self.username}"

    @property
    def is_suspended(self) -> bool:
        """Whether a suspension holds now (for a time not yet over, or for good)."""
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > utcnow()

    @property
    def suspension_end(self) -> datetime | str | None:
        """While a suspension holds: when it ends, or "forever"; None otherwise (a
        suspension for a time ends by itself when the time passes)."""
        if not self.is_suspended:
            return None
        return self.suspended_until or "forever"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


TOKEN_HASH_LENGTH = 64  # sha256, hex
TOKEN_HINT_LENGTH = 8


class ApiToken(db.Model):
    """A personal access token for the JSON API.

    Only the token's sha256 is stored: the token itself is shown once, when it is made.
    ``hint`` (its first characters, which carry no secret worth keeping: the rest is
    256 bits of randomness) lets the owner tell their tokens apart on the settings page.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(TOKEN_HASH_LENGTH), unique=True)
    hint: Mapped[str] = mapped_column(sa.String(TOKEN_HINT_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Updated at most once a minute per token (see app.accounts.access_tokens).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    __table_args__ = (sa.Index("ix_api_tokens_user", "user_id", "created_at"),)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class EmailVerification(db.Model):
    """One verification link e-mailed to an account's address (app.accounts.verification).

    The link's token names the user and this row: only the newest row of a user is honoured,
    so asking for a new link makes every older one worthless. The rows also count how many
    links were resent in the last hour.
    """

    __tablename__ = "email_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # The address the link went to: a link proves that address, not a later one.
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX))
    # False for the link sent at sign-up; True for one the owner asked for again.
    resent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_email_verifications_user", "user_id", "created_at"),)


class BannedEmail(db.Model):
    """An address refused for new accounts: "delete spammer" adds the spammer's.

    Kept lower-cased, as sign-up compares it."""

    __tablename__ = "banned_emails"

    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), primary_key=True)
    banned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
