"""Failed password checks, counted atomically where the rate limiter keeps its counts.

Checking a limit first and counting the failure afterwards ("test, then hit", which is what
Flask-Limiter's ``deduct_when`` does) lets through every request that arrives while the
first ones are still hashing their password: 30 wrong passwords sent at once got 7
password checks past a limit of 6, and more with more workers. Here an attempt first takes
a place in every count it belongs to, each with one atomic increment, and decides from
the numbers those increments return:

- past any limit, it gives all its places back and is refused (``RateLimited``) without
  its password being checked;
- otherwise its password is checked; a right one gives the places back (successes never
  count), a wrong one keeps them.

So however many attempts arrive at once, no more password checks run in a window than the
limit allows. The counts live in Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``: memory
in the embedded default, Redis shared by every worker in production), in fixed windows that
start at a key's first place taken: ``limits``' fixed-window strategy, used whatever
strategy the decorators use, because a place can be given back there (an increment of -1)
and not in a moving window. A place given back just after its window ended starts the next
window one lower: one extra attempt at most, never a lost refusal.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter

from app.errors import RateLimited
from app.extensions import limiter
from app.i18n import _, ngettext

# Keeps these counts apart from the keys Flask-Limiter's decorators write.
NAMESPACE = "password-checks"


@dataclass(frozen=True)
class Count:
    """One count an attempt belongs to: whose failures it counts, and its limits as the
    config writes them ("6 per minute; 30 per hour")."""

    key: str
    limits: str


@dataclass
class Places:
    """The places an attempt holds in its counts, until it gives them back."""

    taken: list[tuple[RateLimitItem, str]] = field(default_factory=list)

    def give_back(self) -> None:
        """The attempt does not count after all (its password was right)."""
        _give_back(self.taken)
        self.taken = []


@cache
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def _strategy() -> FixedWindowRateLimiter:
    return FixedWindowRateLimiter(limiter.storage)


def _give_back(taken: Iterable[tuple[RateLimitItem, str]]) -> None:
    taken = list(taken)
    if not taken:  # nothing counted (RATELIMIT_ENABLED off: the limiter has no storage)
        return
    storage = limiter.storage
    for item, key in taken:
        storage.incr(item.key_for(NAMESPACE, key), item.get_expiry(), amount=-1)


def take_places(counts: Iterable[Count], refusal: str) -> Places:
    """A place in each of ``counts``, or ``RateLimited`` when any of them is full.

    ``refusal`` is the sentence to refuse with; "{wait}" in it becomes the time until
    every full count has room again ("a minute", "an hour"), which ``Retry-After`` gives
    in seconds. A refused attempt holds no place afterwards. With ``RATELIMIT_ENABLED``
    off nothing is counted.
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return Places()
    strategy = _strategy()
    taken: list[tuple[RateLimitItem, str]] = []
    full: list[tuple[RateLimitItem, str]] = []
    for count in counts:
        for item in _parsed(count.limits):
            # One atomic increment; its result alone says whether this attempt fits.
            if not strategy.hit(item, NAMESPACE, count.key):
                full.append((item, count.key))
            taken.append((item, count.key))
    if not full:
        return Places(taken)
    reset_at = max(strategy.get_window_stats(item, NAMESPACE, key).reset_time for item, key in full)
    _give_back(taken)
    seconds = reset_at - time.time()
    raise RateLimited(refusal.format(wait=wait_in_words(seconds)), retry_after=int(seconds) + 1)


def wait_in_words(seconds: float) -> str:
    """How long to wait, as a person would say it: "a minute", "5 minutes", "an hour"."""
    minutes = max(1, round(seconds / 60))
    if minutes == 1:
        return _("a minute")
    if minutes < 55:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    hours = max(1, round(minutes / 60))
    return _("an hour") if hours == 1 else ngettext("%(num)d hour", "%(num)d hours", hours)


def network_of(address: str | None) -> str:
    """The network an address stands for in these counts.

    An IPv4 address is itself; an IPv6 address counts as its /64, the block one
    subscriber usually gets (otherwise one home could try from 2**64 addresses); an
    IPv4-mapped IPv6 address is the IPv4 address.
    """
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


__all__ = ["Count", "Places", "network_of", "take_places", "wait_in_words"]
