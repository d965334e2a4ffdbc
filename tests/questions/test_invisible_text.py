"""A title or body that shows nothing — only whitespace, zero-width, invisible or control
characters — is refused like an empty one, on every way in (security.md, "Abuse"; api.md
Part 2: "A title or body with no visible character is 422")."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.answers import services as answers
from app.answers.models import Answer
from app.companies import services as companies
from app.errors import ValidationError
from app.extensions import db
from app.products import services as products
from app.questions import services as questions
from app.questions.models import Question
from tests.accounts.helpers import field_error
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user

# Each is text to a program and nothing to a reader.
NOTHING = [
    pytest.param("\u200b\u200b\u200b\u200b\u200b\u200b", id="zero-width spaces"),
    pytest.param("\u200c\u200d\u2060\ufeff\u2063\u2064", id="joiners and invisible operators"),
    pytest.param(" \u00a0\u2800\u3000\u2800 \u3164\u3164", id="blank-looking characters"),
    pytest.param("\u202e\u2066\u2069\u200f\u200e\u061c", id="direction controls"),
    pytest.param("\u00ad\u00ad\u00ad\u00ad\u00ad\u00ad", id="soft hyphens"),
    pytest.param("\ufe0f\ufe0f\ufe0f\u034f\u034f\u034f", id="selectors and grapheme joiners"),
]
GOOD_TITLE = "Why does the sync stop?"
GOOD_BODY = "It stops every night."


def _questions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question))


def _answers() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Answer))


# The services ---------------------------------------------------------------------------------


@pytest.mark.parametrize("nothing", NOTHING)
def test_a_question_whose_title_and_body_show_nothing_is_refused(nothing):
    with pytest.raises(ValidationError) as refused:
        questions.ask_question(make_user(), make_company(), title=nothing, body=nothing)

    assert set(refused.value.fields) == {"title", "body"}
    assert "cannot be empty" in refused.value.fields["body"]
    assert _questions() == 0


@pytest.mark.parametrize("nothing", NOTHING)
def test_an_answer_that_shows_nothing_is_refused(nothing):
    question = make_question()

    with pytest.raises(ValidationError) as refused:
        answers.post_answer(make_user(), question, body=nothing)

    assert refused.value.fields == {
        "body": "Your answer cannot be empty: it has only invisible characters."
    }
    assert _answers() == 0


def test_editing_a_post_into_nothing_is_refused():
    question = make_question(title=GOOD_TITLE, body=GOOD_BODY)
    answer = make_answer(question, body="Restart it.")

    with pytest.raises(ValidationError):
        questions.edit_question(question.author, question, title=GOOD_TITLE, body="\u200b")
    with pytest.raises(ValidationError):
        answers.edit_answer(answer.author, answer, body="\u200b\u200d")

    db.session.expire_all()
    assert (question.body, answer.body) == (GOOD_BODY, "Restart it.")


def test_the_minimum_length_counts_what_a_reader_sees():
    """Five characters for a title: "Hi" padded with zero-width spaces is two."""
    with pytest.raises(ValidationError) as refused:
        questions.ask_question(make_user(), make_company(), title="Hi\u200b\u200b\u200b", body="x")

    assert refused.value.fields == {"title": "The title needs at least 5 characters."}


def test_text_with_something_visible_keeps_its_invisible_characters():
    """Zero-width joiners build emoji and some scripts need them: only text of nothing else
    is refused."""
    body = "Works for me \U0001f469\u200d\U0001f4bb and \u0645\u06cc\u200c\u062e\u0648\u0627\u0645"

    question = questions.ask_question(make_user(), make_company(), title=GOOD_TITLE, body=body)

    assert question.body == body


def test_a_company_or_product_name_that_shows_nothing_is_refused():
    with pytest.raises(ValidationError) as refused:
        companies.create_company(make_user(), name="\u2800\u2800\u2800", domain="acme.com")
    assert "name" in refused.value.fields

    with pytest.raises(ValidationError) as refused:
        products.create_product(make_user(), make_company(), name="\u3164\u3164")
    assert "name" in refused.value.fields


def test_a_description_that_shows_nothing_is_no_description():
    company = companies.create_company(
        make_user(), name="Acme", domain="acme.com", description="\u200b\u200b\u200b"
    )

    assert company.description == ""


# The JSON API --------------------------------------------------------------------------------


def test_the_api_answers_422_at_the_fields(client):
    company = make_company("Acme", slug="acme", domain="acme.com")
    question = make_question(company, title=GOOD_TITLE, body=GOOD_BODY)
    api = Api(client, make_user())
    save()
    before = snapshot()

    asked = api.post("/companies/acme/questions", {"title": "\u200b" * 10, "body": "\u200b"})
    answered = api.post(f"/questions/{question.id}/answers", {"body": "\u2060\u2060\u2060"})

    assert asked.status_code == 422
    assert set(error_of(asked)["fields"]) == {"title", "body"}
    assert answered.status_code == 422
    assert set(error_of(answered)["fields"]) == {"body"}
    assert snapshot() == before


# The forms -----------------------------------------------------------------------------------


def test_the_answer_form_refuses_nothing_at_the_field(client):
    question = make_question(title=GOOD_TITLE, body=GOOD_BODY, slug="sync")
    login_as(client, make_user())
    save()

    response = client.post(f"/questions/{question.id}/answers", data={"body": "\u200b\u200b"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot be empty: it has only invisible characters" in field_error(page, "body")
    assert _answers() == 0


def test_the_ask_form_refuses_nothing_and_keeps_the_title(client):
    make_company("Acme", slug="acme", domain="acme.com")
    login_as(client, make_user())
    save()

    response = client.post(
        "/companies/acme/ask", data={"title": GOOD_TITLE, "body": "\u200b\u2800\u200d"}
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The details cannot be empty" in field_error(page, "body")
    assert GOOD_TITLE in page
    assert _questions() == 0
