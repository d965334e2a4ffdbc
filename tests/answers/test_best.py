"""The best answer: the asker (or a site admin) chooses it, may change or unmark it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.answers import services
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.questions.models import Kind, Status
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user
from tests.questions.helpers import is_sign_in_redirect, text


@pytest.fixture
def question():
    return make_question(make_company("Acme"), author=make_user("asker"), slug="sync")


@pytest.fixture
def answers(question):
    return [
        make_answer(
            question, body=f"Answer {i}", created_at=question.created_at + timedelta(minutes=i)
        )
        for i in range(3)
    ]


def _choose(client, question, answer):
    return client.post(f"/questions/{question.id}/best-answer", data={"answer_id": answer.id})


def _status(question) -> tuple[int | None, Status]:
    db.session.refresh(question)
    return question.best_answer_id, question.status


def test_the_asker_chooses_the_best_answer_and_the_question_reads_answered(
    client, question, answers
):
    db.session.commit()
    login_as(client, question.author)
    before = text(client.get(f"/questions/{question.id}/sync"))

    response = _choose(client, question, answers[2])

    assert before.count("Choose as best answer</button>") == 3
    assert "Answered</span>" not in before
    assert response.status_code == 303
    assert response.location == f"/questions/{question.id}/sync#answer-{answers[2].id}"
    page = text(client.get(response.location))
    assert "Answered</span>" in page
    assert "Best answer</span>" in page
    assert page.count("Choose as best answer</button>") == 2
    assert "Unmark best answer</button>" in page
    assert _status(question) == (answers[2].id, Status.ANSWERED)


def test_the_asker_can_change_the_best_answer(client, question, answers):
    db.session.commit()
    login_as(client, question.author)
    _choose(client, question, answers[0])

    response = _choose(client, question, answers[1])
    again = _choose(client, question, answers[1])  # a duplicate click

    assert response.status_code == again.status_code == 303
    assert _status(question) == (answers[1].id, Status.ANSWERED)
    page = text(client.get(f"/questions/{question.id}/sync"))
    assert page.count("Best answer</span>") == 1
    assert page.index(f'id="answer-{answers[1].id}"') < page.index(f'id="answer-{answers[0].id}"')


def test_the_asker_can_unmark_it_and_the_question_is_open_again(client, question, answers):
    db.session.commit()
    login_as(client, question.author)
    _choose(client, question, answers[0])

    response = client.post(f"/questions/{question.id}/best-answer", data={"action": "clear"})

    assert response.status_code == 303
    assert _status(question) == (None, Status.OPEN)
    assert "Answered</span>" not in text(client.get(f"/questions/{question.id}/sync"))


def test_unmarking_keeps_a_question_with_an_official_answer_answered(question):
    make_answer(question, is_official=True)
    question.has_official_answer = True
    question.status = Status.ANSWERED
    peer_answer = make_answer(question)
    services.choose_best_answer(question.author, question, peer_answer)

    services.clear_best_answer(question.author, question)

    assert (question.best_answer_id, question.status) == (None, Status.ANSWERED)
    assert question.is_answered


def test_another_user_cannot_choose_and_nothing_changes(client, question, answers):
    stranger = answers[0].author
    db.session.commit()
    login_as(client, stranger)

    page = text(client.get(f"/questions/{question.id}/sync"))
    response = _choose(client, question, answers[0])
    clear = client.post(f"/questions/{question.id}/best-answer", data={"action": "clear"})

    assert "Choose as best answer" not in page
    assert (response.status_code, clear.status_code) == (403, 403)
    assert _status(question) == (None, Status.OPEN)


def test_a_site_admin_may_choose(client, question, answers):
    admin = make_user("keeper", is_admin=True)
    db.session.commit()
    login_as(client, admin)

    response = _choose(client, question, answers[1])

    assert response.status_code == 303
    assert _status(question) == (answers[1].id, Status.ANSWERED)


def test_an_answer_of_another_question_is_refused(client, question, answers):
    elsewhere = make_answer(make_question(question.company))
    db.session.commit()
    login_as(client, question.author)

    response = _choose(client, question, elsewhere)

    assert response.status_code == 422
    assert "belongs to another question" in text(response)
    assert _status(question) == (None, Status.OPEN)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 400),
        ({"answer_id": "abc"}, 400),
        ({"answer_id": "-3"}, 400),
        ({"answer_id": str(2**40)}, 400),
        ({"answer_id": "1", "action": "explode"}, 400),
        ({"answer_id": "999999"}, 404),
    ],
)
def test_malformed_choices_are_refused(client, question, answers, data, status):
    db.session.commit()
    login_as(client, question.author)

    response = client.post(f"/questions/{question.id}/best-answer", data=data)

    assert response.status_code == status
    assert _status(question) == (None, Status.OPEN)


def test_anonymous_choices_go_to_sign_in(client, question, answers):
    db.session.commit()

    assert is_sign_in_redirect(_choose(client, question, answers[0]))
    assert _status(question) == (None, Status.OPEN)


def test_other_kinds_keep_their_status_but_read_as_answered(client):
    idea = make_question(make_company("Beta"), kind=Kind.IDEA, slug="idea")
    answer = make_answer(idea)

    services.choose_best_answer(idea.author, idea, answer)

    assert idea.status == Status.OPEN
    assert idea.is_answered
    db.session.commit()
    assert "Answered</span>" in text(client.get(f"/questions/{idea.id}/idea"))


def test_the_service_refuses_strangers_and_foreign_answers(question, answers):
    with pytest.raises(PermissionDenied):
        services.choose_best_answer(make_user(), question, answers[0])
    with pytest.raises(ValidationError):
        services.choose_best_answer(question.author, question, make_answer())
    assert question.best_answer_id is None
