"""Related questions are found when a question is asked or edited, stored, and read by its
page with one statement; `flask search reindex` finds them all again."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.questions import services as question_services
from app.questions.models import Question
from app.search.models import RELATED_MAX, RelatedQuestion
from app.search.queries import related_questions
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_user
from tests.questions.helpers import text
from tests.search.helpers import ask


@pytest.fixture
def acme():
    return make_company("Acme")


@pytest.fixture
def asker():
    return make_user("asker")


def related_titles(question: Question) -> list[str]:
    db.session.expire_all()  # requests wrote through their own sessions
    return [related.title for related in related_questions(question)]


def test_a_question_asked_through_the_form_shows_its_related_questions(client, acme, asker):
    older = ask(acme, "Sync stopped working on my phone")
    ask(acme, "Invoices show the wrong currency")
    ask(make_company("Globex"), "Globex sync stopped on my phone")
    db.session.commit()
    login_as(client, asker)

    response = client.post(
        "/companies/acme/ask",
        data={"title": "Sync stopped on my laptop too", "body": "x", "seen_similar": "1"},
    )

    assert response.status_code == 303
    page = text(client.get(response.headers["Location"], follow_redirects=True))
    related = page.split('id="related-heading"')[1].split("</section>")[0]
    assert older.title in related
    assert "Invoices" not in related and "Globex" not in related


def test_an_older_question_learns_of_a_newer_one_like_it(acme, asker):
    older = question_services.ask_question(asker, acme, title="Printer smudges photos", body="x")
    assert related_titles(older) == []

    question_services.ask_question(asker, acme, title="Printer smudges every page", body="y")

    assert related_titles(older) == ["Printer smudges every page"]


def test_editing_the_title_finds_the_related_questions_again(acme, asker):
    ask(acme, "Scanner jams on thick paper")
    ask(acme, "Printer leaks ink")
    question = question_services.ask_question(
        asker, acme, title="Scanner jams on envelopes", body="The feeder grinds."
    )
    assert related_titles(question) == ["Scanner jams on thick paper"]

    question_services.edit_question(
        asker, question, title="Printer leaks ink on envelopes", body="The feeder grinds."
    )

    assert related_titles(question) == ["Printer leaks ink"]


def test_at_most_five_are_kept_each_way(acme, asker):
    first = ask(acme, "Sync problem on the phone")
    for n in range(RELATED_MAX + 2):
        ask(acme, f"Sync problem number {n}")
    db.session.commit()

    newest = question_services.ask_question(asker, acme, title="Sync problem again", body="z")

    assert len(related_titles(newest)) == RELATED_MAX
    assert len(related_titles(first)) == RELATED_MAX  # filled by newer ones, never beyond
    counts = db.session.execute(
        db.select(db.func.count())
        .select_from(RelatedQuestion)
        .group_by(RelatedQuestion.question_id)
    ).scalars()
    assert max(counts) == RELATED_MAX


def test_a_deleted_question_leaves_the_related_lists(acme):
    gone = ask(acme, "Sync stopped working on my phone")
    stays = ask(acme, "Sync stopped working on my laptop")
    db.session.commit()
    assert related_titles(stays) == [gone.title]

    db.session.delete(gone)
    db.session.commit()

    assert related_titles(stays) == []


def test_reindex_finds_every_questions_related_questions_again(app, acme):
    # Made by the factories: neither was related when it was made.
    laptop = make_question(acme, title="Sync stopped working on my laptop")
    phone = make_question(acme, title="Sync stopped working on my phone")
    db.session.commit()
    assert related_titles(laptop) == related_titles(phone) == []

    result = app.test_cli_runner().invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert "Relating questions" in result.output
    assert related_titles(laptop) == [phone.title]
    assert related_titles(phone) == [laptop.title]


def test_reindex_can_leave_related_questions_alone(app, acme):
    laptop = make_question(acme, title="Sync stopped working on my laptop")
    make_question(acme, title="Sync stopped working on my phone")
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["search", "reindex", "--no-related"])

    assert result.exit_code == 0, result.output
    assert "Relating questions" not in result.output
    assert related_titles(laptop) == []


def test_reading_them_is_one_statement_however_many_there_are(acme, count_queries):
    question = ask(acme, "Sync problem on the phone")
    for n in range(RELATED_MAX):
        ask(acme, f"Sync problem number {n}")
    db.session.commit()
    question_id = question.id  # loaded now, not inside the count

    with count_queries() as statements:
        related = related_questions(question)

    assert len(related) == RELATED_MAX and len(statements) == 1
    assert question_id not in {r.id for r in related}
