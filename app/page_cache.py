"""A short-lived cache of the pages anonymous visitors read most (question pages), and of
the rows of question lists, which look the same to everybody.

Most people who open a question come from a search engine, signed out; they all get the
same HTML but for the CSP nonce. Rendering thirty answers costs milliseconds of Python on
every view (bench/RESULTS.md), so that HTML is kept for ``PAGE_CACHE_SECONDS`` (60 by
default) under a key that names the question's ``page_version``: every service that changes
what the page shows (an answer posted or edited, a helpful vote, an endorsement, the best
answer, the status, an edit, a "me too"; moderation's hide, restore and lock) moves it in
its own transaction (``app.questions.services.page_changed``), so the next reader gets the
new page at once. Only what lives outside the question (someone's new display name, a
staff title, "5 minutes ago") may lag by up to that minute; signed-in people always get a
fresh page.

Every key also holds ``key_parts()``: the scheme and host the request came in on (a page
holds absolute links built from them, and a forged ``Host`` must never fill the cache for
the real one), and the language the page is written in.

A page is cached only for a visitor who is signed out and has an empty session (no flashed
message, no form token): such a page holds nothing of its reader's. The page is stored as
UTF-8 bytes cut at its CSP nonce, and joined with the new response's nonce when serving.

The store is Flask-Caching's: ``CACHE_TYPE=SimpleCache`` in each process by default,
``RedisCache`` with ``CACHE_REDIS_URL`` in production. ``PAGE_CACHE_SECONDS=0`` turns the
cache off. A store that fails is logged and the page rendered as if nothing were cached.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, has_request_context, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.extensions import cache
from app.i18n import current_language
from app.security import csp_nonce

log = logging.getLogger(__name__)

# What ``_read`` returns when the store could not be read.
FAILED = object()
# A session's CSRF token in a kept form: never stored, put back when serving (app.answers.cards).
CSRF_MARKER = "\x00csrf-token\x00"


def shareable() -> bool:
    """Whether this request may be answered from, and fill, the shared page cache: a plain GET
    of a signed-out visitor with no session."""
    return (
        current_app.config["PAGE_CACHE_SECONDS"] > 0
        and request.method == "GET"
        and not request.query_string
        and not current_user.is_authenticated
        and not session
    )


def key_parts() -> tuple[str, ...]:
    """What every cached page and fragment is keyed by besides its own key: the scheme and
    host of the request (links in the page are built from them), and the page's language."""
    if not has_request_context():
        return ()
    return (request.scheme, request.host.lower(), current_language())


def _store_key(kind: str, key: tuple[object, ...]) -> str:
    # Hashed: the host comes from the request, and stores limit what a key may hold.
    return f"{kind}:" + hashlib.sha256(repr((*key_parts(), *key)).encode()).hexdigest()


def store_keys(kind: str, keys: Iterable[tuple[object, ...]]) -> list[str]:
    """The names in the store of several fragments' ``keys`` (as ``cached_fragment`` names
    one), for reading them in one ``get_many``: ``key_parts()`` asked once."""
    parts = key_parts()
    sha256 = hashlib.sha256
    return [f"{kind}:" + sha256(repr((*parts, *key)).encode()).hexdigest() for key in keys]


def _read(name: str) -> Any:
    """What the store holds under ``name`` (None: nothing), or ``FAILED`` when the store
    fails (logged): the caller then renders, and writes nothing either."""
    try:
        return cache.get(name)
    except Exception:
        log.exception("the page cache could not be read; rendering instead")
        return FAILED


def _write(name: str, value: object, seconds: int) -> None:
    try:
        cache.set(name, value, timeout=seconds)
    except Exception:
        log.exception("the page cache could not be written")


def anonymous_page(key: tuple[object, ...], render: Callable[[], str]) -> str | bytes:
    """The page ``render`` makes, from the cache under ``key`` when the visitor may share it.

    ``key`` names everything the page shows that may change (for a question page, its id
    and ``page_version``); ``key_parts()`` are added here.

    A page is kept as the UTF-8 bytes of the response, cut where its CSP nonce stood: a
    hit joins the pieces with the new nonce and sends them as they are (no decoding from
    the store, no search for a marker, no encoding again: a page of 50 answers is 60 kB)."""
    if not shareable():
        return render()
    # "raw-page": the pieces of bytes below, never read as the text pages once kept.
    name = _store_key("raw-page", key)
    cached = _read(name)
    if cached is FAILED:
        return render()
    if cached is not None:
        return csp_nonce().encode().join(cached)
    page = render()
    if not session:  # rendering wrote nothing of this visitor's (e.g. a form token)
        body = page.encode()
        pieces = tuple(body.split(csp_nonce().encode()))
        _write(name, pieces, current_app.config["PAGE_CACHE_SECONDS"])
        return body
    return page


def kept_page(key: tuple[object, ...]) -> bytes | None:
    """The page ``anonymous_page`` keeps under ``key``, when this visitor may share it and
    it is there; otherwise None (then ``anonymous_page`` renders it). For a view whose own
    reads only a miss needs: it can look here first, with just what the key needs."""
    if not shareable():
        return None
    cached = _read(_store_key("raw-page", key))
    if cached is FAILED or cached is None:
        return None
    return csp_nonce().encode().join(cached)


def cached_fragment(*key: object, caller: Callable[[], Markup]) -> Markup:
    """A piece of a page kept like the pages above, for everybody: ``{% call
    cached_fragment(…) %}…{% endcall %}`` in a template renders the body once per key.

    Only for HTML that holds nothing of its viewer's (the rows of a question list); the key
    must name everything the body shows that may change at once. Times shown as "5 minutes
    ago" may then lag by up to ``PAGE_CACHE_SECONDS``.
    """
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    if seconds <= 0:
        return caller()
    name = _store_key("fragment", key)
    cached = _read(name)
    if cached is FAILED:
        return caller()
    if cached is not None:
        # What the template rendered (escaped) a moment ago, kept by this module only.
        return Markup(cached)  # noqa: S704
    html = caller()
    _write(name, str(html), seconds)
    return html


def cached_form(*key: object, fresh: bool = True, caller: Callable[[], Markup]) -> Markup:
    """A blank form a signed-in viewer is offered (``{% call cached_form(…, fresh=…) %}``):
    the body is rendered, and its WTForms form built, once per key, not on every read. The
    session's CSRF token is kept as a marker and the viewer's own put back when serving.

    ``fresh``: the form is blank (False for one coming back with what was typed or its
    errors, which is rendered for this response only). The key must name everything the
    form shows that may change (its question, what it offers)."""
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    if not fresh or seconds <= 0:
        return caller()
    name = _store_key("form", (current_app.config["WTF_CSRF_ENABLED"], *key))
    cached = _read(name)
    if cached is FAILED:
        return caller()
    if cached is not None:
        if CSRF_MARKER in cached:
            cached = cached.replace(CSRF_MARKER, generate_csrf())
        # What the template rendered (escaped) a moment ago, kept by this module only.
        return Markup(cached)  # noqa: S704
    html = caller()
    _write(name, str(html).replace(generate_csrf(), CSRF_MARKER), seconds)
    return html


def question_list_key(questions: Iterable[Any]) -> tuple[object, ...]:
    """What a row of a question list shows that may change: for ``cached_fragment``."""
    return tuple(
        (
            question.id,
            question.updated_at,
            question.last_activity_at,
            question.answer_count,
            question.me_too_count,
            question.kind.value,
            question.status.value,
            question.fixed_in,
            question.best_answer_id,
            question.has_official_answer,
        )
        for question in questions
    )
