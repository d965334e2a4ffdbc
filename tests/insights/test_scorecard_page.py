"""The scorecard on the company page: fresh at once with the cache on, for everyone, and
no way for a company to switch it off."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from app.answers.services import post_answer
from app.extensions import cache, db
from app.insights.scorecard import scorecard
from app.questions.models import Question
from app.questions.services import ask_question
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user

HOUR = timedelta(hours=1)


@pytest.fixture
def cache_on(app) -> Iterator[None]:
    app.config["PAGE_CACHE_SECONDS"] = 60
    with app.app_context():
        cache.clear()
    yield
    app.config["PAGE_CACHE_SECONDS"] = 0
    with app.app_context():
        cache.clear()


@pytest.fixture
def acme():
    company = make_company("Acme")
    staff = make_staff(company).user
    question = make_question(company, age=timedelta(days=2))
    make_answer(question, author=staff, is_official=True, created_at=question.created_at + 3 * HOUR)
    make_question(company, age=timedelta(days=1))
    db.session.commit()
    return company


def test_a_claimed_company_page_shows_its_scorecard(client, acme):
    html = client.get(f"/companies/{acme.slug}").get_data(as_text=True)
    assert "How Acme answers" in html
    assert "<dt>Answers officially</dt>" in html
    assert "<dd>50% of questions</dd>" in html
    assert "<dd>3 hours</dd>" in html
    assert "<dd>0 in the last 90 days</dd>" in html
    assert "<dt>Staff active this month</dt>\n        <dd>1</dd>" in html


def test_an_unclaimed_company_page_shows_what_customers_answered(client):
    company = make_company("Beta")
    question = make_question(company)
    make_answer(question)
    make_question(company)
    db.session.commit()
    html = client.get(f"/companies/{company.slug}").get_data(as_text=True)
    assert "Customers answered 1 of 2 questions in the last 90 days." in html
    assert "Answers officially" not in html


def test_the_cached_scorecard_costs_no_statement(app, cache_on, acme, count_queries):
    db.session.refresh(acme)
    scorecard(acme)
    with count_queries() as statements:
        card = scorecard(acme)
    assert statements == []
    assert card.questions == 2


def test_a_new_question_and_official_answer_show_at_once_with_the_cache_on(
    app, client, cache_on, acme
):
    url = f"/companies/{acme.slug}"
    assert "<dd>50% of questions</dd>" in client.get(url).get_data(as_text=True)
    question = ask_question(make_user(), acme, title="Where is my order?", body="It is late.")
    html = client.get(url).get_data(as_text=True)
    assert "<dd>3</dd>" in html  # questions in the window
    assert "<dd>33% of questions</dd>" in html
    staff = make_staff(acme).user
    db.session.commit()
    post_answer(staff, question, body="It ships today.")
    html = client.get(url).get_data(as_text=True)
    assert "<dd>67% of questions</dd>" in html


def test_hiding_a_question_shows_at_once_with_the_cache_on(app, client, cache_on, acme):
    from app.moderation.hiding import hide_post

    url = f"/companies/{acme.slug}"
    assert "<dd>50% of questions</dd>" in client.get(url).get_data(as_text=True)
    moderator = make_user(is_moderator=True)
    db.session.commit()
    unanswered = db.session.scalars(
        db.select(Question)
        .where(Question.company_id == acme.id)
        .order_by(Question.created_at.desc())  # the newer one has no answer
    ).first()
    hide_post(moderator, unanswered, reason="Spam")
    html = client.get(url).get_data(as_text=True)
    assert "<dd>100% of questions</dd>" in html, html[html.index("How Acme") :][:900]


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_staff_cannot_switch_the_scorecard_off(client, acme, role):
    """There is no setting: the edit form ignores anything about it, and the page keeps it."""
    staff = make_staff(acme, role=role).user
    db.session.commit()
    login_as(client, staff)
    page = client.get(f"/companies/{acme.slug}/edit").get_data(as_text=True)
    assert "scorecard" not in page.lower()
    html = client.get(f"/companies/{acme.slug}").get_data(as_text=True)
    assert "How Acme answers" in html


def test_a_problem_reopened_as_still_broken_leaves_the_solved_count_at_once(
    app, client, cache_on, acme
):
    from app.questions.models import Kind, Status
    from app.questions.services import report_still_broken

    asker = make_user()
    make_question(acme, author=asker, kind=Kind.PROBLEM, status=Status.SOLVED)
    db.session.commit()
    url = f"/companies/{acme.slug}"
    assert "<dd>1 in the last 90 days</dd>" in client.get(url).get_data(as_text=True)

    problem = db.session.scalars(db.select(Question).where(Question.author_id == asker.id)).one()
    report_still_broken(asker, problem)  # the asker's own report reopens it

    assert "<dd>0 in the last 90 days</dd>" in client.get(url).get_data(as_text=True)
