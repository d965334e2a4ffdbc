"""Leaderboards, per company and site-wide, this month and all time: read from the stored
totals in one SELECT (a fixed number of statements per page, whatever the number of votes);
a deleted account is on none of them."""

from __future__ import annotations

import pytest

from app.accounts import deletion
from app.answers import services as answers
from app.extensions import db
from app.questions import services as questions
from app.reputation import champions, queries
from app.reputation.queries import Period
from tests.conftest import login_as
from tests.factories import (
    PASSWORD,
    make_answer,
    make_company,
    make_question,
    make_staff,
    make_user,
)


class Forum:
    """In March Ann earns 20 at Acme and Bo 10 at Nimbus; in April Bo earns 25 at Acme and
    Cy 2 (a "me too" on his question)."""

    def __init__(self, clock) -> None:  # noqa: ANN001
        self.acme = make_company("Acme", domain="acme.example")
        self.nimbus = make_company("Nimbus", domain="nimbus.example")
        self.admin = make_user("acmeadmin")
        make_staff(self.acme, self.admin, role="admin")
        self.ann, self.bo, self.cy = (
            make_user("ann", display_name="Ann"),
            make_user("bo"),
            make_user("cy"),
        )
        self.voters = [make_user(f"voter{n}") for n in range(3)]
        asker = make_user("asker")
        acme_question = make_question(self.acme, author=asker)
        ann_answer = make_answer(acme_question, author=self.ann)
        bo_answer = make_answer(acme_question, author=self.bo)
        bo_nimbus = make_answer(make_question(self.nimbus), author=self.bo)
        cy_question = make_question(self.nimbus, author=self.cy)
        db.session.commit()
        answers.vote_helpful(self.voters[0], ann_answer)
        answers.vote_helpful(self.voters[1], ann_answer)
        answers.vote_helpful(self.voters[0], bo_nimbus)
        clock.move(days=30)  # April
        answers.choose_best_answer(asker, acme_question, bo_answer)
        questions.add_me_too(self.voters[2], cy_question)


@pytest.fixture
def forum(clock) -> Forum:  # noqa: ANN001
    return Forum(clock)


def _board(standings) -> list[tuple[str, int]]:  # noqa: ANN001
    return [(standing.user.username, standing.points) for standing in standings]


def test_the_site_leaderboard_all_time_and_this_month(forum):
    assert _board(queries.site_leaderboard(Period.ALL_TIME)) == [
        ("bo", 35), ("ann", 20), ("cy", 2)
    ]  # fmt: skip
    assert _board(queries.site_leaderboard(Period.MONTH)) == [("bo", 25), ("cy", 2)]


def test_a_companys_leaderboard_counts_its_questions_only(forum):
    assert _board(queries.company_leaderboard(forum.acme, Period.ALL_TIME)) == [
        ("bo", 25), ("ann", 20)
    ]  # fmt: skip
    assert _board(queries.company_leaderboard(forum.acme, Period.MONTH)) == [("bo", 25)]
    assert _board(queries.company_leaderboard(forum.nimbus, Period.ALL_TIME)) == [
        ("bo", 10), ("cy", 2)
    ]  # fmt: skip


def test_a_company_leaderboard_marks_its_champions(forum):
    champions.name_champion(forum.admin, forum.acme, forum.ann)

    board = queries.company_leaderboard(forum.acme, Period.ALL_TIME)

    assert [(s.user.username, s.champion) for s in board] == [("bo", False), ("ann", True)]


def test_a_former_member_is_on_no_leaderboard(forum):
    deletion.delete_account(forum.ann, PASSWORD)

    assert "ann" not in dict(_board(queries.site_leaderboard(Period.ALL_TIME)))
    names = [s.user.name for s in queries.company_leaderboard(forum.acme, Period.ALL_TIME)]
    assert names == ["Bo"]


def test_the_pages_show_the_boards(client, forum):
    site = client.get("/leaderboard").get_data(as_text=True)
    month = client.get("/leaderboard?period=month").get_data(as_text=True)
    acme = client.get("/companies/acme/leaderboard").get_data(as_text=True)

    assert site.index("@bo") < site.index("@ann") < site.index("@cy")
    assert 'aria-current="page">All time' in site
    assert "@ann" not in month and 'aria-current="page">This month' in month
    assert "Acme leaderboard" in acme and "@cy" not in acme


def test_an_empty_board_says_so(client):
    make_company("Quiet")

    page = client.get("/companies/quiet/leaderboard?period=month").get_data(as_text=True)

    assert "Nobody has earned points this month yet." in page


def test_an_unknown_company_has_no_leaderboard(client):
    assert client.get("/companies/nope/leaderboard").status_code == 404


@pytest.mark.parametrize(
    "path", ["/leaderboard", "/leaderboard?period=month", "/companies/acme/leaderboard",
             "/companies/acme/leaderboard?period=month", "/companies/acme/champions"]
)  # fmt: skip
@pytest.mark.parametrize("signed_in", [False, True])
def test_the_pages_run_the_same_few_statements_for_few_and_many_votes(
    client, clock, count_queries, path, signed_in
):
    forum = Forum(clock)
    if signed_in:
        login_as(client, forum.admin)

    def statements() -> int:
        db.session.commit()
        db.session.expunge_all()
        with count_queries() as recorded:
            assert client.get(path).status_code == 200
        return len(recorded)

    few = statements()
    more = [make_answer(make_question(db.session.merge(forum.acme))) for _ in range(12)]
    voters = [make_user() for _ in range(4)]
    db.session.commit()
    for answer in more:
        for voter in voters:
            answers.vote_helpful(voter, answer)
    many = statements()

    assert few == many <= 6
