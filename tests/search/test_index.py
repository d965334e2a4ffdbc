"""The index follows every write that changes what is searchable, in the same transaction,
and ``flask search reindex`` rebuilds it."""

from __future__ import annotations

import pytest

from app.answers import services as answer_services
from app.extensions import db
from app.questions import services as question_services
from app.questions.models import Question
from app.search import index as search_index
from app.search.queries import search_questions
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user
from tests.search.helpers import ask


def found(text: str) -> list[str]:
    db.session.expire_all()  # requests wrote through their own sessions
    return [hit.question.title for hit in search_questions(text).hits]


@pytest.fixture
def acme():
    return make_company("Acme")


@pytest.fixture
def asker():
    return make_user("asker")


def test_an_asked_question_is_found_at_once(client, acme, asker):
    db.session.commit()
    login_as(client, asker)

    response = client.post(
        "/companies/acme/ask",
        data={"title": "Scanner jams on thick paper", "body": "The feeder grinds."},
    )

    assert response.status_code == 303
    assert found("grinding feeder") == ["Scanner jams on thick paper"]


def test_an_edited_question_is_found_by_its_new_words_only(client, acme, asker):
    question = question_services.ask_question(
        asker, acme, title="Scanner jams on thick paper", body="The feeder grinds."
    )
    login_as(client, asker)

    response = client.post(
        f"/questions/{question.id}/edit",
        data={"title": "Printer smudges photos", "body": "Ink everywhere."},
    )

    assert response.status_code == 303
    assert found("scanner") == [] and found("grinds") == []
    assert found("smudge") == found("ink") == ["Printer smudges photos"]


def test_new_and_edited_answers_change_what_finds_the_question(client, acme, asker):
    question = question_services.ask_question(
        asker, acme, title="Scanner jams on thick paper", body="The feeder grinds."
    )
    helper = make_user("helper")
    db.session.commit()
    login_as(client, helper)

    client.post(f"/questions/{question.id}/answers", data={"body": "Use the manual tray."})
    assert found("manual tray") == [question.title]

    posted = answer_services.post_answer(helper, question, body="Or clean the rollers.")
    client.post(f"/answers/{posted.id}/edit", data={"body": "Or replace the pickup wheel."})

    assert found("rollers") == []
    assert found("pickup wheel") == [question.title]
    assert found("manual tray") == [question.title]


def test_a_refused_edit_leaves_the_index_as_it_was(client, acme, asker):
    question = question_services.ask_question(
        asker, acme, title="Scanner jams on thick paper", body="The feeder grinds."
    )
    login_as(client, asker)

    response = client.post(
        f"/questions/{question.id}/edit", data={"title": "Hey", "body": "Ink everywhere."}
    )

    assert response.status_code == 422
    assert found("scanner") == [question.title] and found("ink") == []


def test_an_entry_rolls_back_with_its_write(acme):
    db.session.commit()
    question = make_question(acme, title="Scanner jams on thick paper")
    search_index.refresh_question(question.id)
    assert found("scanner") == [question.title]

    db.session.rollback()

    assert found("scanner") == []


def test_reindex_rebuilds_every_entry(app, acme):
    fresh = make_question(acme, title="Scanner jams on thick paper")  # never indexed
    stale = ask(acme, "Printer smudges photos")
    make_answer(fresh, body="Use the manual tray.")
    db.session.execute(
        db.update(Question).where(Question.id == stale.id).values(title="Printer leaks ink")
    )
    db.session.commit()
    assert found("scanner") == [] and found("smudges") == [stale.title]

    result = app.test_cli_runner().invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexing questions" in result.output
    assert "Indexed 2 questions." in result.output
    assert found("scanner") == ["Scanner jams on thick paper"]
    assert found("manual tray") == ["Scanner jams on thick paper"]
    assert found("smudges") == [] and found("leaks") == ["Printer leaks ink"]


def test_reindex_on_an_empty_forum(app):
    result = app.test_cli_runner().invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexed 0 questions." in result.output


def test_an_answer_thread_is_indexed_up_to_its_cap(acme, monkeypatch):
    monkeypatch.setattr(search_index, "ANSWERS_TEXT_MAX", 60)
    question = make_question(acme, title="Scanner jams on thick paper")
    make_answer(question, body="First answer mentions rollers and more words to fill it up.")
    make_answer(question, body="Second answer mentions the pickup wheel.")
    search_index.refresh_question(question.id)

    assert found("rollers") == [question.title]
    assert found("pickup") == []


def test_a_removed_question_is_no_longer_found(acme):
    question = ask(acme, "Scanner jams on thick paper")

    search_index.remove_question(question.id)

    assert found("scanner") == []
