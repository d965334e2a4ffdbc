"""The anonymous page cache (app/page_cache.py): question pages as signed-out visitors see
them, kept a minute, never stale about what a reader must see at once, never shared with or
taken from a signed-in person or a visitor with something of their own in the session."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest

from app import create_app
from app.extensions import cache, db
from app.questions.models import Status
from tests.conftest import login_as
from tests.factories import make_answer, make_question, make_user
from tests.questions.helpers import text


@pytest.fixture(autouse=True)
def page_cache(app) -> Iterator[None]:
    """The cache on, and empty before and after each test (the suite turns it off)."""
    app.config["PAGE_CACHE_SECONDS"] = 60
    with app.app_context():
        cache.clear()
    yield
    app.config["PAGE_CACHE_SECONDS"] = 0
    with app.app_context():
        cache.clear()


@pytest.fixture
def question():
    question = make_question(title="Drive stops syncing")
    make_answer(question, body="Sign out and in again.")
    db.session.commit()
    return question


def url(question) -> str:
    return f"/questions/{question.id}/{question.slug}"


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])[1]


def test_a_second_anonymous_view_is_served_from_the_cache(client, question, count_queries):
    first = client.get(url(question))

    with count_queries() as statements:
        second = client.get(url(question))

    assert second.status_code == 200
    assert len(statements) == 1  # the question, for its key; no answers, no related ones
    assert "Sign out and in again." in text(second)
    # The same page, but each response with its own nonce, in its header and its scripts.
    assert nonce_of(first) != nonce_of(second)
    assert text(second) == text(first).replace(nonce_of(first), nonce_of(second))
    assert f'nonce="{nonce_of(second)}"' in text(second)
    assert "\x00" not in text(second)


def test_a_signed_out_reader_is_given_no_cookie(app, question):
    """With CSRF on, as in production: the page must not make a form token for a reader
    who cannot post (it would set a session cookie and make the page unshareable)."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().get(url(question))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_new_answer_shows_at_once(client, question):
    client.get(url(question))

    make_answer(question, body="Reinstalling fixed it for me.")  # counts itself on the question
    db.session.commit()

    assert "Reinstalling fixed it for me." in text(client.get(url(question)))


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Drive stops syncing on Mondays", "updated_at_step": True},
        {"status": Status.ANSWERED},
        {"locked": True},
    ],
    ids=["edited", "status", "locked"],
)
def test_a_change_to_the_question_shows_at_once(client, question, change):
    before = text(client.get(url(question)))
    values = dict(change)
    if values.pop("updated_at_step", False):
        values["updated_at"] = question.updated_at.replace(microsecond=1)
    for name, value in values.items():
        setattr(question, name, value)
    db.session.commit()

    after = text(client.get(url(question)))

    assert after != before.replace(*_nonces(before, after))


def _nonces(before: str, after: str) -> tuple[str, str]:
    find = re.compile(r'nonce="([^"]+)"')
    return find.search(before)[1], find.search(after)[1]


def test_a_signed_in_reader_never_gets_nor_leaves_a_cached_page(client, app, question):
    reader = make_user("reader")
    db.session.commit()
    anonymous = text(client.get(url(question)))
    assert ">Sign out<" not in anonymous

    login_as(client, reader)
    signed_in = text(client.get(url(question)))
    assert ">Sign out<" in signed_in

    visitor = app.test_client()
    assert ">Sign out<" not in text(visitor.get(url(question)))


def test_a_visitor_with_a_message_waiting_gets_their_own_page(client, app, question):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "You are signed out. See you soon!")]

    own = text(client.get(url(question)))
    assert "You are signed out. See you soon!" in own

    other = app.test_client()
    assert "You are signed out" not in text(other.get(url(question)))


def test_a_page_asked_with_a_query_string_is_not_cached(client, question, count_queries):
    client.get(url(question) + "?utm_source=mail")

    with count_queries() as statements:
        client.get(url(question) + "?utm_source=mail")

    assert len(statements) > 1


def test_a_failing_cache_store_still_serves_the_page(client, question, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)

    response = client.get(url(question))

    assert response.status_code == 200
    assert "Sign out and in again." in text(response)


def test_workers_share_the_pages_through_redis(app, question):
    """Production's store (the machine's Redis): a page one worker rendered is what another
    worker serves. Proven with a change the key does not cover, a renamed asker."""
    config = {
        **{name: app.config[name] for name in ("SQLALCHEMY_DATABASE_URI", "SERVER_NAME")},
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_STORAGE_URI": "memory://",
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": "redis://127.0.0.1:6379/15",
        "CACHE_KEY_PREFIX": f"helpsquare-test-{uuid.uuid4().hex}:",
        "PAGE_CACHE_SECONDS": 60,
    }
    one, two = create_app(config), create_app(config)
    try:
        first = text(one.test_client().get(url(question)))
        old_name = question.author.name
        question.author.display_name = "Someone Renamed"
        db.session.commit()

        second = text(two.test_client().get(url(question)))

        assert old_name in first and old_name in second
        assert "Someone Renamed" not in second
    finally:
        for worker in (one, two):
            with worker.app_context():
                cache.clear()  # this test's keys only: they share its prefix
                db.engine.dispose()


# The rows of question lists ------------------------------------------------------------


def test_list_rows_are_rendered_once_and_change_with_what_they_show(client, question):
    first = text(client.get("/questions"))
    assert "Drive stops syncing" in first and "1 answer<" in first

    # Something the rows' key does not cover is kept for the minute…
    question.author.display_name = "Someone Renamed"
    db.session.commit()
    assert "Someone Renamed" not in text(client.get("/questions"))

    # …but what the key covers shows at once, with the rest of the row rendered anew.
    make_answer(question, body="Another way round it.")  # counts itself on the question
    db.session.commit()
    again = text(client.get("/questions"))
    assert "2 answers<" in again and "Someone Renamed" in again


def test_signed_in_and_signed_out_readers_share_the_rows_not_the_page(client, app, question):
    reader = make_user("reader")
    db.session.commit()
    login_as(client, reader)
    signed_in = text(client.get("/questions"))

    visitor = text(app.test_client().get("/questions"))

    assert ">Sign out<" in signed_in and ">Sign out<" not in visitor
    rows = re.compile(r'<ol class="question-list">.*?</ol>', re.S)
    assert rows.search(signed_in)[0] == rows.search(visitor)[0]
