"""Private details leak nowhere (issue 14): a question and a staff answer, each with private
details carrying a marker word nobody else types, in the forum of tests/route_walk.py. Then
every GET route of the URL map, the post's own pages, its edit history, the lists, search,
the feeds, the sitemap, the notifications page, the moderation log and the API (objects and
lists), read as an anonymous visitor, a fellow customer, staff of the company who were
revoked meanwhile and staff of another company; every e-mail and digest in the outbox; the
notification rows; the search index; the anonymous page cache (pages and list fragments)
after readers and non-readers alike opened every page: the markers are never there. The
asker, the company's active staff and a moderator still read them on the page and in the
API, and search finds nothing for the markers even for them."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.answers import services as answer_services
from app.companies import staff as staff_services
from app.companies.models import Company
from app.extensions import cache, db
from app.mail.models import OutboxMessage
from app.notifications import mailer
from app.notifications import services as notification_services
from app.notifications.models import Category, Notification
from app.questions import services as question_services
from app.search.backends import TABLE as SEARCH_TABLE
from app.search.queries import search_questions
from tests.api.helpers import API, token_for
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.route_walk import World, build_world, get_rules

QUESTION_MARKER = "zqxprivatequestionmarker"
ANSWER_MARKER = "zqxprivateanswermarker"
MARKERS = (QUESTION_MARKER, ANSWER_MARKER)


@pytest.fixture
def page_cache(app) -> Iterator[None]:
    """The anonymous page cache on (the suite turns it off), empty before and after."""
    app.config["PAGE_CACHE_SECONDS"] = 60
    with app.app_context():
        cache.clear()
    yield
    app.config["PAGE_CACHE_SECONDS"] = 0
    with app.app_context():
        cache.clear()


@pytest.fixture
def world() -> World:
    world = build_world()
    acme = db.session.scalar(sa.select(Company).where(Company.slug == "acme"))
    asker, reader, jane, agent = (world.users[n] for n in ("asker", "answerer", "jane", "agent"))
    rival = make_user("rival")
    make_staff(make_company("Globex", domain="globex.com"), rival, role="admin")
    db.session.commit()
    # Followers who hear of both posts: an ordinary user (daily digest), the company's staff,
    # and the agent who will be revoked.
    notification_services.follow(reader, company=acme)
    notification_services.set_preferences(
        reader, {category: "daily" for category in Category if not category.emailed_separately}
    )
    notification_services.follow(jane, company=acme)
    notification_services.follow(agent, company=acme)
    question = question_services.ask_question(
        asker,
        acme,
        title="My order never arrived",
        body="I paid two weeks ago and nothing came.",
        private_details=f"Order {QUESTION_MARKER}, account asker@example.org",
    )
    notification_services.follow(reader, question=question)
    answer = answer_services.post_answer(
        agent,
        question,
        body="Sorry about that: we refunded you.",
        private_details=f"Refund reference {ANSWER_MARKER}",
    )
    # Edited (body and private details): the edit histories exist, and are read too.
    question_services.edit_question(
        asker,
        question,
        body="I paid three weeks ago and nothing came.",
        private_details=f"Order {QUESTION_MARKER} (second try), account asker@example.org",
    )
    answer_services.edit_answer(
        agent,
        answer,
        body="Sorry about that: we refunded you today.",
        private_details=f"Refund reference {ANSWER_MARKER}, 20 EUR",
    )
    staff_services.revoke_staff(jane, acme, agent)
    assert search_questions("refunded").hits  # the answer's words are indexed, not its secrets
    world.users["rival"] = rival
    world.private_question, world.private_answer = question, answer
    return world


def _urls(app, world: World) -> list[str]:
    question, answer = world.private_question, world.private_answer
    return [
        *(world.url(rule) for rule in get_rules(app)),
        *world.extra_urls,
        f"/questions/{question.id}/{question.slug}",
        f"/questions/{question.id}",
        f"/questions/{question.id}/revisions",
        f"/questions/{question.id}/feed.atom",
        f"/questions/{question.id}/edit",
        f"/answers/{answer.id}",
        f"/answers/{answer.id}/edit",
        f"/answers/{answer.id}/revisions",
        "/search?q=order",
        "/search?q=refunded",
        "/companies/acme",
        "/companies/acme/feed.atom",
        "/companies/acme/unanswered",
        "/questions?sort=newest",
        "/users/asker",
        "/users/agent",
        "/sitemap.xml",
        "/notifications",
        "/moderation/log",
        f"{API}/questions?sort=newest&limit=100",
        f"{API}/questions?company=acme&limit=100",
        f"{API}/questions/{question.id}",
        f"{API}/questions/{question.id}/answers",
        f"{API}/questions/{question.id}/revisions",
        f"{API}/questions/{question.id}/status-history",
        f"{API}/answers/{answer.id}/revisions",
        f"{API}/search?q=order",
        f"{API}/search?q=refunded",
        f"{API}/questions/similar?title=My+order+never+arrived",
        f"{API}/moderation/log",
        f"{API}/companies/acme",
    ]


def _sitemap_parts(client) -> list[str]:  # noqa: ANN001 - a test client
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    return [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]


def _cached_values() -> list[bytes]:
    """Everything the page cache holds (pages and list fragments), as stored."""
    store = cache.cache  # Flask-Caching's SimpleCache in tests
    return [pickle.dumps(value) for value in store._cache.values()]


def _read_everything(app, world: World, who: str) -> None:
    client = app.test_client()
    headers = {}
    if who != "anonymous":
        user = world.users[who]
        login_as(client, user)
        headers = {"Authorization": f"Bearer {token_for(user)}"}
        db.session.commit()
    for url in _urls(app, world) + _sitemap_parts(client):
        response = client.get(url, headers=headers if url.startswith(API) else {})
        body = response.get_data().decode("utf-8", "replace")  # images are bytes
        assert response.status_code < 500, url
        for marker in MARKERS:
            assert marker not in body, (who, url, response.status_code)


@pytest.mark.parametrize("who", ["anonymous", "answerer", "agent", "rival"])
def test_private_details_appear_nowhere_for_anyone_else(app, world, page_cache, who):
    _read_everything(app, world, who)

    # Search finds nothing by them, for anyone (the search pages echo the words asked).
    assert search_questions(QUESTION_MARKER).hits == []
    assert search_questions(ANSWER_MARKER).hits == []


def test_the_anonymous_page_cache_never_holds_them(app, world, page_cache):
    # Readers first (their pages are never cached), then a signed-out visitor twice: the
    # second visit is served from the cache.
    question = world.private_question
    page = f"/questions/{question.id}/{question.slug}"
    for reader in ("asker", "jane", "keeper"):
        seen = login_as(app.test_client(), world.users[reader]).get(page)
        assert QUESTION_MARKER in seen.get_data(as_text=True), reader
        assert "no-store" in seen.headers["Cache-Control"]
    _read_everything(app, world, "anonymous")
    visitor = app.test_client()
    first, second = visitor.get(page), visitor.get(page)

    assert second.get_data(as_text=True) == first.get_data(as_text=True).replace(
        re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"])[1],
        re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"])[1],
    )
    stored = _cached_values()
    assert stored and any(b"Sorry about that" in value for value in stored)
    for value in stored:
        for marker in MARKERS:
            assert marker.encode() not in value


def test_no_email_digest_or_notification_carries_them(world):
    mailer.send_due()
    mailer.send_digests()

    mails = db.session.execute(
        sa.select(OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html)
    ).all()
    notes = db.session.execute(sa.select(Notification.detail)).scalars().all()
    assert mails and notes  # the walk's and these posts' notifications went out
    for row in [*mails, *notes]:
        for marker in MARKERS:
            assert marker not in " ".join(row if isinstance(row, tuple | sa.Row) else [row])


def test_the_search_index_never_holds_them(world):
    index = db.session.execute(sa.text(f"SELECT * FROM {SEARCH_TABLE}")).all()  # noqa: S608

    assert index
    for row in index:
        for marker in MARKERS:
            assert marker not in " ".join(str(value) for value in row)


@pytest.mark.parametrize("who", ["asker", "jane", "keeper"])
def test_their_readers_still_read_them_on_the_page_and_in_the_api(app, world, who):
    user = world.users[who]
    client = login_as(app.test_client(), user)
    question = world.private_question
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    db.session.commit()

    page = client.get(f"/questions/{question.id}/{question.slug}").get_data(as_text=True)
    single = client.get(f"{API}/questions/{question.id}", headers=headers).get_json()
    answers = client.get(f"{API}/questions/{question.id}/answers", headers=headers).get_json()

    assert QUESTION_MARKER in page and ANSWER_MARKER in page
    assert QUESTION_MARKER in single["private_details"]
    assert any(ANSWER_MARKER in (item.get("private_details") or "") for item in answers["items"])
    assert search_questions(QUESTION_MARKER).hits == []
