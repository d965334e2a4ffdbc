"""Helpful votes: once per user per answer, never on one's own, can be withdrawn."""

from __future__ import annotations

import pytest

from app.answers import services
from app.answers.models import HelpfulVote
from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user
from tests.questions.helpers import assert_counters_match_rows, count, is_sign_in_redirect, text


@pytest.fixture
def answer():
    question = make_question(make_company("Acme"), slug="sync")
    return make_answer(question, author=make_user("helper"))


def _votes(answer) -> int:
    return count(HelpfulVote, HelpfulVote.answer_id == answer.id)


def _press(client, answer, action: str):
    return client.post(f"/answers/{answer.id}/helpful", data={"action": action})


def _card(page: str, answer) -> str:
    start = page.index(f'id="answer-{answer.id}"')
    return page[start : page.index("</article>", start)]


def test_a_helpful_vote_counts_once_and_shows_as_pressed(client, answer):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    first = _press(client, answer, "add")
    second = _press(client, answer, "add")  # a duplicate click

    assert first.status_code == second.status_code == 303
    assert first.location == f"/questions/{answer.question_id}/sync#answer-{answer.id}"
    card = _card(text(client.get(first.location)), answer)
    assert 'aria-pressed="true">Helpful</button>' in card
    assert "1 found this helpful" in card
    assert _votes(answer) == 1
    db.session.refresh(answer)
    assert answer.helpful_count == 1
    assert_counters_match_rows()


def test_a_helpful_vote_can_be_withdrawn_and_twice_is_harmless(client, answer):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)
    _press(client, answer, "add")

    first = _press(client, answer, "remove")
    second = _press(client, answer, "remove")

    assert first.status_code == second.status_code == 303
    card = _card(text(client.get(f"/questions/{answer.question_id}/sync")), answer)
    assert 'aria-pressed="false">Helpful</button>' in card
    assert "0 found this helpful" in card
    assert _votes(answer) == 0
    assert_counters_match_rows()


def test_no_helpful_vote_on_ones_own_answer(client, answer):
    db.session.commit()
    login_as(client, answer.author)

    card = _card(text(client.get(f"/questions/{answer.question_id}/sync")), answer)
    response = _press(client, answer, "add")

    assert "Helpful</button>" not in card
    assert response.status_code == 403
    assert _votes(answer) == 0
    db.session.refresh(answer)
    assert answer.helpful_count == 0


def test_anonymous_helpful_votes_go_to_sign_in(client, answer):
    db.session.commit()

    response = _press(client, answer, "add")

    assert is_sign_in_redirect(response)
    assert _votes(answer) == 0


@pytest.mark.parametrize("data", [{}, {"action": "upvote"}])
def test_a_malformed_vote_is_a_bad_request(client, answer, data):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    assert client.post(f"/answers/{answer.id}/helpful", data=data).status_code == 400
    assert _votes(answer) == 0


def test_a_vote_on_an_unknown_answer_is_not_found(client):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    assert client.post("/answers/31337/helpful", data={"action": "add"}).status_code == 404


def test_many_voters_count_exactly(answer):
    voters = [make_user() for _ in range(5)]

    results = [services.vote_helpful(voter, answer) for voter in voters]
    results += [services.vote_helpful(voter, answer) for voter in voters[:2]]
    withdrawn = services.withdraw_helpful(voters[4], answer)

    assert results == [True] * 5 + [False] * 2
    assert withdrawn is True
    db.session.refresh(answer)
    assert answer.helpful_count == 4
    assert_counters_match_rows()
