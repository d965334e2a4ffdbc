"""An account with 50 reputation points or more leaves the first-day limits at once
(product.md, "Reputation"): 49 is still a first day, 50 is not; through the services, the
pages and the API."""

from __future__ import annotations

import pytest

from app.answers import services as answers
from app.errors import RateLimited, ValidationError
from app.questions import services as questions
from tests.api.helpers import Api, save
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_user

THREE_LINKS = "See https://a.example.com, https://b.example.com and https://c.example.com."


def _ask(author, company, n: int, body: str | None = None):  # noqa: ANN001, ANN202
    return questions.ask_question(
        author, company, title=f"Question number {n} about syncing", body=body or f"Details {n}."
    )


@pytest.fixture
def acme():
    return make_company("Acme")


def test_at_49_points_a_new_account_still_has_its_first_day(clock, acme):
    newbie = make_user("newbie", reputation=49)
    for n in range(3):
        _ask(newbie, acme, n)

    with pytest.raises(RateLimited) as refused:
        _ask(newbie, acme, 3)
    with pytest.raises(ValidationError):
        _ask(newbie, acme, 4, body=THREE_LINKS)

    assert refused.value.message.startswith("New accounts can ask 3 questions in their first day.")


def test_at_50_points_a_new_account_leaves_its_first_day(clock, acme):
    newbie = make_user("newbie", reputation=50)
    for n in range(4):
        _ask(newbie, acme, n)

    _ask(newbie, acme, 4, body=THREE_LINKS)  # and links are no longer counted

    # The hourly limits hold for everyone, whatever their points.
    with pytest.raises(RateLimited) as refused:
        _ask(newbie, acme, 5)
    assert refused.value.message.startswith("You have asked 5 questions in the last hour")


def test_points_earned_on_the_first_day_lift_its_limits(client, clock, acme):
    newbie = make_user("newbie")
    question = make_question(acme)
    fans = [make_user(f"fan{n}") for n in range(5)]
    save()
    login_as(client, newbie)
    for n in range(10):
        answer = answers.post_answer(newbie, question, body=f"Answer number {n}.")
    for fan in fans[:4]:
        answers.vote_helpful(fan, answer)
    save()

    refused = client.post(f"/questions/{question.id}/answers", data={"body": "Answer 10."})
    assert refused.status_code == 429  # 40 points: still its first day

    answers.vote_helpful(fans[4], answer)  # 50 points
    save()
    posted = client.post(f"/questions/{question.id}/answers", data={"body": "Answer 10."})
    assert posted.status_code == 303


def test_the_api_lets_an_account_with_50_points_past_the_first_day(client, clock, acme):
    api = Api(client, make_user("newbie", reputation=50))
    save()

    statuses = [
        api.post(
            "/companies/acme/questions", {"title": f"Question number {n}", "body": f"Details {n}."}
        ).status_code
        for n in range(4)
    ]

    assert statuses == [201] * 4


def test_the_threshold_is_a_setting(app, clock, acme, monkeypatch):
    monkeypatch.setitem(app.config, "FIRST_DAY_ENDS_AT_REPUTATION", 100)
    newbie = make_user("newbie", reputation=50)
    for n in range(3):
        _ask(newbie, acme, n)

    with pytest.raises(RateLimited):
        _ask(newbie, acme, 3)
