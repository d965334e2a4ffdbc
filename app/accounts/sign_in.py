"""Signing in with a password (the sign-in page and API token requests), with failures
counted so that guessing stops while an account's owner still gets in.

What is counted: failed sign-ins only (a right password gives its place back), each
counted atomically before its password is checked (``app.accounts.throttle``). The typed
login is first resolved to its account, so the username and the e-mail address share one
count; a login that names no account is counted by what was typed (trimmed, lowercase),
and the message is the same either way, so the counts say nothing about who has an
account. Three counts cover the three ways of guessing:

- per account and address (``SIGNIN_LIMITS_PER_ACCOUNT_AND_ADDRESS``): one source
  guessing one account. It keeps that case tight even where an operator loosens the
  address count for a large shared network;
- per address across accounts (``SIGNIN_LIMITS_PER_ADDRESS``, Discourse's 6 a minute and
  30 an hour): one source spraying a common password over many accounts;
- per account across addresses (``SIGNIN_LIMITS_PER_ACCOUNT``): a botnet guessing one
  account from many addresses.

The catch is that the last two are shared: everybody behind one office NAT is one address,
and anybody anywhere can fill an account's count. How others weigh it:

- Discourse counts every attempt per IP and nothing else, and accepts that one noisy
  machine behind a NAT holds everybody there back for up to an hour.
- django-axes locks out by IP, by username, or by their combination. The combination
  keeps colleagues apart, but a botnet or a proxy pool gets a fresh budget per address
  (OWASP's objection to account/IP lockouts), so a lone username count is needed as well,
  and that one lets anybody lock the owner out.
- Remembering, next to the counts, which accounts signed in successfully from an address
  and exempting those from the address count would keep known colleagues in. But the
  exemption belongs to the address, so it is shared with whoever else is behind it: on a
  carrier-grade NAT or a campus network that is thousands of strangers, the spraying
  attacker among them. It also fails the colleague whose address changed (phones, DHCP,
  VPNs), and it does nothing for the owner whose account a botnet has filled.
- OWASP's "device cookies" (used by Facebook, among others) give the exemption to the
  browser instead: a browser where someone signed in to an account successfully gets a
  signed cookie saying so, and its later attempts on that account are counted against
  that browser alone, never against the shared counts, and never refused because of them.

We use device cookies. A browser that has signed in to the account before (the
``signed_in_before`` cookie: signed, HttpOnly, sent only to the sign-in page, a year long,
renewed at each sign-in, for up to 10 accounts) is counted per account and browser with
the per-account-and-address limits, and nobody else's failures, from the same office or
from anywhere, can refuse its right password. Only a browser that has never signed in to
the account before is held back with its address, and its owner still has the e-mailed
reset link, which signs them in. The API has no cookies, so token requests are always
counted like a browser new to the account; the counts are the same ones as the page's, so
switching doors buys an attacker nothing.

Costs we accept: an attacker who has copied the cookie out of the browser gets the
browser's own budget on that account, no more. And because a username and its e-mail
address share a count while two unknown logins do not, someone who first uses up an
account's hourly count can then try e-mail addresses one request each to learn which one
belongs to that username; it costs the account's whole count per hour and a guess per
address, and every request of it is logged as a failure.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from app.accounts import services
from app.accounts.models import EMAIL_MAX, User
from app.accounts.suspension import suspension_message
from app.accounts.throttle import Count, network_of, take_places
from app.db import MAX_ID, utcnow
from app.errors import Suspended
from app.i18n import _l

SIGN_IN_THROTTLED = _l("Too many sign-in attempts. Please wait {wait} and try again.")

BROWSER_COOKIE = "signed_in_before"
BROWSER_MAX_AGE = timedelta(days=365)
BROWSER_ACCOUNTS_MAX = 10
BROWSER_COOKIE_MAX = 1000  # longer than any cookie we sign; anything longer is not read
_BROWSER_SALT = "helpsquare:signed-in-before"


# Browsers that have signed in before --------------------------------------------------


@dataclass(frozen=True)
class Browser:
    """What a browser's ``signed_in_before`` cookie says: a random id of its own, and the
    accounts that have signed in on it (most recent first)."""

    id: str
    account_ids: tuple[int, ...] = ()


class _ClockSigner(TimestampSigner):
    """Timestamps from Helpsquare's clock, so tests move time instead of sleeping."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=_BROWSER_SALT, signer=_ClockSigner
    )


def read_browser(cookie: Any) -> Browser | None:
    """The browser a ``signed_in_before`` cookie describes; None when there is none, or it
    is not one we signed, or it is older than a year."""
    if not isinstance(cookie, str) or not cookie or len(cookie) > BROWSER_COOKIE_MAX:
        return None
    try:
        payload, signed_at = _serializer().loads(cookie, return_timestamp=True)
    except (BadSignature, ValueError, TypeError):
        return None
    if signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    if utcnow() - signed_at > BROWSER_MAX_AGE or not isinstance(payload, dict):
        return None
    browser_id, account_ids = payload.get("b"), payload.get("a")
    if not isinstance(browser_id, str) or not isinstance(account_ids, list):
        return None
    if not all(type(i) is int and 0 < i <= MAX_ID for i in account_ids):
        return None
    return Browser(browser_id, tuple(account_ids[:BROWSER_ACCOUNTS_MAX]))


def browser_cookie_after_sign_in(cookie: Any, user: User) -> str:
    """The ``signed_in_before`` cookie for a browser where ``user`` just proved who they
    are (signing in, signing up, a reset link): the same browser id, this account first."""
    browser = read_browser(cookie) or Browser(secrets.token_urlsafe(16))
    accounts = [user.id, *(i for i in browser.account_ids if i != user.id)]
    return _serializer().dumps({"b": browser.id, "a": accounts[:BROWSER_ACCOUNTS_MAX]})


# Signing in ---------------------------------------------------------------------------


def _counts(
    login: Any, user: User | None, address: str | None, browser: Browser | None
) -> list[Count]:
    """The counts an attempt belongs to (see the module's docstring). Each kind of key has
    its own prefix, and a network never contains "|", so no typed login can make its key
    the same as another count's."""
    config = current_app.config
    one_place = config["SIGNIN_LIMITS_PER_ACCOUNT_AND_ADDRESS"]
    if user is not None:
        account = f"user:{user.id}"
    else:
        typed = login.strip().lower()[:EMAIL_MAX] if isinstance(login, str) else ""
        account = f"login:{typed}"
    if user is not None and browser is not None and user.id in browser.account_ids:
        return [Count(f"browser:{browser.id}|{account}", one_place)]
    network = network_of(address)
    return [
        Count(f"pair:{network}|{account}", one_place),
        Count(f"address:{network}", config["SIGNIN_LIMITS_PER_ADDRESS"]),
        Count(f"account:{account}", config["SIGNIN_LIMITS_PER_ACCOUNT"]),
    ]


def sign_in(
    login: Any, password: Any, *, address: str | None, browser_cookie: Any = None
) -> User | None:
    """The account whose username or e-mail address (any letter case) is ``login``, if
    ``password`` is its password; None if not (the same for an unknown account).

    ``RateLimited``, without checking the password, when the attempt's counts are full
    (see the module's docstring): per account and ``address``, per ``address`` and per
    account; or, from a browser whose ``browser_cookie`` says the account signed in on it
    before, per account and browser only. Only failures count. The right password of a
    suspended account raises ``Suspended``, saying until when and why.
    """
    user = services.find_account(login)
    counts = _counts(login, user, address, read_browser(browser_cookie))
    places = take_places(counts, SIGN_IN_THROTTLED)
    if not services.password_matches(user, password):
        return None
    places.give_back()
    if user is not None and user.is_suspended:
        # Said only to whoever knows the password: until when, and why.
        raise Suspended(suspension_message(user))
    return user


__all__ = [
    "BROWSER_COOKIE",
    "BROWSER_MAX_AGE",
    "SIGN_IN_THROTTLED",
    "Browser",
    "browser_cookie_after_sign_in",
    "read_browser",
    "sign_in",
]
