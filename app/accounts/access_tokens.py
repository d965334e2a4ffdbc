"""Personal access tokens for the JSON API: issuing, recognising, listing, revoking.

A token is ``hsp_`` followed by 43 URL-safe characters of randomness (256 bits). It is
shown once, when it is issued; the database keeps only its sha256, so a copy of the
database lets nobody use the API as anybody. Looking a token up by its hash also takes
the same time whatever the token, so timing tells an attacker nothing.

Tokens end with the password: changing or resetting it, and "sign out everywhere", revoke
every token of the account in the same transaction (``app.accounts.services``). Plain
sign-out ends the browser sessions only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.accounts.models import TOKEN_HINT_LENGTH, ApiToken, User
from app.accounts.sign_in import sign_in
from app.db import MAX_ID, utcnow, writing
from app.errors import Conflict, DomainError, NotFound, PermissionDenied
from app.extensions import db
from app.i18n import _, _l

TOKEN_PREFIX = "hsp_"  # noqa: S105 - a recognisable prefix (secret scanners look for it)
# Longer than any token we issue; anything longer is not looked up at all.
TOKEN_MAX = 100
# "Last used" is a write made while answering a read: at most once a minute per token
# keeps it a small, bounded cost (one UPDATE a minute for a busy integration) while the
# settings page still tells the owner, to the minute, whether a token is in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Enough for every integration a person runs; a runaway script cannot fill the table.
ACTIVE_TOKENS_MAX = 50

WRONG_CREDENTIALS = _l("That username/e-mail and password do not match.")


class WrongCredentials(DomainError):
    """The username (or e-mail) and password given for a token do not match an account."""

    status = 401
    code = "invalid_credentials"


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued token: its row, and the secret itself (never stored, shown once)."""

    row: ApiToken
    secret: str


def token_digest(secret: str) -> str:
    """What is stored for a token: its sha256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(username: Any, password: Any, *, address: str | None) -> IssuedToken:
    """Issue a personal access token to whoever proves an account's password.

    ``username`` may also be the account's e-mail address, as at sign-in; a wrong pair
    says nothing about whether the account exists (``WrongCredentials``). Failures count
    as failed sign-ins from ``address``, in the same counts as the sign-in page's
    (``app.accounts.sign_in``: ``RateLimited`` past them). A user has at most
    ``ACTIVE_TOKENS_MAX`` tokens that are not revoked (``Conflict`` beyond that: revoke one
    on the account's token page first).
    """
    user = sign_in(username, password, address=address)
    if user is None:
        raise WrongCredentials(WRONG_CREDENTIALS)
    active = db.session.execute(
        sa.select(sa.func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).scalar_one()
    if active >= ACTIVE_TOKENS_MAX:
        raise Conflict(
            _(
                "You already have %(num)d active tokens, the most we allow. Revoke one you no "
                "longer use on your account's token page, then ask again.",
                num=active,
            )
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=token_digest(secret),
        hint=secret[:TOKEN_HINT_LENGTH],
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    return IssuedToken(row=row, secret=secret)


def user_for_token(secret: Any) -> User | None:
    """The account an API token belongs to, or None for an unknown or revoked token.

    Records when the token was last used, at most once a minute (a conditional UPDATE,
    committed at once, so concurrent requests with one token write it once).
    """
    if not isinstance(secret, str) or not secret.startswith(TOKEN_PREFIX):
        return None
    if len(secret) > TOKEN_MAX or not secret.isascii():
        return None
    found = db.session.execute(
        sa.select(ApiToken)
        .join(ApiToken.user)
        .options(contains_eager(ApiToken.user))
        .where(ApiToken.token_hash == token_digest(secret), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if found is None:
        return None
    now = utcnow()
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
        token_id, user = found.id, found.user
        # The read ends first and the write takes SQLite's lock up front, even in a GET
        # (app.db.writing): a read turned write would be refused while others write. The
        # commits expire the loaded user, so this request reads it once more: once a
        # minute per token at most.
        db.session.commit()
        with writing():
            db.session.execute(
                sa.update(ApiToken)
                .where(
                    ApiToken.id == token_id,
                    sa.or_(
                        ApiToken.last_used_at.is_(None),
                        ApiToken.last_used_at <= now - LAST_USED_RESOLUTION,
                    ),
                )
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
        return user
    return found.user


def tokens_of(user: Any) -> list[ApiToken]:
    """The user's tokens, the ones still working first, newest first (one SELECT)."""
    revoked_last = sa.case((ApiToken.revoked_at.is_(None), 0), else_=1)
    return list(
        db.session.execute(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(revoked_last, ApiToken.created_at.desc(), ApiToken.id.desc())
        ).scalars()
    )


def revoke_token(user: Any, token_id: int) -> ApiToken:
    """The owner revokes one of their tokens: it stops working at once, for good.

    Revoking a revoked token changes nothing. Somebody else's token is ``NotFound`` (an
    id says nothing about whether a token exists).
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to manage your tokens."))
    token = None
    if 0 < token_id <= MAX_ID:
        token = db.session.execute(
            sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
        ).scalar_one_or_none()
    if token is None:
        raise NotFound(_("There is no such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


__all__ = [
    "ACTIVE_TOKENS_MAX",
    "IssuedToken",
    "TOKEN_PREFIX",
    "WrongCredentials",
    "issue_token",
    "revoke_token",
    "token_digest",
    "tokens_of",
    "user_for_token",
]
