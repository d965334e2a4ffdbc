"""Search work left for after the commit (a new question's related questions, an answered
thread's index entry) is done in the request's teardown (``MAIL_SEND=inline``) or by ``flask
search relate`` (the worker); never when the write rolled back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.answers import services as answer_services
from app.extensions import db
from app.questions import services as question_services
from app.search import deferred
from app.search.models import RelatedQuestion, SearchDue
from app.search.queries import search_questions
from tests.conftest import login_as
from tests.factories import make_company, make_user
from tests.search.helpers import ask


@pytest.fixture
def acme():
    company = make_company("Acme")
    ask(company, "Printer smudges photos")
    ask(company, "Invoice in the wrong currency")
    db.session.commit()
    return company


@pytest.fixture
def asker():
    return make_user("asker")


def related_of(question_id: int) -> list[int]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(RelatedQuestion.related_id)
            .where(RelatedQuestion.question_id == question_id)
            .order_by(RelatedQuestion.position)
        )
    )


def due() -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SearchDue.question_id)))


def test_in_a_request_they_wait_for_the_commit_and_the_teardown(app, acme, asker):
    older = ask(acme, "Printer smudges every page")
    db.session.commit()
    with app.test_request_context("/companies/acme/ask", method="POST"):
        question = question_services.ask_question(
            asker, acme, title="Printer smudges glossy prints", body="x"
        )
        # Committed, and not found yet: the match is not part of the ask's transaction.
        assert related_of(question.id) == []
        assert due() == [question.id]

        deferred.inline_step()

        assert older.id in related_of(question.id)
        assert due() == []


def test_a_rolled_back_ask_finds_nothing(app, acme, asker, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the webhook table is gone")

    monkeypatch.setattr(question_services.webhooks, "emit", fail)
    with app.test_request_context("/companies/acme/ask", method="POST"):
        with pytest.raises(RuntimeError):
            question_services.ask_question(asker, acme, title="Printer smudges prints", body="x")

        deferred.inline_step()

    assert due() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RelatedQuestion)) == 0


def test_asking_through_the_form_finds_them_before_the_response(client, acme, asker):
    login_as(client, asker)

    response = client.post(
        "/companies/acme/ask",
        data={"title": "Printer smudges again", "body": "x", "seen_similar": "1"},
    )

    assert response.status_code == 303
    assert due() == []
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Printer smudges photos" in page.split('id="related-heading"')[1]


def test_with_the_worker_the_request_leaves_them_to_it(app, client, acme, asker, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND", "worker")
    login_as(client, asker)

    response = client.post(
        "/companies/acme/ask",
        data={"title": "Printer smudges glossy prints", "body": "x", "seen_similar": "1"},
    )
    assert response.status_code == 303
    (question_id,) = due()
    assert related_of(question_id) == []

    result = app.test_cli_runner().invoke(args=["search", "relate"])

    assert result.exit_code == 0, result.output
    assert "Related 1 question; 0 wait." in result.output
    assert len(related_of(question_id)) == 1
    assert due() == []


def test_a_retitled_question_is_related_again_after_the_commit(app, acme, asker):
    question = question_services.ask_question(
        asker, acme, title="Invoice totals look odd", body="x"
    )
    invoice = related_of(question.id)
    assert invoice  # outside a request (MAIL_SEND=inline): found right after the commit

    with app.test_request_context("/", method="POST"):
        question_services.edit_question(asker, question, title="Printer smudges photos too")
        assert related_of(question.id) == invoice
        deferred.inline_step()

    assert related_of(question.id) != invoice


def test_a_failure_is_tried_again_later(app, acme, asker, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND", "worker")
    question = question_services.ask_question(asker, acme, title="Printer smudges prints", body="x")

    def fail(question):
        raise RuntimeError("the index is busy")

    monkeypatch.setattr(deferred.index, "refresh_related", fail)
    assert deferred.relate_pending() == 0

    row = db.session.scalars(sa.select(SearchDue)).one()
    assert row.question_id == question.id and row.attempts == 1
    # Not due again at once (backoff), so the worker does not spin on it.
    assert deferred.relate_pending() == 0


def test_an_answers_words_find_its_question_once_the_request_is_over(app, acme, asker):
    question = ask(acme, "Scanner lid creaks")
    db.session.commit()
    with app.test_request_context(f"/questions/{question.id}/answers", method="POST"):
        answer_services.post_answer(asker, question, body="Oil the hinge with graphite.")
        assert search_questions("graphite").hits == []
        assert due() == [question.id]

        deferred.inline_step()

    assert [hit.question.id for hit in search_questions("graphite").hits] == [question.id]
    assert due() == []


def test_answering_through_the_form_is_searchable_when_the_page_comes_back(client, acme, asker):
    question = ask(acme, "Scanner lid creaks")
    db.session.commit()
    login_as(client, asker)

    response = client.post(f"/questions/{question.id}/answers", data={"body": "Use graphite."})

    assert response.status_code == 303
    page = client.get("/search", query_string={"q": "graphite"}).get_data(as_text=True)
    assert "Scanner lid creaks" in page
