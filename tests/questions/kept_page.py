"""Shared by the tests of a question page's kept pieces (its answer cards,
app/answers/cards.py, and the question's own head and controls, app/questions/header.py): one
thread with every kind of viewer, the page as each sees it through the cache and without
it, and what the store holds."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.test import TestResponse

from app.answers import services as answer_services
from app.extensions import cache, db
from app.questions.models import Kind
from app.uploads.models import Image, Place
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user


@dataclass
class Thread:
    question: Any
    answer: Any  # the peer's
    official: Any  # the agent's
    asker: Any
    peer: Any
    agent: Any  # staff of the claimed company
    moderator: Any
    reader: Any  # a signed-in customer


def make_thread() -> Thread:
    """A problem on a claimed company with a peer's answer and an official one."""
    company = make_company("Acme", domain="acme.com")
    agent = make_user("agent")
    make_staff(company, agent)
    asker, peer, reader = make_user("asker"), make_user("peer"), make_user("reader")
    moderator = make_user("warden", is_moderator=True)
    question = make_question(company, author=asker, kind=Kind.PROBLEM, title="Drive stops syncing")
    answer = make_answer(question, author=peer, body="Sign out and in again.")
    official = answer_services.post_answer(agent, question, body="We are on it.")
    db.session.commit()
    return Thread(question, answer, official, asker, peer, agent, moderator, reader)


VIEWERS = ["signed out", "reader", "author", "asker", "staff", "moderator"]


def viewer_of(t: Thread, kind: str) -> Any:
    return {
        "signed out": None,
        "reader": t.reader,
        "author": t.peer,
        "asker": t.asker,
        "staff": t.agent,
        "moderator": t.moderator,
    }[kind]


_views = iter(range(10**9))


def open_page(
    app, t: Thread, kind: str, *, cached: bool = True, language: str = "en"
) -> TestResponse:
    """The question page as the viewer gets it, with the page's pieces kept (``cached``) or
    not. A query string keeps the signed-out page out of the whole-page cache: the pieces'
    own cache is what is under test."""
    client = app.test_client()
    if viewer_of(t, kind) is not None:
        login_as(client, viewer_of(t, kind))
    seconds = app.config["PAGE_CACHE_SECONDS"]
    app.config["PAGE_CACHE_SECONDS"] = seconds if cached else 0
    try:
        return client.get(
            f"/questions/{t.question.id}/{t.question.slug}?view={next(_views)}",
            headers={"Accept-Language": language},
        )
    finally:
        app.config["PAGE_CACHE_SECONDS"] = seconds


_CSRF_FIELD = re.compile(r'name="csrf_token" value="[^"]*"')


def blank_tokens(html: str) -> str:
    """The HTML with every form's CSRF token the same (each session has its own)."""
    return _CSRF_FIELD.sub('name="csrf_token" value="TOKEN"', html)


def assert_kept_equals_fresh(read: Callable[..., str], viewers: Iterable[str]) -> dict[str, str]:
    """Every kind of viewer gets, through the cache, what a render without it gives
    (``read(kind, cached=False)``); what each got."""
    seen = {}
    for kind in viewers:
        kept = read(kind)
        assert kept == read(kind, cached=False), kind
        seen[kind] = kept
    return seen


def assert_change_shows(
    read: Callable[..., str], viewers: list[str], before: Any, act: Any, thread: Any
) -> None:
    """After ``before(thread)``, with every piece kept, ``act(thread)`` shows on the next view
    to every kind of viewer just as a render without the cache shows it, and somewhere."""
    if before is not None:
        before(thread)
        db.session.commit()
    earlier = assert_kept_equals_fresh(read, viewers)
    assert_kept_equals_fresh(read, viewers)  # now every piece comes from the cache

    act(thread)
    db.session.commit()
    later = assert_kept_equals_fresh(read, viewers)

    assert any(earlier[kind] != later[kind] for kind in viewers), "the change showed nowhere"


def assert_kept_per_language(read: Callable[..., str], english: str) -> None:
    """A kept piece speaks its reader's language: a Danish reader gets no piece an English
    one filled the store with (``english``: words of it), nor the other way round."""
    first = read("reader")
    assert english in first

    danish = read("reader", language="da")

    assert english not in danish
    assert danish == read("reader", cached=False, language="da")
    assert read("reader") == first


def kept_values(app: Any) -> list[Any]:
    """Everything the page cache's store holds (the process's SimpleCache in tests)."""
    with app.app_context():
        store = cache.cache
        return [store.get(name) for name in list(store._cache)]


def add_image(uploader: Any, question: Any, answer: Any = None) -> None:
    """An image shown in the post (the question, or ``answer``), as an upload leaves it."""
    db.session.add(
        Image(
            uploader_id=uploader.id,
            place=Place.POST,
            answer_id=answer.id if answer is not None else None,
            question_id=question.id,
            content_type="image/png",
            width=40,
            height=30,
            byte_size=100,
        )
    )
    (answer if answer is not None else question).image_count += 1
