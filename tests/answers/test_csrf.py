"""Every action on the question page is a POST carrying the CSRF token."""

from __future__ import annotations

import re

import pytest

from app.answers.models import Answer, HelpfulVote
from app.extensions import db
from app.questions.models import MeToo, Question
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user
from tests.questions.helpers import count, text


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture
def scene():
    question = make_question(make_company("Acme"), author=make_user("asker"), slug="q")
    answer = make_answer(question)
    return question, answer


def _token(page: str) -> str:
    tokens = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page))
    assert len(tokens) == 1  # every form on the page carries the same token
    return tokens.pop()


def test_every_form_on_the_question_page_carries_the_token(client, csrf_on, scene):
    question, _ = scene
    viewer = make_user("viewer")
    db.session.commit()
    login_as(client, viewer)

    page = text(client.get(f"/questions/{question.id}/q"))

    forms = re.findall(r"<form .*?</form>", page, flags=re.S)
    posts = [form for form in forms if 'method="get"' not in form]  # the header's search box
    assert len(posts) >= 4  # sign out, me too, helpful, answer
    for form in posts:
        assert 'method="post"' in form
        assert 'name="csrf_token"' in form


def test_actions_without_the_token_change_nothing(client, csrf_on, scene):
    question, answer = scene
    viewer = make_user("viewer")
    db.session.commit()
    login_as(client, viewer)
    client.get(f"/questions/{question.id}/q")  # a session exists, as in a browser

    responses = [
        client.post(f"/questions/{question.id}/me-too", data={"action": "add"}),
        client.post(f"/answers/{answer.id}/helpful", data={"action": "add"}),
        client.post(f"/questions/{question.id}/answers", data={"body": "Forged"}),
        client.post("/companies/acme/ask", data={"title": "Forged question", "body": "x"}),
        client.post(f"/questions/{question.id}/edit", data={"title": "Forged title", "body": "x"}),
        client.post(f"/questions/{question.id}/me-too", data={"action": "add", "csrf_token": "x"}),
    ]

    assert [r.status_code for r in responses] == [400] * 6
    assert count(MeToo) == count(HelpfulVote) == 0
    assert count(Answer) == 1 and count(Question) == 1


def test_actions_with_the_token_work(client, csrf_on, scene):
    question, answer = scene
    viewer = make_user("viewer")
    db.session.commit()
    login_as(client, viewer)
    token = _token(text(client.get(f"/questions/{question.id}/q")))

    me_too = client.post(
        f"/questions/{question.id}/me-too", data={"action": "add", "csrf_token": token}
    )
    helpful = client.post(
        f"/answers/{answer.id}/helpful", data={"action": "add", "csrf_token": token}
    )
    answered = client.post(
        f"/questions/{question.id}/answers", data={"body": "Real answer", "csrf_token": token}
    )

    assert [r.status_code for r in (me_too, helpful, answered)] == [303, 303, 303]
    assert count(MeToo) == count(HelpfulVote) == 1
    assert count(Answer) == 2
