"""A hidden post leaks nowhere: a hidden question and a hidden answer, each carrying a
marker word, then every GET route of the URL map (tests/route_walk.py), the API lists,
search, feeds, the sitemap, the notifications page and every e-mail and digest, read as an
anonymous visitor, an ordinary user and company staff: the markers never appear. Their
author and a moderator still read them on the post's page. Restoring brings everything
back, counters exact."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.answers import services as answer_services
from app.answers.models import Answer
from app.answers.queries import answers_page
from app.companies.models import Company
from app.extensions import db
from app.mail.models import OutboxMessage
from app.moderation import hiding
from app.notifications import mailer
from app.notifications import services as notification_services
from app.notifications.models import Category
from app.questions import services as question_services
from app.questions.models import Question
from app.search.queries import search_questions
from tests.api.helpers import API, token_for
from tests.conftest import login_as
from tests.factories import make_user
from tests.route_walk import World, build_world, get_rules

QUESTION_MARKER = "zqxquestionmarker"
ANSWER_MARKER = "zqxanswermarker"
MARKERS = (QUESTION_MARKER, ANSWER_MARKER)


@pytest.fixture
def world() -> World:
    world = build_world()
    spammer = make_user("spammer")
    db.session.commit()
    acme = db.session.scalar(sa.select(Company).where(Company.slug == "acme"))
    # Followers who would hear of both posts: an ordinary user (daily digest) and staff.
    reader, staff = world.users["answerer"], world.users["jane"]
    notification_services.follow(reader, company=acme)
    notification_services.set_preferences(
        reader, {category: "daily" for category in Category if not category.emailed_separately}
    )
    notification_services.follow(staff, company=acme)
    notification_services.follow(staff, question=world.question)
    question = question_services.ask_question(
        spammer,
        acme,
        title=f"Cheap pills {QUESTION_MARKER}",
        body=f"Buy now {QUESTION_MARKER}.",
    )
    answer = answer_services.post_answer(
        spammer, db.session.get(Question, world.question.id), body=f"Visit {ANSWER_MARKER} now."
    )
    assert search_questions(QUESTION_MARKER).hits and search_questions(ANSWER_MARKER).hits
    world.counts = _counts(world, acme)
    keeper = world.users["keeper"]
    hiding.hide_post(keeper, db.session.get(Question, question.id), reason="Spam.")
    hiding.hide_post(keeper, db.session.get(Answer, answer.id), reason="Spam.")
    world.users["spammer"] = spammer
    world.hidden_question, world.hidden_answer, world.acme = question, answer, acme
    return world


def _counts(world: World, acme: Company) -> tuple[int, ...]:
    db.session.expire_all()
    main = db.session.get(Question, world.question.id)
    return (acme.question_count, main.answer_count)


def _urls(app, world: World) -> list[str]:
    question, answer = world.hidden_question, world.hidden_answer
    main = db.session.get(Question, world.question.id)
    later = answers_page(main, viewer=None).next_cursor
    return [
        *(world.url(rule) for rule in get_rules(app)),
        *world.extra_urls,
        f"/questions/{main.id}/{main.slug}?cursor={later}",
        # Without the slug, which holds the marker: a page echoes its own address (the
        # sign-in link's ``next``), and that is the visitor's own input, not a leak.
        f"/questions/{question.id}",
        f"/questions/{question.id}/revisions",
        f"/questions/{question.id}/feed.atom",
        f"/answers/{answer.id}",
        f"/answers/{answer.id}/revisions",
        "/search?q=pills",
        "/search?q=visit",
        "/companies/acme",
        "/companies/acme/feed.atom",
        "/questions?sort=newest",
        "/sitemap.xml",
        "/notifications",
        "/moderation/log",
        f"{API}/questions?sort=newest&limit=100",
        f"{API}/questions?company=acme&limit=100",
        f"{API}/questions/{question.id}",
        f"{API}/questions/{question.id}/answers",
        f"{API}/questions/{question.id}/revisions",
        f"{API}/questions/{main.id}/answers?limit=100",
        f"{API}/answers/{answer.id}/revisions",
        f"{API}/search?q=pills",
        f"{API}/search?q=visit",
        f"{API}/questions/similar?title=Cheap+pills+now",
        f"{API}/moderation/log",
    ]


def _locs(xml: str) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", xml)


def _sitemap_parts(client) -> list[str]:
    """The paths of every file the sitemap index lists."""
    return [urlsplit(loc).path for loc in _locs(client.get("/sitemap.xml").get_data(as_text=True))]


@pytest.mark.parametrize("who", ["anonymous", "answerer", "jane"])
def test_a_hidden_post_appears_nowhere(app, world, who):
    client = app.test_client()
    headers = {}
    if who != "anonymous":
        user = world.users[who]
        login_as(client, user)
        headers = {"Authorization": f"Bearer {token_for(user)}"}
        db.session.commit()
    urls = _urls(app, world) + _sitemap_parts(client)
    for url in urls:
        response = client.get(url, headers=headers if url.startswith(API) else {})
        body = response.get_data().decode("utf-8", "replace")  # images are bytes
        assert response.status_code < 500, url
        for marker in MARKERS:
            assert marker not in body, (url, response.status_code)
    hidden = world.hidden_question
    assert client.get(f"/questions/{hidden.id}/{hidden.slug}").status_code == 404
    assert client.get(f"/answers/{world.hidden_answer.id}").status_code == 404
    # Search finds nothing for the markers (the search pages echo the words asked).
    assert search_questions(QUESTION_MARKER).hits == []
    assert search_questions(ANSWER_MARKER).hits == []


def test_no_email_or_digest_carries_a_hidden_post(world):
    mailer.send_due()
    mailer.send_digests()
    bodies = db.session.execute(
        sa.select(OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html)
    ).all()
    assert bodies  # the walk's own notifications went out
    for row in bodies:
        for marker in MARKERS:
            assert marker not in " ".join(row)


def test_the_author_and_a_moderator_still_read_the_posts(app, world):
    for who in ("spammer", "keeper"):
        client = login_as(app.test_client(), world.users[who])
        hidden = world.hidden_question
        page = client.get(f"/questions/{hidden.id}/{hidden.slug}").get_data(as_text=True)
        assert QUESTION_MARKER in page and "Hidden:</strong> Spam." in page
        page = client.get(f"/answers/{world.hidden_answer.id}", follow_redirects=True)
        assert ANSWER_MARKER in page.get_data(as_text=True)


def test_restoring_brings_everything_back_with_exact_counters(app, world):
    hidden_counts = _counts(world, world.acme)
    assert hidden_counts == (world.counts[0] - 1, world.counts[1] - 1)
    keeper = world.users["keeper"]
    hiding.restore_post(keeper, db.session.get(Question, world.hidden_question.id))
    hiding.restore_post(keeper, db.session.get(Answer, world.hidden_answer.id))

    assert _counts(world, world.acme) == world.counts
    assert [h.question.id for h in search_questions(QUESTION_MARKER).hits] == [
        world.hidden_question.id
    ]
    client = app.test_client()
    hidden = world.hidden_question
    assert QUESTION_MARKER in client.get(f"/questions/{hidden.id}/{hidden.slug}").get_data(
        as_text=True
    )
    assert QUESTION_MARKER in client.get(f"{API}/questions?sort=newest").get_data(as_text=True)
    assert any(
        f"/questions/{hidden.id}/" in client.get(part).get_data(as_text=True)
        for part in _sitemap_parts(client)
    )
