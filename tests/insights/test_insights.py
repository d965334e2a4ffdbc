"""A company's insights, on the small data set of tests/insights/conftest.py whose every
figure is worked out by hand below (both databases)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.insights.queries import Response, company_insights
from app.questions.models import Feeling, Kind, Status
from tests.factories import make_company, make_staff
from tests.insights.conftest import NOW


def test_the_window_and_its_weeks(acme_data):
    insights = company_insights(acme_data.company, 30)

    assert (insights.days, insights.since, insights.until) == (30, NOW - timedelta(days=30), NOW)
    # Monday 16 February (the window starts at its noon) to Monday 16 March (this week).
    assert [w.week for w in insights.weeks] == [
        date(2026, 2, 16),
        date(2026, 2, 23),
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]


def test_questions_by_kind_and_week(acme_data):
    """q6 (Sat 21 Feb) → week of 16 Feb; q5 (Thu 26 Feb) → 23 Feb; q4 (Fri 6 Mar) and q3
    (Sun 8 Mar) → 2 Mar; q2 (Sun 15 Mar) → 9 Mar; q1 (Mon 16 Mar) → 16 Mar. q7, q8 are
    older than 30 days; the hidden and the merged question count nowhere."""
    weeks = company_insights(acme_data.company, 30).weeks

    by_kind = [{k.value: n for k, n in w.kinds.items() if n} for w in weeks]
    assert by_kind == [
        {"problem": 1},
        {"problem": 1},
        {"question": 1, "idea": 1},
        {"problem": 1},
        {"question": 1},
    ]
    assert [w.total for w in weeks] == [1, 1, 2, 1, 1]


def test_feelings_over_time(acme_data):
    weeks = company_insights(acme_data.company, 30).weeks

    by_feeling = [{f: n for f, n in w.feelings.items() if n} for w in weeks]
    assert by_feeling == [
        {Feeling.SAD: 1},
        {Feeling.CONFUSED: 1},
        {Feeling.EXCITED: 1, None: 1},  # q3's asker said no feeling
        {Feeling.FRUSTRATED: 1},
        {Feeling.HAPPY: 1},
    ]


def test_response_figures(acme_data):
    """q1…q6: 6 questions. First listed official answers: q1 +1h, q2 +3h, q3 +48h (its +10
    min answer is hidden), q5 +5h → 4 answered officially, 3 of them within 24 hours.
    Delays 3600, 10800, 18000, 172800: median (10800 + 18000) / 2 = 14400; 90th percentile
    at rank (4 − 1) × 0.9 = 2.7: 18000 + 0.7 × (172800 − 18000) = 126360. Best answers: q1
    (an official one), q4 (a customer's) → 2."""
    response = company_insights(acme_data.company, 30).response

    assert response == Response(
        questions=6,
        answered_officially=4,
        answered_officially_within_24h=3,
        best_answers=2,
        median_first_official_answer_seconds=14400,
        p90_first_official_answer_seconds=126360,
    )
    assert response.answered_officially_share == pytest.approx(4 / 6)
    assert response.answered_officially_within_24h_share == pytest.approx(3 / 6)
    assert response.best_answer_share == pytest.approx(2 / 6)


def test_a_longer_window_takes_in_older_questions(acme_data):
    """90 days adds q7 (+4h, 14400 s): delays 3600, 10800, 14400, 18000, 172800 → median
    14400; 90th percentile at rank 3.6: 18000 + 0.6 × 154800 = 110880. 365 days adds q8
    (+1h): 3600, 3600, 10800, 14400, 18000, 172800 → median 12600, 90th percentile at rank
    4.5: 18000 + 0.5 × 154800 = 95400."""
    ninety = company_insights(acme_data.company, 90).response
    year = company_insights(acme_data.company, 365).response

    assert (
        ninety.questions,
        ninety.answered_officially,
        ninety.answered_officially_within_24h,
    ) == (
        7,
        5,
        4,
    )
    assert ninety.median_first_official_answer_seconds == 14400
    assert ninety.p90_first_official_answer_seconds == 110880
    assert (year.questions, year.answered_officially) == (8, 6)
    assert year.median_first_official_answer_seconds == 12600
    assert year.p90_first_official_answer_seconds == 95400
    assert len(company_insights(acme_data.company, 365).weeks) == 53


def test_the_most_affected_open_problems(acme_data):
    """Open, acknowledged or in progress, asked in the window, the most affected first:
    q2 (5), q5 (2). q6 is solved, q7 older, the hidden one (50) counts nowhere."""
    problems = company_insights(acme_data.company, 30).top_problems
    assert [(p.id, p.status, p.affected_users) for p in problems] == [
        (acme_data.q["q2"].id, Status.OPEN, 5),
        (acme_data.q["q5"].id, Status.ACKNOWLEDGED, 2),
    ]
    ninety = company_insights(acme_data.company, 90).top_problems
    assert [p.id for p in ninety] == [acme_data.q[n].id for n in ("q7", "q2", "q5")]


def test_per_product(acme_data):
    """Drive: q1, q2, q6 → 3; official q1 3600, q2 10800 → 2, both within a day; median 7200,
    90th percentile 3600 + 0.9 × 7200 = 10080; best q1. Vault: q3, q5 → 2; official 172800,
    18000 → 2, one within a day; median 95400, 90th percentile 18000 + 0.9 × 154800 = 157320.
    No product: q4 → 1, no official answer, a best answer."""
    products = company_insights(acme_data.company, 30).products

    assert [(p.slug, p.name, p.response) for p in products] == [
        ("drive", "Drive", Response(3, 2, 2, 1, 7200, 10080)),
        ("vault", "Vault", Response(2, 2, 1, 0, 95400, 157320)),
        (None, None, Response(1, 0, 0, 1, None, None)),
    ]


def test_per_staff_member(acme_data):
    """ann: q1 +1h (first), q3 +48h (first; the hidden one left out) → 2, 2 first, median
    88200. bob: q1 +5h (not first; the best answer), q2 +3h (first) → 2, 1 first, median 10800,
    1 best. cy, revoked since: q5 +5h → listed as former staff. dee: nothing yet. The merged
    question's and the hidden question's answers count nowhere; other companies' staff are not
    Acme's."""
    staff = company_insights(acme_data.company, 30).staff

    rows = [
        (
            m.user.username,
            m.active,
            m.official_answers,
            m.first_official_answers,
            m.median_first_official_answer_seconds,
            m.best_answers,
        )
        for m in staff
    ]
    assert rows == [
        ("ann", True, 2, 2, 88200, 0),
        ("bob", True, 2, 1, 10800, 1),
        ("cy", False, 1, 1, 18000, 0),
        ("dee", True, 0, 0, None, 0),
    ]
    assert staff[0].role.value == "admin"


def test_a_revoked_member_with_no_answers_in_the_window_is_not_listed(acme_data):
    year = [m.user.username for m in company_insights(acme_data.company, 365).staff]
    assert year == ["ann", "bob", "cy", "dee"]
    make_staff(acme_data.company).revoked_at = NOW
    db.session.commit()
    assert [m.user.username for m in company_insights(acme_data.company, 30).staff] == year


def test_a_company_with_nothing_yet(clock):
    company = make_company("Quiet")
    member = make_staff(company)
    db.session.commit()

    insights = company_insights(company, 90)

    assert insights.response == Response()
    assert insights.response.answered_officially_share is None
    assert insights.products == [] and insights.top_problems == []
    assert [(m.user.id, m.official_answers) for m in insights.staff] == [(member.user_id, 0)]
    assert sum(w.total for w in insights.weeks) == 0
    assert all(set(w.kinds) == set(Kind) for w in insights.weeks)


def test_only_the_three_windows(acme_data):
    with pytest.raises(ValueError):
        company_insights(acme_data.company, 7)


@pytest.mark.parametrize("days", [30, 90, 365])
def test_four_statements_whatever_the_window(acme_data, count_queries, days):
    db.session.refresh(acme_data.company)
    with count_queries() as statements:
        company_insights(acme_data.company, days)
    assert len(statements) == 4
