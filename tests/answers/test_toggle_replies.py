"""The helpful and endorse buttons answer alike (``in_place.toggled``): a sentence for each
of the four things a press can do, "success" when it changed something and "info" when it
was already so, the button's pressed state and its next action; with or without the page's
script, in the reader's language."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.questions.helpers import text

JSON = {"Accept": "application/json"}

HELPFUL = {
    ("add", False): "Thanks for saying this answer helped.",
    ("add", True): "You already found this answer helpful.",
    ("remove", True): "Your helpful vote is withdrawn.",
    ("remove", False): "You had not voted this answer helpful.",
}
ENDORSE = {
    ("add", False): "The answer is endorsed: readers see the badge on it.",
    ("add", True): "This answer is already endorsed.",
    ("remove", True): "The endorsement is withdrawn.",
    ("remove", False): "This answer was not endorsed.",
}


@pytest.fixture
def scene():
    question = make_question(make_company("Acme"), author=make_user("asker"), slug="q")
    answer = make_answer(question, author=make_user("helper"))
    return question, answer, make_staff(question.company).user


def _press(client, answer, button: str, action: str, **headers: str):  # noqa: ANN001, ANN202
    return client.post(f"/answers/{answer.id}/{button}", data={"action": action}, headers=headers)


@pytest.mark.parametrize("button, sentences", [("helpful", HELPFUL), ("endorse", ENDORSE)])
@pytest.mark.parametrize(
    "action, done_before, category",
    [
        ("add", False, "success"),
        ("add", True, "info"),
        ("remove", True, "success"),
        ("remove", False, "info"),
    ],
)
def test_each_press_answers_its_sentence_and_the_button_s_state(
    client, scene, button, sentences, action, done_before, category
):
    _question, answer, agent = scene
    db.session.commit()
    login_as(client, agent)
    if done_before:
        assert _press(client, answer, button, "add", **JSON).status_code == 200

    reply = _press(client, answer, button, action, **JSON).get_json()

    pressed = action == "add"
    assert reply["message"] == sentences[action, done_before]
    assert reply["category"] == category
    assert reply["pressed"] is pressed
    assert reply["action"] == ("remove" if pressed else "add")


def test_endorse_answers_the_badge_as_the_answer_now_stands(client, scene):
    _question, answer, agent = scene
    db.session.commit()
    login_as(client, agent)

    already = [_press(client, answer, "endorse", "add", **JSON).get_json() for _ in range(2)]
    not_endorsed = [
        _press(client, answer, "endorse", "remove", **JSON).get_json() for _ in range(2)
    ]

    assert [reply["endorsed"]["shown"] for reply in already] == [True, True]
    assert [reply["endorsed"]["shown"] for reply in not_endorsed] == [False, False]
    assert already[1]["label"] == "Endorse for Acme"


@pytest.mark.parametrize(
    "button, danish",
    [
        ("helpful", "Du havde ikke stemt dette svar hjælpsomt."),
        ("endorse", "Dette svar er allerede anbefalet."),
    ],
)
def test_without_the_script_the_sentence_is_flashed_in_the_reader_s_language(
    client, scene, button, danish
):
    question, answer, agent = scene
    agent.language = "da"
    db.session.commit()
    login_as(client, agent)
    if button == "endorse":
        _press(client, answer, "endorse", "add")
    action = "remove" if button == "helpful" else "add"

    response = _press(client, answer, button, action)

    assert response.status_code == 303
    assert response.location.startswith(f"/questions/{question.id}/q")
    assert danish in text(client.get(response.location))
