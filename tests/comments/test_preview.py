"""The Markdown preview (app/comments/preview.py): the preview equals what is saved, hostile
input is sanitized in it, the endpoint needs a verified account, a CSRF token and stays
within its limit, and every body form previews without JavaScript, saving nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.answers.models import Answer
from app.comments.models import Comment
from app.db import utcnow
from app.extensions import db
from app.questions.models import Question
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user

HOSTILE = (
    "Hi **there**. <script>alert(1)</script> [click](javascript:alert(2)) "
    '[ok](https://example.org/safe) <img src=x onerror="alert(3)"> ![pic](https://e.org/p.png)'
)


@pytest.fixture
def writer():
    user = make_user("writer", created_at=utcnow() - timedelta(days=7))
    db.session.commit()
    return user


def _preview(client, text: str, kind: str = "post"):
    return client.post("/preview", data={"text": text, "kind": kind})


def _assert_inert(html: str) -> None:
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # as text
    assert not re.search(r"href=\"?\s*javascript", html, flags=re.I)
    assert not re.search(r"<img[^>]*onerror", html)


@pytest.mark.parametrize("kind", ["post", "comment"])
def test_hostile_input_is_sanitized_in_the_preview(client, writer, kind):
    login_as(client, writer)

    response = _preview(client, HOSTILE, kind)

    html = response.get_json()["html"]
    assert response.status_code == 200
    _assert_inert(html)
    assert "<strong>there</strong>" in html
    assert '<a href="https://example.org/safe" rel="nofollow ugc">ok</a>' in html
    if kind == "comment":
        assert "<img" not in html  # no images in comments, not even safe ones


def test_the_preview_of_an_answer_is_what_is_saved(client, writer):
    question = make_question(make_company("Acme"))
    db.session.commit()
    login_as(client, writer)

    previewed = _preview(client, HOSTILE).get_json()["html"]
    client.post(f"/questions/{question.id}/answers", data={"body": HOSTILE})

    saved = db.session.scalars(sa.select(Answer)).one().body_html
    assert previewed == saved


def test_the_preview_of_a_question_is_what_is_saved(client, writer):
    make_company("Acme")
    db.session.commit()
    login_as(client, writer)

    previewed = _preview(client, HOSTILE).get_json()["html"]
    client.post(
        "/companies/acme/ask",
        data={"title": "A question with odd text", "body": HOSTILE, "seen_similar": "1"},
    )

    assert previewed == db.session.scalars(sa.select(Question)).one().body_html


def test_the_preview_of_a_comment_is_what_is_saved(client, writer):
    question = make_question(make_company("Acme"))
    db.session.commit()
    login_as(client, writer)

    previewed = _preview(client, HOSTILE, "comment").get_json()["html"]
    client.post(f"/questions/{question.id}/comments", data={"body": HOSTILE})

    assert previewed == db.session.scalars(sa.select(Comment)).one().body_html


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = _preview(client, "Hello")

    assert response.status_code in (302, 303)
    assert "/sign-in" in response.location


def test_an_unverified_account_cannot_preview(client):
    login_as(client, make_user("newcomer", email_verified=False))
    db.session.commit()

    assert _preview(client, "Hello").status_code == 403


def test_too_long_text_or_an_unknown_kind_is_refused(client, writer):
    login_as(client, writer)

    assert _preview(client, "x" * 20_001).status_code == 422
    assert _preview(client, "Hello", "poem").status_code == 422
    assert _preview(client, "x" * 20_000).status_code == 200


def test_previews_are_limited_per_account(client, app, writer, monkeypatch):
    monkeypatch.setitem(app.config, "PREVIEW_LIMITS", "3 per minute")
    login_as(client, writer)

    statuses = [_preview(client, f"Draft {n}").status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_the_preview_needs_the_csrf_token(client, app, writer, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(client, writer)
    page = client.get("/").get_data(as_text=True)  # the header's sign-out form: a token
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]

    without = _preview(client, "Hello")
    with_header = client.post("/preview", data={"text": "Hello"}, headers={"X-CSRFToken": token})

    assert without.status_code == 400
    assert with_header.status_code == 200
    assert with_header.get_json() == {"html": "<p>Hello</p>\n"}


# Without JavaScript: every form's Preview button --------------------------------------


@pytest.fixture
def posts(writer):
    """A claimed company where the writer is staff (so private details are offered), with a
    question and an answer of theirs."""
    acme = make_company("Acme", claimed_at=utcnow())
    make_staff(acme, writer, role="agent")
    question = make_question(acme, author=writer, title="Why does it beep?")
    answer = make_answer(question, author=writer)
    db.session.commit()
    return question, answer


def _forms(question: Question, answer: Answer) -> dict[str, tuple[str, dict[str, str]]]:
    body = {"body": "Try **this**. <script>x()</script>"}
    return {
        "ask": (
            "/companies/acme/ask",
            {"title": "A new question here", "kind": "question", **body},
        ),
        "answer": (f"/questions/{question.id}/answers", body),
        "edit question": (f"/questions/{question.id}/edit", {"title": question.title, **body}),
        "edit answer": (f"/answers/{answer.id}/edit", body),
        "comment": (f"/answers/{answer.id}/comments", body),
    }


@pytest.mark.parametrize("form", ["ask", "answer", "edit question", "edit answer", "comment"])
def test_the_preview_button_previews_without_saving(client, writer, posts, form):
    login_as(client, writer)
    url, data = _forms(*posts)[form]
    before = snapshot()

    response = client.post(url, data={**data, "preview": "1"})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert snapshot() == before
    assert "<p>Try <strong>this</strong>. &lt;script&gt;x()&lt;/script&gt;</p>" in page
    assert "Try **this**. &lt;script&gt;x()&lt;/script&gt;</textarea>" in page
    assert 'name="preview"' in page


def test_private_details_are_previewed_too(client, writer, posts):
    question, _ = posts
    login_as(client, writer)

    response = client.post(
        f"/questions/{question.id}/answers",
        data={"body": "See below.", "private_details": "Order *1234*", "preview": "1"},
    )

    page = response.get_data(as_text=True)
    assert "<p>Order <em>1234</em></p>" in page
    assert not db.session.scalars(sa.select(Answer).where(Answer.body == "See below.")).all()


@pytest.mark.parametrize("path", ["ask", "edit question", "edit answer", "comment"])
def test_every_body_form_has_a_preview_button(client, writer, posts, path):
    login_as(client, writer)
    url, _ = _forms(*posts)[path]

    page = client.get(url).get_data(as_text=True)

    assert re.search(r'<button type="submit" name="preview" value="1" formnovalidate', page)
    assert 'data-preview-url="/preview"' in page


def test_the_question_page_offers_a_preview_beside_the_answer_form(client, writer, posts):
    question, _ = posts
    login_as(client, writer)

    page = client.get(f"/questions/{question.id}/{question.slug}").get_data(as_text=True)

    assert page.count('data-preview-url="/preview"') >= 3  # the answer and two comment forms
    assert page.count('<script src="/static/js/helpsquare.js') == 1
