"""The limits on writing on the pages: the ask form and the answer form come back with
the sentence at the top (or at the field), everything typed kept, 429 with Retry-After."""

from __future__ import annotations

import re
from datetime import timedelta

from markupsafe import escape

from app.db import utcnow
from app.extensions import db
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_user
from tests.limits.conftest import HOME, OFFICE
from tests.questions.helpers import text

THREE_LINKS = "See https://a.example.com, b.example.org and [c](https://c.example.com)."


def _ask(client, n: int, address: str = OFFICE, **fields):  # noqa: ANN001, ANN202
    data = {
        "title": f"Question number {n} about syncing",
        "body": f"The details of question {n}.",
        "seen_similar": "1",  # past "is your question already here?"
        **fields,
    }
    return client.post("/companies/acme/ask", data=data, environ_base={"REMOTE_ADDR": address})


def _answer(client, question, body: str, address: str = OFFICE):  # noqa: ANN001, ANN202
    return client.post(
        f"/questions/{question.id}/answers",
        data={"body": body},
        environ_base={"REMOTE_ADDR": address},
    )


def _form_errors(page: str) -> list[str]:
    block = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', page, flags=re.S)
    return re.findall(r"<p>(.*?)</p>", block.group(1), flags=re.S) if block else []


def _field_error(page: str, field: str) -> str | None:
    found = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page, flags=re.S)
    return found.group(1) if found else None


def test_the_sixth_question_comes_back_with_the_sentence_and_the_text_kept(client, clock):
    make_company("Acme")
    ada = make_user("ada", created_at=clock.now - timedelta(days=30))
    db.session.commit()
    login_as(client, ada)
    for n in range(5):
        assert _ask(client, n).status_code == 303
    clock.move(minutes=20)
    before = snapshot()

    response = _ask(client, 5, title="Sixth question & <more>", body="Typed *carefully*.")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(40 * 60)
    page = text(response)
    assert _form_errors(page) == [
        "You have asked 5 questions in the last hour, the most Helpsquare allows. "
        "You can ask another question in 40 minutes."
    ]
    assert 'value="Sixth question &amp; &lt;more&gt;"' in page
    assert "\nTyped *carefully*.</textarea>" in page
    assert snapshot() == before


def test_the_address_limit_is_shown_on_the_ask_form_too(client, clock):
    make_company("Acme")
    ada = make_user("ada", created_at=clock.now - timedelta(days=30))
    bea = make_user("bea", created_at=clock.now - timedelta(days=30))
    db.session.commit()
    login_as(client, ada)
    for n in range(5):
        assert _ask(client, n).status_code == 303
    login_as(client, bea)

    refused = _ask(client, 5)
    elsewhere = _ask(client, 6, address=HOME)

    assert refused.status_code == 429
    assert _form_errors(text(refused))[0].startswith(
        "5 questions were asked from your network address in the last hour"
    )
    assert elsewhere.status_code == 303


def test_the_eleventh_answer_on_the_first_day_comes_back_on_the_question_page(client, clock):
    question = make_question(title="Why does the widget beep?")
    newbie = make_user("newbie")
    db.session.commit()
    login_as(client, newbie)
    for n in range(10):
        assert _answer(client, question, f"Answer number {n}.").status_code == 303
    clock.move(hours=3)
    before = snapshot()

    response = _answer(client, question, "My eleventh <answer> & more.")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(21 * 3600)
    page = text(response)
    assert "Why does the widget beep?" in page  # the question page, with the form at its end
    assert _form_errors(page) == [
        "New accounts can post 10 answers in their first day. "
        "You can post another answer in 21 hours."
    ]
    assert "\nMy eleventh &lt;answer&gt; &amp; more.</textarea>" in page
    assert snapshot() == before


def test_three_links_on_the_first_day_are_refused_at_the_details(client, clock):
    make_company("Acme")
    newbie = make_user("newbie")
    db.session.commit()
    login_as(client, newbie)
    before = snapshot()

    response = _ask(client, 1, body=THREE_LINKS)

    assert response.status_code == 422
    assert "Retry-After" not in response.headers
    page = text(response)
    assert _field_error(page, "body") == escape(
        "New accounts can include at most 2 links (or images) in a post in their first "
        "day; this one has 3. Remove one, or post it in 24 hours."
    )
    assert f"\n{escape(THREE_LINKS)}</textarea>" in page
    assert snapshot() == before
    clock.move(days=1)
    assert _ask(client, 1, body=THREE_LINKS).status_code == 303


def test_the_same_answer_twice_is_refused_at_the_answer(client, clock):
    first, second = make_question(), make_question()
    ada = make_user("ada", created_at=utcnow() - timedelta(days=30))
    db.session.commit()
    login_as(client, ada)
    assert _answer(client, first, "Have you tried the reset button?").status_code == 303
    clock.move(minutes=4)
    before = snapshot()

    response = _answer(client, second, "Have you tried the reset button?")

    assert response.status_code == 422
    page = text(response)
    assert _field_error(page, "body") == (
        "You posted this same text 4 minutes ago. Change it, or post it again in 6 minutes."
    )
    assert "\nHave you tried the reset button?</textarea>" in page
    assert snapshot() == before
