"""The public scorecard's numbers, on a small data set computed by hand (both databases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.companies.models import Membership
from app.db import utcnow
from app.extensions import db
from app.insights.scorecard import compute, duration_words, percent, scorecard
from app.moderation.models import AuditEntry
from app.questions.models import Kind, Status
from tests.factories import make_answer, make_company, make_question, make_staff, make_user

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def _official(question, staff_user, after: timedelta, **fields):
    return make_answer(
        question,
        author=staff_user,
        is_official=True,
        created_at=question.created_at + after,
        **fields,
    )


@pytest.fixture
def acme():
    """A claimed company. By hand, over the last 90 days:

    listed questions q1, q2, q3, q4, q5, q7 → 6 (q6 is 100 days old, one is hidden, one merged);
    first listed official answers: q1 +1h, q2 +3h, q3 +2d (its +10 min answer is hidden),
    q5 +5h → 4 of 6; delays 3600, 10800, 18000, 172800 → median (10800 + 18000) / 2 = 14400;
    problems solved: q5 (q6 is outside the window, q7 is open) → 1;
    staff active in 30 days: s1 (answers), s2 (a status change) → 2; s3 answered but is
    revoked, s4 answered 40 days ago only.
    """
    company = make_company("Acme")
    s1, s2, s3, s4 = (make_staff(company).user for _ in range(4))
    customer = make_user()
    q1 = make_question(company, age=10 * DAY)
    _official(q1, s1, HOUR)
    _official(q1, s1, 5 * HOUR)
    q2 = make_question(company, age=20 * DAY)
    _official(q2, s3, 3 * HOUR)
    q3 = make_question(company, age=30 * DAY)
    _official(q3, s1, timedelta(minutes=10), hidden_at=utcnow(), hidden_reason="spam")
    _official(q3, s1, 2 * DAY)
    q4 = make_question(company, age=5 * DAY)
    make_answer(q4, author=customer, created_at=q4.created_at + HOUR)
    q5 = make_question(company, age=40 * DAY, kind=Kind.PROBLEM, status=Status.SOLVED)
    _official(q5, s4, 5 * HOUR)
    q6 = make_question(company, age=100 * DAY, kind=Kind.PROBLEM, status=Status.SOLVED)
    _official(q6, s1, HOUR)
    make_question(company, age=2 * DAY, kind=Kind.PROBLEM)  # q7, open
    hidden = make_question(company, age=3 * DAY, hidden_at=utcnow(), hidden_reason="spam")
    _official(hidden, s1, timedelta(minutes=1))
    merged = make_question(company, age=15 * DAY, merged_into_id=q2.id)
    _official(merged, s1, timedelta(minutes=2))
    db.session.execute(
        sa.update(Membership).where(Membership.user_id == s3.id).values(revoked_at=utcnow())
    )
    db.session.add(
        AuditEntry(
            actor_id=s2.id,
            action="question.status_changed",
            company_id=company.id,
            created_at=utcnow() - 10 * DAY,
        )
    )
    db.session.add(
        AuditEntry(
            actor_id=s4.id,
            action="question.status_changed",
            company_id=company.id,
            created_at=utcnow() - 35 * DAY,
        )
    )
    db.session.commit()
    return company


def test_a_claimed_company_s_numbers(acme):
    card = compute(acme)
    assert card.as_dict() == {
        "window_days": 90,
        "claimed": True,
        "questions": 6,
        "answered_officially": 4,
        "answered_officially_share": pytest.approx(4 / 6),
        "median_first_official_answer_seconds": 14400,
        "problems_solved": 1,
        "active_staff_30d": 2,
        "customers_answered": 1,
    }


def test_an_odd_number_of_official_answers_takes_the_middle_one(acme):
    q = make_question(acme, age=DAY)
    _official(q, make_staff(acme).user, 4 * HOUR)
    db.session.commit()
    # 3600, 10800, 14400, 18000, 172800: the middle one.
    assert compute(acme).median_first_official_answer_seconds == 14400
    q = make_question(acme, age=DAY)
    _official(q, make_staff(acme).user, 10 * DAY)
    db.session.commit()
    assert compute(acme).median_first_official_answer_seconds == (14400 + 18000) // 2


def test_an_unclaimed_company_shows_what_customers_answered():
    company = make_company("Beta")
    asker, peer = make_user(), make_user()
    b1 = make_question(company, author=asker, age=5 * DAY)
    make_answer(b1, author=peer)  # a peer answered → counts
    b2 = make_question(company, author=asker, age=6 * DAY)
    make_answer(b2, author=asker)  # only the asker themself → no
    make_question(company, age=7 * DAY)  # no answer
    b4 = make_question(company, age=8 * DAY)
    make_answer(b4, author=peer, hidden_at=utcnow(), hidden_reason="spam")  # hidden → no
    b5 = make_question(company, age=8 * DAY, hidden_at=utcnow(), hidden_reason="spam")
    make_answer(b5, author=peer)  # hidden question → no
    old = make_question(company, age=91 * DAY)
    make_answer(old, author=peer)  # outside the window → no
    db.session.commit()
    assert compute(company).as_dict() == {
        "window_days": 90,
        "claimed": False,
        "questions": 4,
        "answered_officially": 0,
        "answered_officially_share": None,
        "median_first_official_answer_seconds": None,
        "problems_solved": 0,
        "active_staff_30d": 0,
        "customers_answered": 1,
    }


def test_a_company_with_nothing_yet():
    company = make_company("Empty")
    make_staff(company)
    db.session.commit()
    card = compute(company)
    assert (card.questions, card.answered_officially_share) == (0, None)
    assert card.median_first_official_answer_seconds is None
    assert (card.problems_solved, card.active_staff_30d) == (0, 0)


def test_the_scorecard_is_one_statement_whatever_the_data(acme, count_queries):
    db.session.refresh(acme)  # the company is loaded, as on its page
    with count_queries() as statements:
        compute(acme)
    assert len(statements) == 1
    for _ in range(5):
        q = make_question(acme, age=DAY)
        _official(q, make_staff(acme).user, HOUR)
    db.session.commit()
    db.session.refresh(acme)
    with count_queries() as statements:
        scorecard(acme)
    assert len(statements) == 1


def test_words():
    assert duration_words(30) == "under a minute"
    assert duration_words(60) == "1 minute"
    assert duration_words(45 * 60) == "45 minutes"
    assert duration_words(3 * 3600) == "3 hours"
    assert duration_words(14400) == "4 hours"
    assert duration_words(2 * 86400) == "2 days"
    assert percent(4 / 6) == "67%"
    assert percent(0.78) == "78%"
