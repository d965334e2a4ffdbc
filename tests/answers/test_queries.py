"""The reads other pages rely on: one SELECT each, keyset pages, nothing for anonymous."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from app.answers import services
from app.answers.queries import (
    ViewerMarks,
    answers_page,
    get_answer,
    list_answers_by_author,
    viewer_marks,
)
from app.errors import NotFound
from app.extensions import db
from app.pagination import BadCursor
from app.questions import services as question_services
from app.questions.queries import get_question
from tests.factories import make_answer, make_company, make_product, make_question, make_user


def test_get_question_loads_author_company_and_product_in_one_select(count_queries):
    question = make_question(product=make_product(make_company("Acme"), "Drive"))
    question_id = question.id
    db.session.commit()
    db.session.expunge_all()

    with count_queries() as statements:
        loaded = get_question(question_id)
        names = (loaded.author.username, loaded.company.name, loaded.product.name)

    assert len(statements) == 1
    assert names[1:] == ("Acme", "Drive")


def test_get_question_and_get_answer_raise_not_found():
    with pytest.raises(NotFound):
        get_question(123456)
    with pytest.raises(NotFound):
        get_answer(123456)


def test_answers_page_loads_authors_in_one_select(count_queries):
    question = make_question()
    for _ in range(4):
        make_answer(question)
    db.session.commit()
    question_id = question.id
    db.session.expunge_all()
    question = get_question(question_id)

    with count_queries() as statements:
        answers = answers_page(question).items
        names = [answer.author.name for answer in answers]
        questions = {answer.question.id for answer in answers}

    assert len(statements) == 1
    assert len(names) == 4
    assert questions == {question_id}


def test_viewer_marks_are_the_viewers_own_in_one_select(count_queries):
    question = make_question()
    answers = [make_answer(question) for _ in range(3)]
    elsewhere = make_answer()
    viewer, other = make_user(), make_user()
    services.vote_helpful(viewer, answers[0])
    services.vote_helpful(viewer, answers[2])
    services.vote_helpful(viewer, elsewhere)  # another question's answer
    services.vote_helpful(other, answers[1])
    question_services.add_me_too(viewer, question)  # also follows it
    question_id = question.id
    db.session.refresh(viewer)  # loaded before counting: the services' commits expired it

    with count_queries() as statements:
        marks = viewer_marks(viewer, question_id)
    with count_queries() as anonymous:
        nothing = viewer_marks(AnonymousUserMixin(), question_id)

    assert marks.helpful_ids == {answers[0].id, answers[2].id}
    assert marks.me_too and marks.following
    assert len(statements) == 1
    assert nothing == ViewerMarks() and anonymous == []
    assert viewer_marks(other, question_id) == ViewerMarks(helpful_ids=frozenset({answers[1].id}))


def test_list_answers_by_author_pages_newest_first_with_questions(count_queries):
    author = make_user("helper")
    other = make_user("other")
    start = make_question().created_at
    mine = [
        make_answer(author=author, created_at=start + timedelta(minutes=i // 2)) for i in range(5)
    ]
    make_answer(author=other)
    db.session.commit()
    expected = [
        answer.id for answer in sorted(mine, key=lambda a: (a.created_at, a.id), reverse=True)
    ]
    author_id = author.id
    db.session.expunge_all()

    with count_queries() as statements:
        first = list_answers_by_author(author_id, limit=2)
        titles = [answer.question.title for answer in first.items]
    second = list_answers_by_author(author_id, cursor=first.next_cursor, limit=2)
    third = list_answers_by_author(author_id, cursor=second.next_cursor, limit=2)

    assert len(statements) == 1
    assert len(titles) == 2
    ids = [a.id for page in (first, second, third) for a in page.items]
    assert ids == expected
    assert third.next_cursor is None


def test_list_answers_by_author_refuses_a_bad_cursor():
    with pytest.raises(BadCursor):
        list_answers_by_author(1, cursor="nonsense")
