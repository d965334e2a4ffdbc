"""The order of answers on a question page: best, official, most helpful, oldest."""

from __future__ import annotations

from datetime import timedelta

from app.answers import services
from app.answers.queries import answers_page
from app.extensions import db
from tests.factories import make_answer, make_company, make_question, make_user
from tests.questions.helpers import assert_counters_match_rows, positions, text


def test_answers_come_best_then_official_then_helpful_then_oldest(client):
    question = make_question(make_company("Acme"), author=make_user("asker"), slug="sync")
    start = question.created_at

    def answer(label: str, minutes: int, **fields):
        return make_answer(
            question, body=label, created_at=start + timedelta(minutes=minutes), **fields
        )

    old_plain = answer("Old plain answer", 1)
    helpful_two = answer("Two helpful votes", 2)
    official_new = answer("Newer official answer", 5, is_official=True)
    official_old = answer("Older official answer", 3, is_official=True)
    helpful_one = answer("One helpful vote", 4)
    new_plain = answer("New plain answer", 6)
    best = answer("The best answer", 7)
    voters = [make_user() for _ in range(3)]
    for voter in voters[:2]:
        services.vote_helpful(voter, helpful_two)
    services.vote_helpful(voters[2], helpful_one)
    # A helpful vote does not lift an answer above an official one.
    services.vote_helpful(voters[0], new_plain)
    services.vote_helpful(voters[1], new_plain)
    services.vote_helpful(voters[2], new_plain)
    services.choose_best_answer(question.author, question, best)
    db.session.commit()

    page = text(client.get(f"/questions/{question.id}/sync"))

    expected = [
        "The best answer",
        "Older official answer",
        "Newer official answer",
        "New plain answer",
        "Two helpful votes",
        "One helpful vote",
        "Old plain answer",
    ]
    found = positions(page, [f"<p>{label}</p>" for label in expected])
    assert found == sorted(found)
    assert [a.id for a in answers_page(question).items] == [
        best.id,
        official_old.id,
        official_new.id,
        new_plain.id,
        helpful_two.id,
        helpful_one.id,
        old_plain.id,
    ]
    assert_counters_match_rows()


def test_without_a_best_answer_the_oldest_comes_first_among_equals(client):
    question = make_question(make_company("Acme"), slug="sync")
    second = make_answer(
        question, body="Second", created_at=question.created_at + timedelta(minutes=2)
    )
    first = make_answer(
        question, body="First", created_at=question.created_at + timedelta(minutes=1)
    )
    db.session.commit()

    page = text(client.get(f"/questions/{question.id}/sync"))

    found = positions(page, [f'id="answer-{first.id}"', f'id="answer-{second.id}"'])
    assert found == sorted(found)
