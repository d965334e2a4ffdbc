"""Account writes: sign-up, sign-in checks, sign-out, password changes and resets,
site admins.

What ends when: signing out ends every session of the account (its session version goes
up: a session is a signed cookie carrying that version). Changing or resetting the
password, "sign out everywhere" and the operator setting a password with
``flask create-admin`` end every session and revoke every API token, in the same
transaction (``_end_sessions_and_tokens``).

Every function validates its input itself (the JSON API calls them without
forms) and reports what is wrong per field in ``ValidationError.fields``.

One room past 400 lines: every write here goes through the same field checks (username,
e-mail, password rules) and the same "end sessions and tokens" step, which is what a
change to one of them must be read against. Signing in with its failure counts lives in
``sign_in.py``, the counting itself in ``throttle.py``, API tokens in ``access_tokens.py``.
"""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import passwords, verification
from app.accounts.models import (
    BIO_MAX,
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_METHOD,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
    USERNAME_PATTERN,
    ApiToken,
    BannedEmail,
    User,
)
from app.accounts.throttle import Count, take_places
from app.db import increment, utcnow
from app.errors import ValidationError
from app.extensions import db
from app.i18n import _, _l, english
from app.mail import after_response, queue_message
from app.text import clean_text, name_problem, normalize_name
from app.tokens import InvalidToken, Purpose, make_token, read_token

# Names that would let an account pass for Helpsquare itself, its staff, or a page of
# the site. Any name starting with "helpsquare" is reserved as well.
RESERVED_USERNAMES = frozenset(
    {
        "abuse", "account", "accounts", "admin", "administrator", "administrators", "admins",
        "all", "anonymous", "api", "billing", "contact", "edit", "everyone", "guest", "help",
        "helpdesk", "helpsquare", "hostmaster", "info", "login", "logout", "mail", "me", "mod",
        "moderator", "moderators", "mods", "new", "no-reply", "noreply", "null", "official",
        "owner", "postmaster", "privacy", "register", "root", "security", "settings",
        "sign-in", "sign-out", "sign-up", "signin", "signout", "signup", "staff", "static",
        "support", "sys", "sysadmin", "system", "team", "terms", "undefined", "user", "users",
        "webmaster", "www",
    }
)  # fmt: skip
RESERVED_PREFIX = "helpsquare"

CONTROL_CHARACTER = _l("Remove the invisible control character (such as NUL) from this.")
USERNAME_REQUIRED = _l("Choose a username.")
USERNAME_LENGTH = _l("Use %(min)d to %(max)d characters.", min=USERNAME_MIN, max=USERNAME_MAX)
USERNAME_CHARACTERS = _l("Use only letters a–z, digits, hyphens (-) and underscores (_).")
USERNAME_RESERVED = _l("That username is reserved. Please choose another.")
USERNAME_TAKEN = _l("That username is already taken. Please choose another.")
EMAIL_REQUIRED = _l("Enter your e-mail address.")
EMAIL_TOO_LONG = _l("Use at most %(max)d characters.", max=EMAIL_MAX)
EMAIL_INVALID = _l("Enter a valid e-mail address, like name@example.com.")
EMAIL_TAKEN = _l("An account with that e-mail address already exists.")
_EMAIL_BANNED = _l(
    "This e-mail address cannot be used for a new account: it belonged to an account "
    "removed for spam."
)
EMAIL_BANNED = english(_EMAIL_BANNED)
EMAIL_OTHER_ACCOUNT = _l("That username belongs to an account with a different e-mail address.")
# What a refused password is told, rule by rule.
PASSWORD_PROBLEMS = {
    "required": _l("Choose a password."),
    "too_short": _l("Use at least %(min)d characters.", min=PASSWORD_MIN),
    "too_long": _l("Use at most %(max)d characters.", max=PASSWORD_MAX),
    "is_username": _l("Your password must not be your username."),
    "is_email": _l("Your password must not be your e-mail address."),
    "common": _l("That is one of the most common passwords. Please choose one harder to guess."),
    "nul": _l("Remove the invisible NUL character from your password."),
    "current_wrong": _l("That is not your current password."),
}
DISPLAY_NAME_TOO_LONG = _l("Use at most %(max)d characters.", max=DISPLAY_NAME_MAX)
DISPLAY_NAME_AT = _l(
    "Leave out “@”: it marks usernames, and yours is always shown beside this name."
)
PASSWORD_RESET_HOURS = 1
PASSWORD_RESET_MAX_AGE = timedelta(hours=PASSWORD_RESET_HOURS)
RESET_SUBJECT = _l("Choose a new password for Helpsquare")
RESET_LINK_USED = _l(
    "That link has already been used, or the password was changed after it was sent."
)
NOT_TEXT = _l("This must be text.")
WRONG_CURRENT = _l(
    "Too many attempts with a wrong current password. Please wait {wait} and try again."
)
FIX_FIELDS = _l("Please correct the fields marked below.")
# update_profile: a setting nobody sent stays as it is.
_UNCHANGED: Any = object()


# Field checks: each returns the cleaned value and what is wrong with it (or None). ----


def _has_control_characters(value: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in value)


def _as_text(value: Any) -> str | None:
    """The value as a string ("" for missing), or None when it is not text at all."""
    if value is None:
        return ""
    return value if isinstance(value, str) else None


def _clean_username(raw: Any, *, allow_reserved: bool = False) -> tuple[str, str | None]:
    value = _as_text(raw)
    if value is None:
        return "", NOT_TEXT
    value = value.strip().lower()  # usernames are case-insensitive: stored lowercase
    if not value:
        return value, USERNAME_REQUIRED
    if _has_control_characters(value):
        return value, CONTROL_CHARACTER
    if not USERNAME_MIN <= len(value) <= USERNAME_MAX:
        return value, USERNAME_LENGTH
    if not re.fullmatch(USERNAME_PATTERN, value):
        return value, USERNAME_CHARACTERS
    if not allow_reserved and (value in RESERVED_USERNAMES or value.startswith(RESERVED_PREFIX)):
        return value, USERNAME_RESERVED
    return value, None


def clean_email(raw: Any) -> tuple[str, str | None]:
    """An e-mail address, normalised and lowercased, and what is wrong with it (or None).

    Syntax only, never a DNS lookup. Other domains (work e-mails of staff) use it too.
    """
    value = _as_text(raw)
    if value is None:
        return "", NOT_TEXT
    value = value.strip()
    if not value:
        return value, EMAIL_REQUIRED
    if _has_control_characters(value):
        return value, CONTROL_CHARACTER
    if len(value) > EMAIL_MAX:
        return value, EMAIL_TOO_LONG
    try:
        # Syntax only: never a DNS lookup (no network in a request, nor in tests).
        normalized = validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        return value, EMAIL_INVALID
    normalized = normalized.lower()
    if len(normalized) > EMAIL_MAX:
        return normalized, EMAIL_TOO_LONG
    return normalized, None


def _password_problem(password: Any, *, username: str, email: str) -> str | None:
    """What is wrong with a new password, or None.

    Length and "not a common password" only: no composition rules (NIST SP 800-63B).
    Passwords are taken exactly as typed, spaces included; they are never stripped.
    """
    value = _as_text(password)
    if value is None:
        return NOT_TEXT
    if not value:
        return PASSWORD_PROBLEMS["required"]
    if "\x00" in value:
        return PASSWORD_PROBLEMS["nul"]
    if len(value) < PASSWORD_MIN:
        return PASSWORD_PROBLEMS["too_short"]
    if len(value) > PASSWORD_MAX:
        return PASSWORD_PROBLEMS["too_long"]
    folded = value.casefold()
    if username and folded == username.casefold():
        return PASSWORD_PROBLEMS["is_username"]
    if email and folded == email.casefold():
        return PASSWORD_PROBLEMS["is_email"]
    if passwords.is_common(value):
        return PASSWORD_PROBLEMS["common"]
    return None


def _clean_display_name(raw: Any) -> tuple[str, str | None]:
    """A display name as ``app.text`` cleans names (NFKC, spaces collapsed, no bidi or
    invisible characters), without "@" (which would fake a username), or empty. Display
    names need not be unique: pages always show the @username beside them."""
    value = _as_text(raw)
    if value is None:
        return "", NOT_TEXT
    value = value.strip()
    if _has_control_characters(value):
        return value, CONTROL_CHARACTER
    value = normalize_name(value)
    problem = name_problem(value)
    if problem:
        return value, problem
    if "@" in value:
        return value, DISPLAY_NAME_AT
    if len(value) > DISPLAY_NAME_MAX:
        return value, DISPLAY_NAME_TOO_LONG
    return value, None


def username_problem(value: str) -> str | None:
    """What is wrong with ``value`` as a new username, besides being taken (or None)."""
    return _clean_username(value)[1]


def clean_display_name(raw: Any) -> tuple[str, str | None]:
    """A display name, normalised, and what is wrong with it (or None)."""
    return _clean_display_name(raw)


def _taken(username: str, email: str, *, except_id: int | None = None) -> dict[str, str]:
    """Field errors for a username or e-mail another account already has (one SELECT)."""
    conditions = []
    if username:
        conditions.append(User.username == username)
    if email:
        conditions.append(User.email == email)
    if not conditions:
        return {}
    query = sa.select(User.username, User.email).where(sa.or_(*conditions))
    if except_id is not None:
        query = query.where(User.id != except_id)
    errors: dict[str, str] = {}
    for row in db.session.execute(query):
        if username and row.username == username:
            errors["username"] = USERNAME_TAKEN
        if email and row.email == email:
            errors["email"] = EMAIL_TAKEN
    return errors


def _commit_unique(prepare: Callable[[], object] | None = None) -> None:
    """Commit (after ``prepare``, which may need the new rows' ids); a unique username or
    e-mail lost to a concurrent request is a field error."""
    try:
        if prepare is not None:
            db.session.flush()
            prepare()
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        # PostgreSQL names the constraint; SQLite says "UNIQUE constraint failed: users.email".
        diagnostics = getattr(error.orig, "diag", None)
        detail = getattr(diagnostics, "constraint_name", None) or str(error.orig)
        if "uq_users_username" in detail or "users.username" in detail:
            raise ValidationError(FIX_FIELDS, fields={"username": USERNAME_TAKEN}) from error
        if "uq_users_email" in detail or "users.email" in detail:
            raise ValidationError(FIX_FIELDS, fields={"email": EMAIL_TAKEN}) from error
        raise


# Services ------------------------------------------------------------------------------


def _sign_up_fields(
    username: Any, email: Any, password: Any, display_name: Any
) -> tuple[str, str, str, dict[str, str]]:
    """The cleaned username, e-mail and display name, and what is wrong with each field."""
    fields: dict[str, str] = {}
    username, problem = _clean_username(username)
    if problem:
        fields["username"] = problem
    email, problem = clean_email(email)
    if problem:
        fields["email"] = problem
    problem = _password_problem(password, username=username, email=email)
    if problem:
        fields["password"] = problem
    display_name, problem = _clean_display_name(display_name)
    if problem:
        fields["display_name"] = problem
    taken = _taken(
        username if "username" not in fields else "", email if "email" not in fields else ""
    )
    fields.update(taken)
    if "email" not in fields and is_banned_email(email):
        fields["email"] = str(_EMAIL_BANNED)
    return username, email, display_name, fields


def is_banned_email(email: str) -> bool:
    """Whether a moderator's "delete spammer" refused this (cleaned, lower-case) address
    for new accounts; any letter case matches (one SELECT)."""
    banned = sa.select(BannedEmail.email).where(BannedEmail.email == email.lower())
    return db.session.execute(banned).first() is not None


def sign_up_problems(
    username: Any, email: Any, password: Any, display_name: Any = ""
) -> dict[str, str]:
    """What ``sign_up`` would refuse, field by field (empty when it would accept them); the
    API reports them beside its own shape checks, every bad field at once."""
    return _sign_up_fields(username, email, password, display_name)[3]


def sign_up(
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    language: str | None = None,
    next_url: str | None = None,
) -> User:
    """Create an account.

    The username is 3–30 of a–z, 0–9, "-" and "_" (typed capitals are lowered), not
    reserved and not taken; the e-mail is valid and not used by another account (both
    are stored lowercase); the password is 10–128 characters, neither the username nor
    the e-mail, and not a common password; the display name is optional. Every bad field
    is reported at once. A link to confirm the address is e-mailed to it
    (``app.accounts.verification``), in ``language``: the language the person signed up
    in, kept as the language of their e-mails until they choose one. ``next_url`` (a path
    on this site, checked by the caller) is where the link leads once the address is
    verified: the page the person signed up from.
    """
    username, email, display_name, fields = _sign_up_fields(username, email, password, display_name)
    if fields:
        raise ValidationError(FIX_FIELDS, fields=fields)
    if language not in current_app.config["LANGUAGES"]:
        language = None
    user = User(username=username, email=email, display_name=display_name, signup_language=language)
    user.set_password(password)
    db.session.add(user)
    _commit_unique(prepare=lambda: verification.send_link(user, next_url=next_url))
    return user


@cache
def _dummy_password_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


def find_account(login: Any) -> User | None:
    """The account whose username or e-mail address (any letter case) is ``login``, or
    None; one SELECT (none for an empty login)."""
    login_text = (_as_text(login) or "").strip().lower()
    # A NUL byte cannot be in any stored value (and PostgreSQL refuses it in a query).
    if not login_text or "\x00" in login_text or len(login_text) > EMAIL_MAX:
        return None
    column = User.email if "@" in login_text else User.username
    return db.session.execute(sa.select(User).where(column == login_text)).scalar_one_or_none()


def password_matches(user: User | None, password: Any) -> bool:
    """Whether ``password`` is ``user``'s password.

    A password is hashed even when there is no such account (against a hash of nothing
    anybody knows), so the answer takes the same time either way and does not reveal
    which accounts exist.
    """
    password_text = _as_text(password) or ""
    if user is None or len(password_text) > PASSWORD_MAX:
        check_password_hash(_dummy_password_hash(), password_text[:PASSWORD_MAX])
        return False
    return user.check_password(password_text)


def authenticate(login: Any, password: Any) -> User | None:
    """The account whose username or e-mail (any letter case) is ``login``, if ``password``
    is its password; None otherwise. Counts nothing: signing in goes through
    ``app.accounts.sign_in``, which limits the failures.

    The password is hashed whether or not the account exists, so the answer takes the
    same time either way and does not reveal which accounts exist.
    """
    user = find_account(login)
    return user if password_matches(user, password) else None


def _revoke_api_tokens(user_id: int) -> None:
    """Revoke every API token of the account that still works, in the caller's transaction."""
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def _end_sessions_and_tokens(user_id: int) -> None:
    """End every session of the account and revoke every API token it has, in the caller's
    transaction (two UPDATEs; the caller commits them with its own change)."""
    increment(db.session, User.session_version, user_id)
    _revoke_api_tokens(user_id)


def sign_out(user: User) -> None:
    """End every session of the user, on every device: their session version goes up, so
    each cookie issued before (copied ones included) no longer signs anybody in. The
    user's API tokens keep working (``sign_out_everywhere`` revokes them too)."""
    increment(db.session, User.session_version, user.id)
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """End every session of the user, on every device, and revoke every API token of
    theirs, at once: for when a password or a token may have leaked."""
    _end_sessions_and_tokens(user.id)
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> User:
    """Change the user's password; it needs the current one.

    The new password follows the sign-up rules. Every existing session of the user ends
    (the session version goes up) and every API token of theirs is revoked, in the same
    transaction; the caller signs the current browser in again. Wrong current passwords
    are limited per account (``SIGNIN_LIMITS_PER_ACCOUNT``): past it ``RateLimited``,
    without checking, counted atomically (``app.accounts.throttle``).
    """
    limits = current_app.config["SIGNIN_LIMITS_PER_ACCOUNT"]
    places = take_places([Count(f"current-password:user:{user.id}", limits)], WRONG_CURRENT)
    fields: dict[str, str] = {}
    current_text = _as_text(current_password) or ""
    if not current_text or not user.check_password(current_text):
        fields["current_password"] = PASSWORD_PROBLEMS["current_wrong"]
    else:
        places.give_back()  # only wrong current passwords count
    problem = _password_problem(new_password, username=user.username, email=user.email)
    if problem:
        fields["new_password"] = problem
    if fields:
        raise ValidationError(FIX_FIELDS, fields=fields)
    user.set_password(new_password)
    _end_sessions_and_tokens(user.id)
    db.session.commit()
    return user


def update_profile(
    user: User, display_name: str, bio: str | None = None, language: Any = _UNCHANGED
) -> User:
    """Change the name other people see (at most 60 characters; empty shows the username);
    when given, the short bio on the profile (``bio``: plain text, one paragraph of at most
    300 characters, no control, bidirectional or only-invisible characters; empty: none);
    and, when given, the interface's language: one of the site's languages, or ""/None for
    the browser's choice (its e-mails then use the language the person signed up in)."""
    fields: dict[str, str] = {}
    display_name, problem = _clean_display_name(display_name)
    if problem:
        fields["display_name"] = problem
    if bio is not None:
        bio, why = clean_text(bio, label=_("The bio"), minimum=0, maximum=BIO_MAX, one_line=True)
        why = why or (name_problem(bio) if bio else None)
        if why:
            fields["bio"] = why
    if language is not _UNCHANGED:
        language = language or None
        if language is not None and language not in current_app.config["LANGUAGES"]:
            fields["language"] = _("Choose one of the languages listed.")
    if fields:
        raise ValidationError(FIX_FIELDS, fields=fields)
    user.display_name = display_name
    if bio is not None:
        user.bio = bio
    if language is not _UNCHANGED:
        user.language = language
    db.session.commit()
    return user


def create_site_admin(username: str, email: str, password: str) -> User:
    """Make a site admin, for the operator's ``flask create-admin``.

    Creates the account as a site admin; or, when the username exists with that same
    e-mail, makes that account a site admin and sets its password (ending its sessions and
    revoking its API tokens). The sign-up rules apply, except that reserved usernames are
    allowed: the operator choosing "admin" is exactly who those names are kept for. The
    operator vouches for the address: it counts as confirmed.
    """
    return _operator_account(username, email, password, role="is_admin")


def create_moderator(username: str, email: str, password: str) -> User:
    """Make a moderator, for the operator's ``flask create-moderator``: as
    ``create_site_admin`` does, with the moderator role instead."""
    return _operator_account(username, email, password, role="is_moderator")


def _operator_account(username: str, email: str, password: str, *, role: str) -> User:
    fields: dict[str, str] = {}
    username, problem = _clean_username(username, allow_reserved=True)
    if problem:
        fields["username"] = problem
    email, problem = clean_email(email)
    if problem:
        fields["email"] = problem
    problem = _password_problem(password, username=username, email=email)
    if problem:
        fields["password"] = problem
    if fields:
        raise ValidationError(FIX_FIELDS, fields=fields)
    existing = db.session.execute(
        sa.select(User).where(User.username == username)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.email != email:
            raise ValidationError(FIX_FIELDS, fields={"email": EMAIL_OTHER_ACCOUNT})
        setattr(existing, role, True)
        existing.set_password(password)
        _end_sessions_and_tokens(existing.id)
        verification.mark_verified(existing)
        db.session.commit()
        return existing
    taken = _taken("", email)
    if taken:
        raise ValidationError(FIX_FIELDS, fields=taken)
    user = User(username=username, email=email, email_verified_at=utcnow(), **{role: True})
    user.set_password(password)
    db.session.add(user)
    _commit_unique()
    return user


# Password reset ---------------------------------------------------------------------------


def _password_reset_version(user: User) -> str:
    """What a reset link must still match when it is followed.

    The session version goes up when the link is used (and at every sign-out); the
    fingerprint of the password hash changes with the password. Keyed with SECRET_KEY,
    so the readable token says nothing about the hash.
    """
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    digest = hmac.new(key, user.password_hash.encode(), "sha256").hexdigest()[:16]
    return f"{user.session_version}.{digest}"


def request_password_reset(email: str) -> None:
    """E-mail a link to choose a new password to the account that uses ``email``, if any.

    The address must be a valid e-mail address (``ValidationError``). Nothing else happens
    while the request is answered: the account is looked up, and the link written and
    sent, after the response has gone out (``app.mail.after_response``). So the answer is
    the same, takes the same time and runs the same statements (none) whether or not an
    account uses the address. The link works for one hour, once, and not after the
    password has changed.
    """
    address, problem = clean_email(email)
    if problem:
        raise ValidationError(FIX_FIELDS, fields={"email": problem})
    after_response(send_password_reset, address)


def send_password_reset(address: str) -> None:
    """Queue the link to choose a new password for the account that uses ``address`` (a
    cleaned address); nothing when no account does. Runs after the response."""
    user = db.session.execute(sa.select(User).where(User.email == address)).scalar_one_or_none()
    if user is None:
        return
    token = make_token(Purpose.PASSWORD_RESET, user.id, _password_reset_version(user))
    queue_message(
        user.email,
        RESET_SUBJECT,
        "password_reset",
        language=user.email_language,
        user=user,
        link=url_for("accounts.reset_password", token=token, _external=True),
        hours=PASSWORD_RESET_HOURS,
    )
    db.session.commit()


def password_reset_user(token: str) -> User:
    """The account a password reset link is for.

    Raises ``InvalidToken`` when the link is not one of ours, is older than an hour, was
    used already, or the password has changed since it was sent.
    """
    user_id, version = read_token(token, Purpose.PASSWORD_RESET, max_age=PASSWORD_RESET_MAX_AGE)
    user = db.session.get(User, user_id)
    if user is None or not hmac.compare_digest(version, _password_reset_version(user)):
        raise InvalidToken(RESET_LINK_USED)
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link (see ``password_reset_user``).

    The new password follows the sign-up rules. Every existing session of the account
    ends (its session version goes up), which also uses up this link and every other
    reset link sent before, and every API token of the account is revoked, in the same
    transaction; the caller signs the current browser in. The link came to the account's
    address, so the address counts as confirmed from now on.
    """
    user = password_reset_user(token)
    problem = _password_problem(new_password, username=user.username, email=user.email)
    if problem:
        raise ValidationError(FIX_FIELDS, fields={"new_password": problem})
    # Only if nothing changed since the link was checked: of two requests racing with the
    # same link, one sets the password and the other finds the link used.
    changed = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            User.session_version == user.session_version,
            User.password_hash == user.password_hash,
        )
        .values(
            password_hash=generate_password_hash(new_password, method=PASSWORD_METHOD),
            session_version=User.session_version + 1,
        ),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise InvalidToken(RESET_LINK_USED)
    _revoke_api_tokens(user.id)
    verification.mark_verified(user)
    db.session.commit()
    return user
