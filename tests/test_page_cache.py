"""The anonymous page cache (app/page_cache.py): question pages as signed-out visitors see
them, kept a minute, never stale about anything the question's page shows (every change moves
its page version), never shared between hosts, with or from a signed-in person, or a visitor
with something of their own in the session."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from app import create_app
from app.answers import services as answer_services
from app.comments import services as comment_services
from app.comments.models import Comment
from app.extensions import cache, db
from app.questions import services as question_services
from app.questions.models import Kind, Question
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.questions.helpers import text


@pytest.fixture(autouse=True)
def page_cache(page_cache_on) -> None:
    """The cache on, and empty before and after each test (the suite turns it off)."""


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


# Every change the page shows reaches a signed-out reader at once -------------------------


@dataclass
class Thread:
    """A problem on a claimed company's page, asked by ``asker``, with one peer answer."""

    question: Any
    answer: Any
    asker: Any
    peer: Any
    agent: Any  # staff of the company: endorses, sets statuses
    reader: Any  # signed in: votes, says "me too", answers


@pytest.fixture
def thread() -> Thread:
    company = make_company("Acme", domain="acme.com")
    agent = make_user("agent")
    make_staff(company, agent)
    asker, peer, reader = make_user("asker"), make_user("peer"), make_user("reader")
    question = make_question(company, author=asker, kind=Kind.PROBLEM, title="Drive stops syncing")
    answer = make_answer(question, author=peer, body="Call me on 555-0100, my card is 4111.")
    db.session.commit()
    return Thread(question, answer, asker, peer, agent, reader)


def _vote(t: Thread) -> None:
    answer_services.vote_helpful(t.reader, t.answer)


def _endorse(t: Thread) -> None:
    answer_services.endorse_answer(t.agent, t.answer)


def _choose_best(t: Thread) -> None:
    answer_services.choose_best_answer(t.asker, t.question, t.answer)


def _me_too(t: Thread) -> None:
    question_services.add_me_too(t.reader, t.question)


def _comment(t: Thread) -> None:
    comment_services.post_comment(t.reader, t.answer, body="Which version, exactly?")


def _the_comment(t: Thread) -> Comment:
    return db.session.scalars(sa.select(Comment)).one()


# What happens: (what was done before the page was cached, the change, what the reader
# must then see, what they must no longer see).
CHANGES: dict[str, tuple[Any, Any, str | None, str | None]] = {
    "answer edited": (
        None,
        lambda t: answer_services.edit_answer(t.peer, t.answer, body="[removed by its author]"),
        "[removed by its author]",
        "555-0100",
    ),
    "helpful vote": (None, _vote, "1 found this helpful", "0 found this helpful"),
    "helpful vote withdrawn": (
        _vote,
        lambda t: answer_services.withdraw_helpful(t.reader, t.answer),
        "0 found this helpful",
        "1 found this helpful",
    ),
    "endorsed": (None, _endorse, "Acme endorsed", None),
    "endorsement withdrawn": (
        _endorse,
        lambda t: answer_services.withdraw_endorsement(t.agent, t.answer),
        None,
        "Acme endorsed",
    ),
    "status": (
        None,
        lambda t: question_services.set_status(t.agent, t.question, "acknowledged"),
        "marked this problem: <strong>Acknowledged</strong>",
        None,
    ),
    "best answer": (None, _choose_best, "Best answer</span>", None),
    "best answer cleared": (
        _choose_best,
        lambda t: answer_services.clear_best_answer(t.asker, t.question),
        None,
        "Best answer</span>",
    ),
    "new answer": (
        None,
        lambda t: answer_services.post_answer(t.reader, t.question, body="Reinstall it."),
        "Reinstall it.",
        None,
    ),
    "question edited": (
        None,
        lambda t: question_services.edit_question(
            t.asker, t.question, title="Drive stops syncing on Mondays", body="Only Mondays."
        ),
        "Drive stops syncing on Mondays",
        None,
    ),
    # Issue 13: comments.
    "comment posted": (None, _comment, "Which version, exactly?", None),
    "comment edited": (
        _comment,
        lambda t: comment_services.edit_comment(t.reader, _the_comment(t), body="Which OS?"),
        "Which OS?",
        "Which version, exactly?",
    ),
    "comment deleted": (
        _comment,
        lambda t: comment_services.delete_comment(t.reader, _the_comment(t)),
        None,
        "Which version, exactly?",
    ),
    "comment hidden": (
        _comment,
        lambda t: comment_services.hide_comment(
            make_user("warden", is_admin=True), _the_comment(t), reason="Off topic."
        ),
        None,
        "Which version, exactly?",
    ),
    "me too": (None, _me_too, "1 person has this problem", "0 people have"),
    "me too withdrawn": (
        _me_too,
        lambda t: question_services.remove_me_too(t.reader, t.question),
        "0 people have this problem",
        "1 person has",
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_the_page_shows_reaches_a_signed_out_reader_at_once(
    client, thread, change, count_queries
):
    before, act, shown, gone = CHANGES[change]
    if before is not None:
        before(thread)
    address = url(thread.question)
    first = text(client.get(address))
    with count_queries() as statements:
        client.get(address)
    assert len(statements) == 1  # the page is in the cache
    assert gone is None or gone in first

    act(thread)
    db.session.commit()
    after = text(client.get(url(thread.question)))

    assert shown is None or shown in after
    assert gone is None or gone not in after


def test_each_change_moves_the_page_version_once(thread):
    version = thread.question.page_version

    _vote(thread)
    answer_services.vote_helpful(thread.reader, thread.answer)  # a second click changes nothing
    db.session.refresh(thread.question)

    assert thread.question.page_version == version + 1


def test_a_hit_reads_the_key_alone(client, question, count_queries):
    """A kept page is found with the question's slug and page version, nothing more: no
    question entity, its asker, company or product."""
    client.get(url(question))

    with count_queries() as statements:
        assert client.get(url(question)).status_code == 200

    (statement,) = statements
    assert "JOIN" not in statement.upper() and "body_html" not in statement


@pytest.mark.parametrize("change", ["hidden", "merged"])
def test_a_kept_page_is_never_served_for_a_question_no_longer_listed(client, question, change):
    """The key's read asks the one visibility rule itself: even with the page version left
    where it was, a hidden question is a 404 and a merged one leads to its original."""
    client.get(url(question))
    original = make_question(title="The original report")
    db.session.commit()
    values = {"hidden_at": sa.func.now()} if change == "hidden" else {"merged_into_id": original.id}
    db.session.execute(sa.update(Question).where(Question.id == question.id).values(**values))
    db.session.commit()

    response = client.get(url(question))

    if change == "hidden":
        assert response.status_code == 404
        assert "Sign out and in again." not in text(response)
    else:
        assert response.status_code == 301
        assert response.headers["Location"].endswith(f"/questions/{original.id}/{original.slug}")


def test_a_kept_page_is_not_served_under_another_slug(client, question):
    client.get(url(question))

    response = client.get(f"/questions/{question.id}/some-old-title")

    assert response.status_code == 301
    assert response.headers["Location"].endswith(url(question))


def test_a_question_whose_page_version_moved_is_rendered_anew(client, question):
    """What moderation does on hide, restore and lock: change the row, move the version."""
    before = text(client.get(url(question)))
    assert "This question is locked" not in before

    question.locked = True
    question_services.page_changed(question.id)
    db.session.commit()

    assert "This question is locked" in text(client.get(url(question)))


def test_a_change_the_page_does_not_show_keeps_the_cached_page(client, question, count_queries):
    client.get(url(question))

    question.author.display_name = "Someone Renamed"  # lives outside the question's row
    db.session.commit()
    address = url(question)
    with count_queries() as statements:
        page = text(client.get(address))

    assert len(statements) == 1 and "Someone Renamed" not in page


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("http://one.example", "http://two.example"),
        ("http://one.example", "https://one.example"),
    ],
    ids=["host", "scheme"],
)
def test_two_hosts_never_share_a_page(app, monkeypatch, question, one, other):
    """Absolute links in a page are built from the request's host and scheme (without
    SERVER_NAME), so a page asked for under a forged Host must never reach the real one."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    client = app.test_client()

    first = text(client.get(url(question), base_url=one))
    second = text(client.get(url(question), base_url=other))

    assert f'href="{one}/questions/{question.id}/feed.atom"' in first
    assert f'href="{other}/questions/{question.id}/feed.atom"' in second
    assert f"{one}/" not in second


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
