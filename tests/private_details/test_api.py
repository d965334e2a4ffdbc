"""Private details through the API: ``private_details`` on one question or answer for their
readers only (left out for everyone else), in no list of questions, written where the
services allow (422 at the field elsewhere, every bad field at once, nothing changed)."""

from __future__ import annotations

import pytest

from app.answers.models import Answer
from app.companies import staff as staff_services
from app.extensions import db
from app.questions.models import Question
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.private_details.conftest import (
    ANSWER_MARKER,
    MARKERS,
    OTHERS,
    QUESTION_MARKER,
    READERS,
)


def _api(client, world, who: str) -> Api:  # noqa: ANN001 - a test client, the World
    api = Api(client, None if who == "anonymous" else world.users[who])
    save()
    return api


def _answers_by_id(api: Api, question_id: int) -> dict[int, dict]:
    response = api.get(f"/questions/{question_id}/answers")
    assert response.status_code == 200
    return {item["id"]: item for item in response.get_json()["items"]}


@pytest.mark.parametrize("who", ("anonymous", *READERS, *OTHERS))
def test_a_question_and_its_answers_carry_them_for_their_readers_only(client, world, who):
    api = _api(client, world, who)

    question = api.get(f"/questions/{world.question.id}").get_json()
    answers = _answers_by_id(api, world.question.id)

    if who in READERS:
        assert QUESTION_MARKER in question["private_details"]
        assert (
            answers[world.answer.id]["private_details"] == f"Refund reference **{ANSWER_MARKER}**"
        )
        assert answers[world.peer_answer.id]["private_details"] is None
    else:
        assert "private_details" not in question
        assert all("private_details" not in answer for answer in answers.values())


@pytest.mark.parametrize("who", ["asker", "jane", "keeper"])
def test_no_list_of_questions_carries_them_even_for_their_readers(client, world, who):
    api = _api(client, world, who)

    for path in (
        "/questions?company=acme",
        "/questions?sort=newest",
        "/search?q=order",
        "/questions/similar?title=My+order+never+arrived",
    ):
        response = api.get(path)
        assert response.status_code == 200, path
        items = response.get_json()["items"]
        assert any(item["id"] == world.question.id for item in items), path
        assert all("private_details" not in item for item in items), path


def test_revoked_staff_lose_them_at_once(client, world):
    api = _api(client, world, "agent")
    assert "private_details" in api.get(f"/questions/{world.question.id}").get_json()

    staff_services.revoke_staff(world.jane, world.acme, world.agent)

    assert "private_details" not in api.get(f"/questions/{world.question.id}").get_json()
    answers = _answers_by_id(api, world.question.id)
    assert "private_details" not in answers[world.answer.id]


# Asking and answering ----------------------------------------------------------------------


def test_asking_with_private_details(client, world):
    api = _api(client, world, "asker")

    response = api.post(
        "/companies/acme/questions",
        {
            "title": "Charged twice",
            "body": "My card shows two payments.",
            "private_details": "Tx 1",
        },
    )

    assert response.status_code == 201
    assert response.get_json()["private_details"] == "Tx 1"


def test_asking_an_unclaimed_company_with_private_details_is_422(client, world):
    api = _api(client, world, "asker")
    before = snapshot()

    response = api.post(
        "/companies/nimbus/questions",
        {"title": "Parcel lost", "body": "It never came.", "private_details": "Parcel 1"},
    )

    assert response.status_code == 422
    assert "Nimbus has not claimed its page" in error_of(response)["fields"]["private_details"]
    assert snapshot() == before


def test_every_bad_field_is_named_at_once(client, world):
    api = _api(client, world, "asker")

    response = api.post(
        "/companies/nimbus/questions",
        {"title": "Hi", "body": "It never came.", "private_details": "Parcel 1"},
    )
    too_long = api.post(
        "/companies/acme/questions",
        {"title": "Hi", "body": "Logs.", "private_details": "x" * 5_001},
    )

    assert set(error_of(response)["fields"]) == {"title", "private_details"}
    assert set(error_of(too_long)["fields"]) == {"title", "private_details"}


def test_staff_answer_with_private_details(client, world):
    api = _api(client, world, "jane")

    response = api.post(
        f"/questions/{world.question.id}/answers",
        {"body": "A new parcel is on its way.", "private_details": "Tracking 77"},
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["private_details"] == "Tracking 77" and body["is_official"]


@pytest.mark.parametrize("who", ["peer", "former", "rival", "asker"])
def test_nobody_else_answers_with_private_details(client, world, who):
    api = _api(client, world, who)
    before = snapshot()

    refused = api.post(
        f"/questions/{world.question.id}/answers",
        {"body": "Call them.", "private_details": "My number"},
    )
    with_bad_body = api.post(
        f"/questions/{world.question.id}/answers", {"body": "", "private_details": "My number"}
    )

    assert refused.status_code == 422
    assert error_of(refused)["fields"] == {
        "private_details": "Only Acme's staff add private details to an answer."
    }
    assert set(error_of(with_bad_body)["fields"]) == {"body", "private_details"}
    assert snapshot() == before


def test_no_answer_with_private_details_on_an_unclaimed_company(client, world):
    api = _api(client, world, "keeper")

    response = api.post(
        f"/questions/{world.unclaimed_question.id}/answers",
        {"body": "Try the reset.", "private_details": "Ref"},
    )

    assert response.status_code == 422
    assert "Nimbus has not claimed" in error_of(response)["fields"]["private_details"]


# Editing -----------------------------------------------------------------------------------


def test_the_asker_changes_and_clears_them(client, world):
    api = _api(client, world, "asker")

    changed = api.patch(f"/questions/{world.question.id}", {"private_details": "Order 2"})
    cleared = api.patch(f"/questions/{world.question.id}", {"private_details": None})

    assert changed.status_code == 200 and changed.get_json()["private_details"] == "Order 2"
    assert cleared.status_code == 200 and cleared.get_json()["private_details"] is None
    db.session.expire_all()
    assert db.session.get(Question, world.question.id).private_details is None


def test_the_asker_sends_the_question_back_as_read(client, world):
    api = _api(client, world, "asker")
    read = api.get(f"/questions/{world.question.id}").get_json()

    response = api.patch(f"/questions/{world.question.id}", {**read, "title": "Order lost"})

    assert response.status_code == 200
    assert response.get_json()["private_details"] == read["private_details"]


def test_staff_may_not_change_the_asker_s_private_details(client, world):
    api = _api(client, world, "jane")
    read = api.get(f"/questions/{world.question.id}").get_json()
    before = snapshot()

    refused = api.patch(f"/questions/{world.question.id}", {"private_details": "Mine now"})

    assert refused.status_code == 422
    assert set(error_of(refused)["fields"]) == {"private_details"}
    assert snapshot() == before
    # Sent back unchanged with a kind staff may set: fine.
    sent_back = api.patch(f"/questions/{world.question.id}", {**read, "kind": "problem"})
    assert sent_back.status_code == 200


def test_staff_change_only_their_answer_s_private_details(client, world):
    api = _api(client, world, "agent")

    response = api.patch(f"/answers/{world.answer.id}", {"private_details": "Refund 2"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["private_details"] == "Refund 2"
    assert body["body"] == "Sorry about that: we have refunded you."


def test_a_peer_adds_none_to_their_own_answer(client, world):
    api = _api(client, world, "peer")
    before = snapshot()

    response = api.patch(f"/answers/{world.peer_answer.id}", {"private_details": "Ref"})
    none = api.patch(f"/answers/{world.peer_answer.id}", {"private_details": None})

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"private_details"}
    assert none.status_code == 200 and "private_details" not in none.get_json()
    assert snapshot() == before


def test_revoked_staff_may_not_edit_their_answer(client, world):
    api = _api(client, world, "agent")
    staff_services.revoke_staff(world.jane, world.acme, world.agent)
    before = snapshot()

    response = api.patch(f"/answers/{world.answer.id}", {"private_details": "Ref"})

    assert response.status_code == 403
    assert not any(marker in response.get_data(as_text=True) for marker in MARKERS)
    assert snapshot() == before
    db.session.expire_all()
    assert ANSWER_MARKER in db.session.get(Answer, world.answer.id).private_details
