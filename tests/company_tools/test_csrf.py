"""The staff actions are POSTs carrying the CSRF token, like every other action."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.questions.models import Kind
from tests.checks import snapshot
from tests.company_tools.helpers import make_acme
from tests.conftest import login_as
from tests.factories import make_answer, make_question


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture
def scene():
    acme = make_acme()
    question = make_question(acme.company, kind=Kind.PROBLEM, slug="q")
    answer = make_answer(question, author=acme.peer)
    return acme, question, answer


def test_the_staff_forms_carry_the_token(client, csrf_on, scene):
    acme, question, answer = scene
    db.session.commit()
    login_as(client, acme.jane)

    page = client.get(f"/questions/{question.id}/q").get_data(as_text=True)

    forms = {
        action: form
        for form in re.findall(r"<form .*?</form>", page, flags=re.S)
        for action in re.findall(r'action="([^"]+)"', form)
    }
    for action in (f"/questions/{question.id}/status", f"/answers/{answer.id}/endorse"):
        assert 'method="post"' in forms[action]
        assert re.search(r'name="csrf_token" value="[^"]+"', forms[action])
    # The status form adds no second element with the answer form's id="csrf_token".
    assert page.count('id="csrf_token"') <= 1


def test_staff_actions_without_the_token_change_nothing(client, csrf_on, scene):
    acme, question, answer = scene
    db.session.commit()
    login_as(client, acme.jane)
    client.get(f"/questions/{question.id}/q")  # a session exists, as in a browser
    before = snapshot()

    responses = [
        client.post(f"/questions/{question.id}/status", data={"status": "solved"}),
        client.post(f"/answers/{answer.id}/endorse", data={"action": "add"}),
    ]

    assert [r.status_code for r in responses] == [400, 400]
    assert snapshot() == before
