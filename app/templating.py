"""What templates may use: the policy question, URL helpers, date formatting, people."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import format_date as babel_format_date
from flask_babel import format_number
from markupsafe import Markup
from werkzeug.routing import BaseConverter, ValidationError

from app.accounts.suspension import format_until
from app.answers.cards import answer_cards, card_controls, thread_controls
from app.db import MAX_ID, utcnow
from app.i18n import _, current_language, ngettext
from app.page_cache import cached_form, cached_fragment, question_list_key
from app.policy import Permission, can, is_moderator
from app.search.text import plain_text, shorten

# Query arguments that choose what a list holds (kept in its canonical address); the others
# (the sort order) only show the same things another way.
CANONICAL_ARGS = frozenset({"q", "kind", "status", "company", "product", "page", "title"})
SUMMARY_CHARS = 200


class IdConverter(BaseConverter):
    """A positive database id; a number too large to exist is simply not found."""

    regex = r"[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        return str(value)


@cache
def _static_version(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def static_url(filename: str) -> str:
    """A static file's URL with a content hash, so browsers may cache it for long.

    Built once per process (and script root) for each file, unless the app runs in debug
    mode, where a file edited since is hashed anew."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    keep = not app.debug and has_request_context()
    key = ("static", filename, request.script_root if keep else "")
    built = app.extensions["links"]
    found = built.get(key) if keep else None
    if found is None:
        path = Path(app.static_folder or "") / filename
        version = _static_version(str(path), path.stat().st_mtime) if path.exists() else "0"
        found = url_for("static", filename=filename, v=version)
        if keep:
            built[key] = found
    return found


def link(endpoint: str) -> str:
    """The path of a route that takes no arguments (the links of the header and footer on
    every page), as ``url_for`` builds it, built once per process and script root."""
    if not has_request_context():
        return url_for(endpoint)
    key = (endpoint, request.script_root)
    built = current_app.extensions["links"]
    found = built.get(key)
    if found is None:
        found = built[key] = url_for(endpoint)
    return found


# A date's pattern per language (Babel's CLDR patterns): "3 March 2026", "3. marts 2026".
# English keeps the day-month-year order the site has always written; other languages use
# their CLDR long date.
DATE_PATTERNS = {"en": "d MMMM y"}


def format_date(value: datetime | None) -> str:
    """3 March 2026 / 3. marts 2026: the date in the page's language (UTC)."""
    if value is None:
        return ""
    return babel_format_date(value, DATE_PATTERNS.get(current_language(), "long"))


def time_ago(value: datetime | None) -> str:
    """A short relative time: "5 minutes ago" / "for 5 minutter siden", or the date when
    older than a month. Whole units, rounded down (59 minutes is "59 minutes ago")."""
    if value is None:
        return ""
    seconds = int((utcnow() - value.astimezone(UTC)).total_seconds())
    if seconds < 60:
        return _("just now")
    days, hours, minutes = seconds // 86400, seconds // 3600, seconds // 60
    if days > 30:
        return format_date(value)
    if days:
        return ngettext("%(num)d day ago", "%(num)d days ago", days)
    if hours:
        return ngettext("%(num)d hour ago", "%(num)d hours ago", hours)
    return ngettext("%(num)d minute ago", "%(num)d minutes ago", minutes)


def number(value: int | float) -> str:
    """A number as the page's language writes it: 12,345 / 12.345."""
    return format_number(value)


def iso(value: datetime | None) -> str:
    """A time for ``<time datetime>``: whole seconds (HTML allows at most three fraction
    digits, and nobody reads more than seconds)."""
    return value.isoformat(timespec="seconds") if value else ""


def person(user: Any, link: bool = True) -> Markup:
    """A person as every page names them: the display name beside the @username, linked to
    their profile (``link=False`` inside a badge or a heading).

    The display name sits in ``<bdi>``, so right-to-left letters in it cannot reorder the
    @username after it; the username is always shown, so a display name such as "Acme
    Support" cannot pass for the company's staff. ``User.label`` is the same in plain text.
    A deleted account is "a former member", linked to nothing.
    """
    if user.is_former_member:
        return Markup('<span class="person person--former">{}</span>').format(user.label)
    handle = Markup('<span class="person__handle">@{}</span>').format(user.username)
    if user.display_name:
        inner = Markup('<bdi class="person__name">{}</bdi> {}').format(user.display_name, handle)
    else:
        inner = handle
    if not link:
        return Markup('<span class="person">{}</span>').format(inner)
    href = url_for("accounts.profile", username=user.username)
    return Markup('<a class="person" href="{}">{}</a>').format(href, inner)


def open_flag_count() -> int:
    """How many flagged posts wait for review: the moderators' header count (one cheap
    indexed count, asked only when a moderator's page renders the header)."""
    from app.moderation.flag_queries import count_open

    return count_open()


def duration_words(seconds: int) -> str:
    from app.insights.scorecard import duration_words as words

    return words(seconds)


def percent(share: float) -> str:
    from app.insights.scorecard import percent as as_percent

    return as_percent(share)


def canonical_url() -> str:
    """The page's own address, for ``<link rel="canonical">``: its route with the arguments
    that choose what it lists, without the sort order, so ``?sort=`` variants name one page.
    A later page of a list (``?cursor=``) is its own page: its cursor belongs to its sort."""
    if request.endpoint is None or request.url_rule is None:
        return ""
    args = request.args.to_dict(flat=False)
    if "cursor" not in args:
        args = {name: values for name, values in args.items() if name in CANONICAL_ARGS}
    return url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)


def summary(html: str | None) -> str:
    """The start of a fragment of (sanitized) HTML as plain text, for link previews."""
    return shorten(plain_text(html or ""), SUMMARY_CHARS)


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.extensions["links"] = {}  # static_url and link: (what, script root) -> URL
    app.jinja_env.globals.update(
        can=can,
        is_moderator=is_moderator,
        open_flag_count=open_flag_count,
        Permission=Permission,
        static_url=static_url,
        link=link,
        cached_fragment=cached_fragment,
        cached_form=cached_form,
        answer_cards=answer_cards,
        card_controls=card_controls,
        thread_controls=thread_controls,
        question_list_key=question_list_key,
        canonical_url=canonical_url,
    )
    app.jinja_env.filters.update(
        format_until=format_until,
        format_date=format_date,
        time_ago=time_ago,
        number=number,
        iso=iso,
        person=person,
        duration_words=duration_words,
        percent=percent,
        summary=summary,
    )
