"""Limits on writing (product.md, "Keeping it clean"): how much one account, and one
network address, may post.

The rules, in plain words:

- An account asks at most 5 questions and posts at most 20 answers in any hour, and so
  does everybody posting from one network address together (an IPv6 address counts by
  its /64 network: what one home or one server is given).
- In its first day (created less than 24 hours ago) an account asks at most 3 questions
  and posts at most 10 answers in all, and each post holds at most 2 links. Links are
  counted as readers will see them (``content.count_links``: bare addresses the renderer
  turns into links count, and so do images, which point elsewhere just as links do). An
  account that has earned 50 reputation points (``FIRST_DAY_ENDS_AT_REPUTATION``) leaves
  its first day at once: others found its answers good (product.md, "Reputation").
- Nobody posts the same text twice within 10 minutes: the details of a question or an
  answer, compared after folding case, compatibility forms, invisible characters and
  spacing. A question and an answer count alike.
- Site admins are exempt from all of these. Everyone else is not: staff, moderators, new
  and old accounts alike. ``RATELIMIT_ENABLED=false`` turns every one of them off.

A refusal says when. Over a count: ``RateLimited`` (429 with ``Retry-After``), "You can
post another answer in 14 minutes." Too many links or repeated text: ``ValidationError``
at ``body`` (422), because the text is what to change; its sentence still says when
waiting would do instead. The numbers are settings (``QUESTION_LIMITS``,
``ANSWER_LIMITS``, ``FIRST_DAY_*``, ``REPEATED_TEXT_MINUTES`` in app/config.py).

The services call ``admit_question`` / ``admit_answer`` once the input is valid and before
they write, so a refused typo costs nothing and the pages and the API get the same
limits. Only posts that are let in count (one that then fails to save still counts: the
limits err on the safe side).

How they are counted: in Flask-Limiter's storage (``app.extensions.limiter``, the current
app's own: memory in the process by default, Redis with ``RATELIMIT_STORAGE_URI``, shared
by every worker and machine), with the ``limits`` library's moving window. It keeps the
time of each post and takes a place only while fewer than the limit fall in the window,
in one atomic step (a lock in memory, a Lua script in Redis), so concurrent posts cannot
slip past a limit.
Every limit is tested before any place is taken; when two posts race for the last place,
one is refused (never both let in) and may have used up a place of another limit. The
in-memory storage is per process: N gunicorn workers let up to N times the counts through;
production uses Redis. A storage that cannot be reached lets posts in (logged): the forum
keeps working without Redis.

The ``limits`` library reads the wall clock itself (``time.time``), as ``app.db.utcnow``
does in production; the tests move both together.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Response, current_app, has_request_context, request
from limits import RateLimitItem, RateLimitItemPerMinute, parse_many
from limits.errors import StorageError
from limits.strategies import MovingWindowRateLimiter

from app import content
from app.db import utcnow
from app.errors import RateLimited, ValidationError
from app.extensions import limiter
from app.i18n import _, ngettext

log = logging.getLogger(__name__)

FIRST_DAY = timedelta(hours=24)


@dataclass(frozen=True)
class PostKind:
    """What is being posted, and its settings. Its refusals are whole sentences per kind
    (``_sentences``): a language puts the count, the verb and the noun in its own order."""

    noun: str  # in storage keys and logs only
    limits_setting: str
    first_day_setting: str


QUESTION = PostKind("question", "QUESTION_LIMITS", "FIRST_DAY_QUESTION_LIMITS")
ANSWER = PostKind("answer", "ANSWER_LIMITS", "FIRST_DAY_ANSWER_LIMITS")
# Comments (app/comments) are counted on their own, with the same kinds of limit as answers.
COMMENT = PostKind("comment", "COMMENT_LIMITS", "FIRST_DAY_COMMENT_LIMITS")


def _by_account(kind: PostKind, amount: int, window: str, wait: str) -> str:
    if kind is COMMENT:
        return ngettext(
            "You have posted %(num)d comment %(window)s, the most Helpsquare allows. "
            "You can post another comment in %(wait)s.",
            "You have posted %(num)d comments %(window)s, the most Helpsquare allows. "
            "You can post another comment in %(wait)s.",
            amount,
            window=window,
            wait=wait,
        )
    if kind is QUESTION:
        return ngettext(
            "You have asked %(num)d question %(window)s, the most Helpsquare allows. "
            "You can ask another question in %(wait)s.",
            "You have asked %(num)d questions %(window)s, the most Helpsquare allows. "
            "You can ask another question in %(wait)s.",
            amount,
            window=window,
            wait=wait,
        )
    return ngettext(
        "You have posted %(num)d answer %(window)s, the most Helpsquare allows. "
        "You can post another answer in %(wait)s.",
        "You have posted %(num)d answers %(window)s, the most Helpsquare allows. "
        "You can post another answer in %(wait)s.",
        amount,
        window=window,
        wait=wait,
    )


def _by_address(kind: PostKind, amount: int, window: str, wait: str) -> str:
    if kind is COMMENT:
        return ngettext(
            "%(num)d comment was posted from your network address %(window)s, the most "
            "Helpsquare allows from one address. You can post another comment in %(wait)s.",
            "%(num)d comments were posted from your network address %(window)s, the most "
            "Helpsquare allows from one address. You can post another comment in %(wait)s.",
            amount,
            window=window,
            wait=wait,
        )
    if kind is QUESTION:
        return ngettext(
            "%(num)d question was asked from your network address %(window)s, the most "
            "Helpsquare allows from one address. You can ask another question in %(wait)s.",
            "%(num)d questions were asked from your network address %(window)s, the most "
            "Helpsquare allows from one address. You can ask another question in %(wait)s.",
            amount,
            window=window,
            wait=wait,
        )
    return ngettext(
        "%(num)d answer was posted from your network address %(window)s, the most "
        "Helpsquare allows from one address. You can post another answer in %(wait)s.",
        "%(num)d answers were posted from your network address %(window)s, the most "
        "Helpsquare allows from one address. You can post another answer in %(wait)s.",
        amount,
        window=window,
        wait=wait,
    )


def _on_first_day(kind: PostKind, amount: int, during: str, wait: str) -> str:
    if kind is COMMENT:
        return ngettext(
            "New accounts can post %(num)d comment %(during)s. "
            "You can post another comment in %(wait)s.",
            "New accounts can post %(num)d comments %(during)s. "
            "You can post another comment in %(wait)s.",
            amount,
            during=during,
            wait=wait,
        )
    if kind is QUESTION:
        return ngettext(
            "New accounts can ask %(num)d question %(during)s. "
            "You can ask another question in %(wait)s.",
            "New accounts can ask %(num)d questions %(during)s. "
            "You can ask another question in %(wait)s.",
            amount,
            during=during,
            wait=wait,
        )
    return ngettext(
        "New accounts can post %(num)d answer %(during)s. You can post another answer in %(wait)s.",
        "New accounts can post %(num)d answers %(during)s. "
        "You can post another answer in %(wait)s.",
        amount,
        during=during,
        wait=wait,
    )


def admit_question(author: Any, *, body: str) -> None:
    """Let the author ask one more question now, or refuse it (see the module's rules).

    Raises ``ValidationError`` at ``body`` (links on the first day, repeated text) or
    ``RateLimited``; counts the question when it is let in.
    """
    _admit(author, QUESTION, body)


def admit_answer(author: Any, *, body: str) -> None:
    """Let the author post one more answer now, or refuse it (see the module's rules)."""
    _admit(author, ANSWER, body)


def admit_comment(author: Any, *, body: str) -> None:
    """Let the author post one more comment now, or refuse it (see the module's rules:
    comments have counts of their own, ``COMMENT_LIMITS`` and ``FIRST_DAY_COMMENT_LIMITS``;
    the first-day links and the repeated text are counted as for answers)."""
    _admit(author, COMMENT, body)


def admit_flag(user: Any) -> None:
    """Let the user flag one more post now (``FLAG_LIMITS`` per account, 20 an hour), or
    raise ``RateLimited`` saying when. Site admins are exempt, as from every limit here."""
    if not _enabled() or getattr(user, "is_admin", False):
        return
    now = utcnow()
    counts = []
    for item in parse_many(current_app.config["FLAG_LIMITS"]):
        window = _window(item)
        counts.append(
            _Count(
                item,
                _key("flag", "account", str(user.id)),
                lambda wait, item=item, window=window: ngettext(
                    "You have flagged %(num)d post %(window)s, the most Helpsquare allows. "
                    "You can flag another in %(wait)s.",
                    "You have flagged %(num)d posts %(window)s, the most Helpsquare allows. "
                    "You can flag another in %(wait)s.",
                    item.amount,
                    window=window,
                    wait=wait,
                ),
            )
        )
    strategy, storage_errors = _counter()
    try:
        over = [count for count in counts if not strategy.test(count.item, *count.key)]
        if over:
            raise _rate_limited(strategy, over, now)
        for count in counts:
            if not strategy.hit(count.item, *count.key):
                raise _rate_limited(strategy, [count], now)
    except storage_errors:
        log.exception("the limits on flags could not be counted; the flag let in")


def admit_images(user: Any, count: int) -> None:
    """Let the user store ``count`` more images now (``UPLOAD_LIMITS`` images per account,
    40 an hour), or raise ``RateLimited`` saying when; all of them or none. Site admins are
    exempt, as from every limit here."""
    if not _enabled() or getattr(user, "is_admin", False):
        return
    now = utcnow()
    strategy, storage_errors = _counter()
    try:
        for item in parse_many(current_app.config["UPLOAD_LIMITS"]):
            key = _key("image", "account", str(user.id))
            window = _window(item)
            if not strategy.hit(item, *key, cost=count):
                count_of = _Count(
                    item,
                    key,
                    lambda wait, item=item, window=window: ngettext(
                        "You have added %(num)d image %(window)s, the most Helpsquare "
                        "allows. You can add more in %(wait)s.",
                        "You have added %(num)d images %(window)s, the most Helpsquare "
                        "allows. You can add more in %(wait)s.",
                        item.amount,
                        window=window,
                        wait=wait,
                    ),
                )
                raise _rate_limited(strategy, [count_of], now)
    except storage_errors:
        log.exception("the limit on images could not be counted; the images let in")


@dataclass(frozen=True)
class _Count:
    """One counted limit: its rate, its storage key and how its refusal reads."""

    item: RateLimitItem
    key: tuple[str, ...]
    sentence: Callable[[str], str]  # given the wait ("14 minutes"), the refusal
    ends: datetime | None = None  # the first-day limits stop applying at this moment


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _counter() -> tuple[MovingWindowRateLimiter, tuple[Any, ...]]:
    """The moving window over the current app's storage (the limiter keeps one per app:
    app/extensions.py), and the errors that storage raises when it cannot be reached."""
    storage = limiter.storage
    return MovingWindowRateLimiter(storage), (StorageError, storage.base_exceptions)


def _admit(author: Any, kind: PostKind, body: str) -> None:
    if not _enabled() or getattr(author, "is_admin", False):
        return
    now = utcnow()
    first_day_ends = author.created_at + FIRST_DAY
    first_day = now < first_day_ends and not _trusted(author)
    if first_day:
        _check_links(body, first_day_ends - now, comment=kind is COMMENT)
    counts = _counts(author, kind, first_day_ends if first_day else None)
    text = _text_limit(author, body)
    strategy, storage_errors = _counter()
    try:
        if not strategy.test(text.item, *text.key):
            raise _repeated(strategy, text, now)
        over = [count for count in counts if not strategy.test(count.item, *count.key)]
        if over:
            raise _rate_limited(strategy, over, now)
        for count in counts:
            if not strategy.hit(count.item, *count.key):
                raise _rate_limited(strategy, [count], now)  # another post took the place
        if not strategy.hit(text.item, *text.key):
            raise _repeated(strategy, text, now)  # the same text, sent twice at once
    except storage_errors:
        log.exception("the limits on writing could not be counted; %s let in", kind.noun)


def _trusted(author: Any) -> bool:
    """Whether the account earned enough reputation to leave its first day early (its
    row, as loaded for this request)."""
    return author.reputation >= current_app.config["FIRST_DAY_ENDS_AT_REPUTATION"]


def _key(*parts: str) -> tuple[str, ...]:
    """A storage key, behind ``RATELIMIT_KEY_PREFIX`` like Flask-Limiter's own: several
    sites (or benchmark runs) can share one Redis."""
    return (current_app.config.get("RATELIMIT_KEY_PREFIX") or "helpsquare", "write", *parts)


def _counts(author: Any, kind: PostKind, first_day_ends: datetime | None) -> list[_Count]:
    """Per account, per network address (when the post comes with one) and, in the
    account's first day, the first-day counts."""
    config = current_app.config
    network = _client_network()
    counts: list[_Count] = []
    for item in parse_many(config[kind.limits_setting]):
        window = _window(item)
        counts.append(
            _Count(
                item,
                _key(kind.noun, "account", str(author.id)),
                lambda wait, item=item, window=window: _by_account(kind, item.amount, window, wait),
            )
        )
        if network is not None:
            counts.append(
                _Count(
                    item,
                    _key(kind.noun, "address", network),
                    lambda wait, item=item, window=window: _by_address(
                        kind, item.amount, window, wait
                    ),
                )
            )
    if first_day_ends is not None:
        for item in parse_many(config[kind.first_day_setting]):
            during = (
                _("in their first day")
                if item.get_expiry() >= FIRST_DAY.total_seconds()
                else _any_window(item)
            )
            counts.append(
                _Count(
                    item,
                    _key(kind.noun, "first-day", str(author.id)),
                    lambda wait, item=item, during=during: _on_first_day(
                        kind, item.amount, during, wait
                    ),
                    ends=first_day_ends,
                )
            )
    return counts


def _text_limit(author: Any, body: str) -> _Count:
    """One place per author and text for ``REPEATED_TEXT_MINUTES``."""
    minutes = current_app.config["REPEATED_TEXT_MINUTES"]
    key = _key("text", str(author.id), fingerprint(body))
    return _Count(RateLimitItemPerMinute(1, minutes), key, lambda wait: wait)


def fingerprint(text: str) -> str:
    """What makes two posts "the same text": NFKC, case folded, invisible (format)
    characters dropped, every run of spacing one space; hashed to keep keys short."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return hashlib.sha256(" ".join(visible.split()).encode()).hexdigest()[:32]


def _client_network() -> str | None:
    """The address a post comes from (``request.remote_addr``, which ProxyFix sets
    behind trusted proxies); an IPv6 address stands for its /64 network. None outside a
    request (commands) or without an address."""
    if not has_request_context() or not request.remote_addr:
        return None
    try:
        address = ipaddress.ip_address(request.remote_addr)
    except ValueError:
        return request.remote_addr
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _check_links(body: str, first_day_left: timedelta, *, comment: bool = False) -> None:
    most = current_app.config["FIRST_DAY_LINKS_PER_POST"]
    found = content.count_links(body, comment=comment)
    if found <= most:
        return
    extra = found - most
    wait = wait_phrase(first_day_left.total_seconds())
    limit = ngettext(
        "New accounts can include at most %(num)d link (or images) in a post in their first "
        "day; this one has %(found)d.",
        "New accounts can include at most %(num)d links (or images) in a post in their first "
        "day; this one has %(found)d.",
        most,
        found=found,
    )
    remove = ngettext(
        "Remove one, or post it in %(wait)s.",
        "Remove %(num)d, or post it in %(wait)s.",
        extra,
        wait=wait,
    )
    why = f"{limit} {remove}"
    raise ValidationError(why, fields={"body": why})


def _seconds_until(strategy: MovingWindowRateLimiter, count: _Count, now: datetime) -> float:
    """When the limit lets the next post in: its oldest post leaves the window (or, for
    a first-day limit, the first day ends, if that comes sooner)."""
    reset_at = strategy.get_window_stats(count.item, *count.key).reset_time
    seconds = reset_at - now.timestamp()
    if count.ends is not None:
        seconds = min(seconds, (count.ends - now).total_seconds())
    return max(seconds, 1.0)


def _rate_limited(
    strategy: MovingWindowRateLimiter, over: list[_Count], now: datetime
) -> RateLimited:
    """The refusal of the limit that holds the author back longest (all must allow)."""
    seconds, count = max(((_seconds_until(strategy, c, now), c) for c in over), key=_first)
    return RateLimited(count.sentence(wait_phrase(seconds)), retry_after=math.ceil(seconds))


def _first(pair: tuple[float, _Count]) -> float:
    return pair[0]


def _repeated(strategy: MovingWindowRateLimiter, text: _Count, now: datetime) -> ValidationError:
    seconds = _seconds_until(strategy, text, now)
    ago = text.item.get_expiry() - seconds
    why = _(
        "You posted this same text %(ago)s. Change it, or post it again in %(wait)s.",
        ago=ago_phrase(ago),
        wait=wait_phrase(seconds),
    )
    return ValidationError(why, fields={"body": why})


def _unit(item: RateLimitItem) -> tuple[str, int]:
    """A rate's window in the largest whole unit: ("hour", 24) for a day."""
    seconds = item.get_expiry()
    for name, size in (("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            return name, seconds // size
    return "second", seconds


def _window(item: RateLimitItem) -> str:
    """The window of a rate: "in the last hour" / "in the last 10 minutes"."""
    name, count = _unit(item)
    if name == "hour":
        return ngettext("in the last hour", "in the last %(num)d hours", count)
    if name == "minute":
        return ngettext("in the last minute", "in the last %(num)d minutes", count)
    return ngettext("in the last second", "in the last %(num)d seconds", count)


def _any_window(item: RateLimitItem) -> str:
    """A first-day rate's window: "in any hour of their first day"."""
    name, count = _unit(item)
    if name == "hour":
        return ngettext(
            "in any hour of their first day", "in any %(num)d hours of their first day", count
        )
    if name == "minute":
        return ngettext(
            "in any minute of their first day", "in any %(num)d minutes of their first day", count
        )
    return ngettext(
        "in any second of their first day", "in any %(num)d seconds of their first day", count
    )


def wait_phrase(seconds: float) -> str:
    """A wait in words, rounded up to the minute: "a minute", "14 minutes", "2 hours and
    5 minutes"."""
    minutes = max(1, math.ceil(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    hours_words = _("an hour") if hours == 1 else ngettext("%(num)d hour", "%(num)d hours", hours)
    minutes_words = (
        _("a minute") if minutes == 1 else ngettext("%(num)d minute", "%(num)d minutes", minutes)
    )
    if hours and minutes:
        return _("%(hours)s and %(minutes)s", hours=hours_words, minutes=minutes_words)
    return hours_words if hours else minutes_words


def ago_phrase(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("less than a minute ago")
    return (
        _("a minute ago")
        if minutes == 1
        else ngettext("%(num)d minute ago", "%(num)d minutes ago", minutes)
    )


__all__ = [
    "ANSWER",
    "COMMENT",
    "QUESTION",
    "admit_answer",
    "admit_comment",
    "admit_flag",
    "admit_images",
    "admit_question",
    "fingerprint",
    "wait_phrase",
]


# Where Retry-After means something; flask-limiter adds it to every answer of a limited route.
RETRY_AFTER_STATUSES = frozenset({429, 503})


def drop_stray_retry_after(response: Response) -> Response:
    """``Retry-After`` only where it means "wait": flask-limiter sets it on every answer of a
    limited route, so a plain 401 told clients to wait a minute. Registered before the
    limiter, so it runs after it."""
    if response.status_code not in RETRY_AFTER_STATUSES:
        response.headers.pop("Retry-After", None)
    return response
