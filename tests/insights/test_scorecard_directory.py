"""The directory's "Answers officially fastest": ranked by the scorecard's median, kept with
every write the scorecard shows and by ``flask scorecard-rank``; keyset-paged, one SELECT."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.answers.services import post_answer
from app.companies.models import NOT_RANKED, Company
from app.companies.queries import list_companies
from app.extensions import db
from app.insights.scorecard import compute, rank_all
from app.moderation.hiding import hide_post
from tests.factories import make_answer, make_company, make_question, make_staff, make_user

HOUR = timedelta(hours=1)


def _answered(company: Company, *delays: timedelta) -> None:
    staff = make_staff(company).user
    for n, delay in enumerate(delays):
        question = make_question(company, age=timedelta(days=n + 1))
        make_answer(
            question, author=staff, is_official=True, created_at=question.created_at + delay
        )


def _ranks() -> dict[str, int]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Company.slug, Company.official_answer_rank)).all())


def test_rank_all_ranks_by_the_median_and_leaves_the_rest_unranked():
    slow, fast, even = make_company("Slow"), make_company("Fast"), make_company("Even")
    _answered(slow, 10 * HOUR)
    _answered(fast, HOUR, 2 * HOUR, 30 * HOUR)  # median 2h
    _answered(even, HOUR, 4 * HOUR)  # median 2.5h
    make_staff(make_company("Quiet"))  # claimed, no official answer
    make_question(make_company("Unclaimed"))
    db.session.commit()

    assert rank_all() == 5

    ranks = _ranks()
    assert ranks == {
        "slow": 36000,
        "fast": 7200,
        "even": 9000,
        "quiet": NOT_RANKED,
        "unclaimed": NOT_RANKED,
    }
    for company in db.session.scalars(sa.select(Company)):
        median = compute(company).median_first_official_answer_seconds
        assert company.official_answer_rank == (NOT_RANKED if median is None else median)


def test_an_official_answer_and_a_hide_rank_the_company_at_once():
    company = make_company("Acme")
    staff = make_staff(company).user
    question = make_question(company)
    moderator = make_user(is_moderator=True)
    db.session.commit()
    assert _ranks()["acme"] == NOT_RANKED

    answer = post_answer(staff, question, body="Fixed it for you.")
    assert _ranks()["acme"] < 60

    hide_post(moderator, answer, reason="Wrong company")
    assert _ranks()["acme"] == NOT_RANKED


def test_the_directory_pages_fastest_first_then_the_rest(client, app, count_queries):
    for n, hours in enumerate([5, 1, 3, 2, 4]):
        _answered(make_company(f"Claimed {n}"), hours * HOUR)
    for n in range(3):
        make_question(make_company(f"Open {n}"))
    db.session.commit()
    rank_all()

    order, cursor = [], None
    while True:
        page = list_companies(cursor=cursor, limit=3, sort="fastest")
        order += [company.slug for company in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert order[:5] == ["claimed-1", "claimed-3", "claimed-2", "claimed-4", "claimed-0"]
    assert sorted(order[5:]) == ["open-0", "open-1", "open-2"]
    assert len(set(order)) == 8

    app.config["PAGE_SIZE"] = 3
    try:
        with count_queries() as statements:
            html = client.get("/companies/?sort=fastest").get_data(as_text=True)
        first = len(statements)
        assert "Answers officially fastest" in html
        assert "typical first official answer: 1 hour" in html
        assert html.index("Claimed 1") < html.index("Claimed 3") < html.index("Claimed 2")
        with count_queries() as statements:
            assert client.get(f"/companies/?sort=fastest&cursor={cursor}").status_code == 200
        assert len(statements) == first == 1
    finally:
        app.config["PAGE_SIZE"] = 20


def test_an_unknown_sort_is_a_400(client):
    assert client.get("/companies/?sort=slowest").status_code == 400
