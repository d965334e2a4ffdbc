"""Single sign-on (product.md, "Bringing the company's own site"; Get Satisfaction's FastPass).

A company's admin creates a secret; the company's site signs its signed-in customer's
details into a short-lived HS256 JWT with it and sends them to ``/sso/<slug>?token=…``.
The rules, in plain words:

- The token carries ``email, name, external_id, iat, exp, jti`` (and may carry
  ``return_to``, a path on this site). It must be signed with the company's current secret
  (its UTF-8 bytes are the HMAC key), HS256 only; ``exp`` at most 5 minutes ahead; 30
  seconds of leeway for the two clocks.
- A token works once: its ``jti`` is kept until the token would have expired anyway, then
  pruned (by the sign-ins that follow). A token of one company never signs in at another.
- The person is the account linked to (company, ``external_id``). The first time, an
  account is linked or made:

  - no account uses the e-mail: a new one, the address taken as verified (the company
    vouches for it), a username derived from the name or address and made unique, no
    password anybody knows (a password reset sets one);
  - an account uses it, with the address verified and no power beyond its own posts (not
    a site admin or moderator, not staff of another company): linked. A company proves
    nothing about the address to us beyond its word, so its word never reaches an
    account that could moderate the site or speak for someone else;
  - an account uses it but never verified it: refused. That account may be someone's
    placeholder for an address they do not own (a "pre-hijacked" account): linking would
    give its creator, who knows its password, the customer's account.

- A suspended or deleted account is not signed in. Anything refused is a 400 page and
  nobody is signed in; the session of whoever was signed in is replaced only on success.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import sqlalchemy as sa
from flask_babel import LazyString
from slugify import slugify

from app.accounts import services as account_services
from app.accounts.models import USERNAME_MAX, USERNAME_MIN, User
from app.companies.models import Company, Membership
from app.db import insert_if_absent, utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from app.integrations.models import (
    EXTERNAL_ID_MAX,
    JTI_MAX,
    ExternalIdentity,
    SsoSecret,
    SsoTokenUse,
)
from app.moderation import audit
from app.policy import Permission, is_moderator, require

ALGORITHM = "HS256"
MOST_AHEAD = timedelta(minutes=5)
LEEWAY = timedelta(seconds=30)
CLAIMS = ("email", "name", "external_id", "iat", "exp", "jti")
NAME_MAX = 200  # what the token's name may be before it is cleaned to a display name

INVALID_LINK = _l(
    "This sign-in link is not valid: it may be expired, already used, or not signed by "
    "%(company)s. Go back to %(company)s's site and sign in from there again."
)
UNVERIFIED_ACCOUNT = _l(
    "An account on Helpsquare already uses this e-mail address but has not confirmed it. "
    "Sign in to that account and confirm the address (or ask for a new password), then "
    "come back through %(company)s's site."
)
PRIVILEGED_ACCOUNT = _l(
    "The Helpsquare account with this e-mail address moderates the site or speaks for "
    "another company, so it cannot be signed in through %(company)s's site. Sign in with its "
    "password instead."
)
ACCOUNT_CLOSED = _l("This Helpsquare account cannot be signed in: it is suspended or was deleted.")


class SsoRefused(DomainError):
    """A token that does not sign anybody in: a 400 page saying why."""

    status = 400
    code = "invalid_token"


@dataclass(frozen=True)
class SignedIn:
    user: User
    return_to: str | None
    created: bool


# The secret -------------------------------------------------------------------------------


def create_secret(user: Any, company: Company) -> str:
    """A claimed company's admin staff (or a site admin) create its SSO secret; a new one
    replaces the old at once (tokens signed with the old one stop working). Returned here
    only: no page or API answer shows it again (it is kept, to verify signatures)."""
    require(user, Permission.COMPANY_SSO, company)
    secret = secrets.token_urlsafe(32)
    values = {"secret": secret, "created_at": utcnow(), "created_by_id": user.id}
    # Insert-or-update in SQL, not read-then-insert: two admins creating the first secret
    # at the same moment leave one row (the later one wins) instead of a primary-key error.
    created = insert_if_absent(
        db.session, SsoSecret.__table__, {"company_id": company.id, **values}
    )
    if not created:
        db.session.execute(
            sa.update(SsoSecret).where(SsoSecret.company_id == company.id).values(**values)
        )
    action = "sso.secret_created" if created else "sso.secret_rotated"
    audit.record(user, action, company_id=company.id, note=f"{company.name}: SSO secret")
    db.session.commit()
    return secret


def secret_created_at(company: Company) -> datetime | None:
    """When the company's current secret was made, or None without one (one SELECT)."""
    return db.session.scalar(
        sa.select(SsoSecret.created_at).where(SsoSecret.company_id == company.id)
    )


# Signing in -------------------------------------------------------------------------------


def _refuse(company: Company, template: LazyString = INVALID_LINK) -> SsoRefused:
    return SsoRefused(str(template) % {"company": company.name})


def read_token(company: Company, token: str) -> dict[str, Any]:
    """The token's claims, checked (signature, times, shapes); raises ``SsoRefused``.
    Reads one row and writes nothing: HEAD asks this alone."""
    key = db.session.scalar(sa.select(SsoSecret.secret).where(SsoSecret.company_id == company.id))
    if key is None or not isinstance(token, str) or not token or len(token) > 4096:
        raise _refuse(company)
    try:
        claims = jwt.decode(
            token,
            key.encode("utf-8"),
            algorithms=[ALGORITHM],
            leeway=LEEWAY,
            options={"require": list(CLAIMS)},
        )
    except jwt.PyJWTError:
        raise _refuse(company) from None
    now = utcnow().timestamp()
    exp, iat = claims["exp"], claims["iat"]
    if exp > now + (MOST_AHEAD + LEEWAY).total_seconds() or iat > now + LEEWAY.total_seconds():
        raise _refuse(company)
    text = (claims["email"], claims["name"], claims["jti"])
    if not all(isinstance(value, str) for value in text):
        raise _refuse(company)
    external_id = claims["external_id"]
    if isinstance(external_id, int) and not isinstance(external_id, bool):
        claims["external_id"] = external_id = str(external_id)
    if not isinstance(external_id, str) or not 0 < len(external_id) <= EXTERNAL_ID_MAX:
        raise _refuse(company)
    if not 0 < len(claims["jti"]) <= JTI_MAX or len(claims["name"]) > NAME_MAX:
        raise _refuse(company)
    email, problem = account_services.clean_email(claims["email"])
    if problem:
        raise _refuse(company)
    claims["email"] = email
    return_to = claims.get("return_to")
    claims["return_to"] = return_to if isinstance(return_to, str) else None
    return claims


def sign_in_with_token(company: Company, token: str) -> SignedIn:
    """Check the token, use it up and find (or link, or make) its person; see the module's
    rules. Commits; raises ``SsoRefused`` with nothing changed (but the pruning)."""
    claims = read_token(company, token)
    now = utcnow()
    # Pruned here, so the table holds at most the tokens of the last few minutes.
    db.session.execute(sa.delete(SsoTokenUse).where(SsoTokenUse.expires_at < now))
    expires = datetime.fromtimestamp(claims["exp"], UTC) + LEEWAY
    fresh = insert_if_absent(
        db.session,
        SsoTokenUse.__table__,
        {"company_id": company.id, "jti": claims["jti"], "expires_at": expires},
    )
    if not fresh:
        db.session.commit()  # the pruning
        raise _refuse(company)
    user, created = _person(company, claims)
    if user.is_suspended or user.is_former_member:
        db.session.rollback()
        raise SsoRefused(str(ACCOUNT_CLOSED))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # A concurrent first sign-in of the same person (or a taken username) won the race.
        db.session.rollback()
        raise _refuse(company) from None
    return SignedIn(user, claims["return_to"], created)


def _person(company: Company, claims: dict[str, Any]) -> tuple[User, bool]:
    linked = db.session.scalar(
        sa.select(User)
        .join(ExternalIdentity, ExternalIdentity.user_id == User.id)
        .where(
            ExternalIdentity.company_id == company.id,
            ExternalIdentity.external_id == claims["external_id"],
        )
    )
    if linked is not None:
        return linked, False
    user = db.session.scalar(sa.select(User).where(User.email == claims["email"]))
    created = user is None
    if user is None:
        user = _new_account(claims)
    else:
        _check_linkable(company, user)
    db.session.add(
        ExternalIdentity(company_id=company.id, external_id=claims["external_id"], user=user)
    )
    db.session.flush()
    return user, created


def _check_linkable(company: Company, user: User) -> None:
    """An existing account is linked by its e-mail only when that is safe (module rules)."""
    if not user.is_email_verified:
        db.session.rollback()
        raise _refuse(company, UNVERIFIED_ACCOUNT)
    staff_elsewhere = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Membership)
        .where(
            Membership.user_id == user.id,
            Membership.company_id != company.id,
            Membership.revoked_at.is_(None),
        )
    )
    if is_moderator(user) or staff_elsewhere:
        db.session.rollback()
        raise _refuse(company, PRIVILEGED_ACCOUNT)


def _new_account(claims: dict[str, Any]) -> User:
    display_name, problem = account_services.clean_display_name(claims["name"])
    user = User(
        username=unique_username(claims["name"], claims["email"]),
        email=claims["email"],
        display_name="" if problem else display_name,
        email_verified_at=utcnow(),
    )
    # Nobody knows it: the account signs in through the company, or after a password reset.
    user.set_password(secrets.token_urlsafe(32))
    db.session.add(user)
    return user


def _username_base(name: str, email: str) -> str:
    """The name (or the e-mail's local part) as a username: a–z, 0–9, "-", short enough
    to take a number after it, and never reserved."""
    for source in (name, email.split("@", 1)[0]):
        base = slugify(source, separator="-", max_length=USERNAME_MAX - 5, word_boundary=False)
        base = base.strip("-")
        if len(base) >= USERNAME_MIN and account_services.username_problem(base) is None:
            return base
    return "member"


def unique_username(name: str, email: str) -> str:
    """A username derived from the person's name (or e-mail), with the lowest number after
    it that no account has: "ada-lovelace", "ada-lovelace-2", … (one SELECT)."""
    base = _username_base(name, email)
    taken = set(
        db.session.scalars(
            sa.select(User.username).where(
                sa.or_(User.username == base, User.username.like(f"{base}-%"))
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
