"""Asking a question: the form, the rules at each field, the counters."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import url_for
from flask_login import AnonymousUserMixin
from markupsafe import escape

from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.questions import services
from app.questions.models import Feeling, Kind, Question, Status
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_user
from tests.questions.helpers import (
    assert_counters_match_rows,
    count,
    is_sign_in_redirect,
    path_of,
    text,
)

GOOD = {
    "title": "Sync stops after the 4.2 update",
    "body": "Since updating, **sync** stops after a few minutes.",
}


@pytest.fixture
def asker():
    return make_user("asker")


@pytest.fixture
def acme():
    company = make_company("Acme")
    make_product(company, "Drive")
    make_product(company, "Mail")
    return company


def test_asking_posts_the_question_and_leads_to_its_page(client, asker, acme):
    db.session.commit()
    login_as(client, asker)

    response = client.post("/companies/acme/ask", data=GOOD)

    assert response.status_code == 303
    question = db.session.scalars(sa.select(Question)).one()
    assert response.location == f"/questions/{question.id}/sync-stops-after-the-4-2-update"
    page = text(client.get(response.location))
    assert "<h1" in page and "Sync stops after the 4.2 update</h1>" in page
    assert "<p>Since updating, <strong>sync</strong> stops after a few minutes.</p>" in page
    assert "Your question is posted." in page
    assert question.kind == Kind.QUESTION
    assert question.status == Status.OPEN
    assert question.feeling is None and question.product_id is None
    assert question.author_id == asker.id
    assert question.last_activity_at == question.created_at
    assert acme.question_count == 1
    assert_counters_match_rows()


def test_asking_about_a_product_with_a_kind_and_a_feeling(client, asker, acme):
    db.session.commit()
    login_as(client, asker)

    response = client.post(
        "/companies/acme/ask",
        data={**GOOD, "kind": "problem", "feeling": "frustrated", "product": "drive"},
    )

    assert response.status_code == 303
    question = db.session.scalars(sa.select(Question)).one()
    assert (question.kind, question.feeling) == (Kind.PROBLEM, Feeling.FRUSTRATED)
    assert question.product.slug == "drive"
    assert question.product.question_count == 1
    page = text(client.get(response.location))
    assert "Problem</span>" in page
    assert "Feeling frustrated" in page
    drive = url_for("products.show", company_slug="acme", product_slug="drive")
    assert f'href="{path_of(drive)}">Drive</a>' in page
    assert_counters_match_rows()


def test_the_ask_form_offers_kinds_feelings_and_the_company_products(client, asker, acme):
    db.session.commit()
    login_as(client, asker)

    page = text(client.get("/companies/acme/ask?product=mail"))

    assert "<fieldset" in page and "<legend" in page
    for kind in Kind:
        assert f'value="{kind.value}"' in page
    assert '<input checked id="kind-0" name="kind" type="radio" value="question">' in page
    assert '<option selected value="mail">Mail</option>' in page
    assert '<option value="drive">Drive</option>' in page
    assert '<option value="frustrated">Frustrated</option>' in page
    assert "Markdown works" in page
    assert count(Question) == 0


LONG_TITLE = "x" * 201
LONG_BODY = "y" * 20_001


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Give your question a title."),
        ({"title": "   "}, "title", "Give your question a title."),
        ({"title": "abc"}, "title", "The title needs 5 to 200 characters."),
        ({"title": LONG_TITLE}, "title", "The title needs 5 to 200 characters."),
        ({"body": ""}, "body", "Please write a few words."),
        ({"body": LONG_BODY}, "body", "at most 20,000 characters"),
        ({"title": "Nul \x00 in the title"}, "title", "NUL characters"),
        ({"body": "Nul \x00 in the body"}, "body", "NUL characters"),
        ({"kind": "rant"}, "kind", "Choose one of: question, problem, idea or praise."),
        ({"feeling": "furious"}, "feeling", "Choose one of the feelings listed, or none."),
        ({"product": "anvil"}, "product", "Choose one of this company's products, or none."),
    ],
)
def test_bad_input_is_refused_at_the_field_and_kept(client, asker, acme, fields, field, message):
    other = make_company("Other Co")
    make_product(other, "Anvil")
    db.session.commit()
    login_as(client, asker)
    data = {**GOOD, **fields}

    response = client.post("/companies/acme/ask", data=data)

    assert response.status_code == 422
    page = text(response)
    assert f'id="{field}-error"' in page
    error = page[page.index(f'id="{field}-error"') :]
    assert str(escape(message)) in error[: error.index("</p>")]
    # What the user typed is still there (minus anything the form refuses to echo).
    if field != "title":
        assert 'value="Sync stops after the 4.2 update"' in page
    if field != "body":
        assert "Since updating, **sync** stops after a few minutes." in page
    assert count(Question) == 0
    assert_counters_match_rows()


def test_too_long_title_is_kept_for_the_user_to_shorten(client, asker, acme):
    db.session.commit()
    login_as(client, asker)

    page = text(client.post("/companies/acme/ask", data={**GOOD, "title": "t" * 201}))

    assert "t" * 201 in page
    assert count(Question) == 0


def test_asking_an_unknown_company_is_not_found(client, asker):
    db.session.commit()
    login_as(client, asker)

    assert client.get("/companies/nobody/ask").status_code == 404
    assert client.post("/companies/nobody/ask", data=GOOD).status_code == 404
    assert count(Question) == 0


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_created(client, acme):
    db.session.commit()

    form = client.get("/companies/acme/ask")
    post = client.post("/companies/acme/ask", data=GOOD)

    assert is_sign_in_redirect(form)
    assert "next=/companies/acme/ask" in form.location
    assert is_sign_in_redirect(post)
    assert count(Question) == 0
    assert acme.question_count == 0


# The service on its own: the JSON API will call it without a form. ------------------------


def test_service_converts_strings_and_folds_title_whitespace(asker, acme):
    question = services.ask_question(
        asker,
        acme,
        title="  Where   is\nthe export?  ",
        body="  Body  ",
        kind="idea",
        feeling="happy",
    )

    assert question.title == "Where is the export?"
    assert question.body == "Body"
    assert (question.kind, question.feeling) == (Kind.IDEA, Feeling.HAPPY)
    assert question.slug == "where-is-the-export"


def test_service_refuses_a_product_of_another_company(asker, acme):
    foreign = make_product(make_company("Elsewhere"), "Gadget")

    with pytest.raises(ValidationError) as refused:
        services.ask_question(asker, acme, product=foreign, **GOOD)

    assert set(refused.value.fields) == {"product"}
    assert count(Question) == 0


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"kind": "rant"}, {"kind"}),
        ({"feeling": "meh"}, {"feeling"}),
        ({"title": "a" * 201, "body": "b" * 20_001}, {"title", "body"}),
        ({"title": 42}, {"title"}),
        ({"body": None}, {"body"}),
    ],
)
def test_service_refuses_every_bad_field_at_once(asker, acme, fields, bad):
    with pytest.raises(ValidationError) as refused:
        services.ask_question(asker, acme, **{**GOOD, **fields})

    assert set(refused.value.fields) == bad
    assert count(Question) == 0


def test_service_refuses_anonymous_askers(acme):
    with pytest.raises(PermissionDenied):
        services.ask_question(AnonymousUserMixin(), acme, **GOOD)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("¿¿¿ ??? !!!", "question"),
        ("Edit!!", "edit-question"),
        ("Café señor: ça marche?", "cafe-senor-ca-marche"),
        ("word " * 40, ("word-" * 16)[:-1]),
    ],
)
def test_slugs_are_short_ascii_and_never_an_action_name(asker, acme, title, slug):
    question = services.ask_question(asker, acme, title=title, body="Body")

    assert question.slug == slug
    assert len(question.slug) <= 80
