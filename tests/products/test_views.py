"""Product pages as a visitor, a signed-in user and a site admin see and use them."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import g, url_for

from app.companies.models import Company
from app.db import utcnow
from app.extensions import db
from app.products.models import NAME_MAX, Product
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_question, make_user

UNCLAIMED = "has not joined Helpsquare yet. Answers here come from fellow customers."


def _path(endpoint: str, **values: str) -> str:
    return url_for(endpoint, _external=False, **values)


def _text(response) -> str:  # noqa: ANN001 - a test response
    return html.unescape(response.get_data(as_text=True))


def _save() -> None:
    """Commit what the test arranged: an error page rolls the session back, and the test
    shares its session with the requests it makes, so uncommitted rows would vanish."""
    db.session.commit()


def _products() -> list[tuple[str, str]]:
    return list(db.session.execute(sa.select(Product.name, Product.slug).order_by(Product.id)))


def _product_count(slug: str) -> int:
    return db.session.execute(
        sa.select(Company.product_count).where(Company.slug == slug)
    ).scalar_one()


# Adding a product --------------------------------------------------------------------------


def test_any_signed_in_user_adds_a_product_to_an_unclaimed_company(client):
    make_company("Acme", slug="acme")
    user = make_user()
    login_as(client, user)

    form = client.get("/companies/acme/products/new")
    response = client.post(
        "/companies/acme/products/new", data={"name": "Rocket Skates", "description": "Fast."}
    )

    assert form.status_code == 200
    assert '<label class="field__label" for="name">Product name</label>' in _text(form)
    assert response.status_code == 303
    assert response.location == "/companies/acme/products/rocket-skates"
    assert _products() == [("Rocket Skates", "rocket-skates")]
    assert _product_count("acme") == 1
    page = _text(client.get(response.location))
    assert "<h1>Rocket Skates</h1>" in page
    assert "Rocket Skates is listed under Acme now." in page


def test_the_company_page_offers_to_add_a_product(client):
    make_company("Acme", slug="acme")
    login_as(client, make_user())

    page = _text(client.get("/companies/acme"))

    assert '<a href="/companies/acme/products/new">Add a product</a>' in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_created(client, method):
    make_company("Acme", slug="acme")
    _save()

    response = getattr(client, method)("/companies/acme/products/new", data={"name": "Anvil"})

    assert response.status_code == 302
    assert urlsplit(response.location).path == _path("accounts.sign_in")
    assert _products() == []


def test_a_plain_user_cannot_add_a_product_to_a_claimed_company(client):
    make_company("Acme", slug="acme", claimed_at=utcnow())
    login_as(client, make_user())
    _save()

    page = _text(client.get("/companies/acme"))
    form = client.get("/companies/acme/products/new")
    response = client.post("/companies/acme/products/new", data={"name": "Anvil"})

    assert "Add a product" not in page
    assert form.status_code == 403
    assert response.status_code == 403
    assert _products() == []
    assert _product_count("acme") == 0


def test_a_site_admin_adds_a_product_to_a_claimed_company(client):
    make_company("Acme", slug="acme", claimed_at=utcnow())
    login_as(client, make_user(is_admin=True))

    response = client.post("/companies/acme/products/new", data={"name": "Anvil"})

    assert response.status_code == 303
    assert _products() == [("Anvil", "anvil")]
    assert _product_count("acme") == 1


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "Enter a name."),
        ("A", "Use 2 to 100 characters."),
        ("A" * (NAME_MAX + 1), "Use 2 to 100 characters."),
        ("Anv\x00il", "NUL character"),
    ],
)
def test_a_bad_name_is_shown_at_its_field_keeping_what_was_typed(client, name, why):
    make_company("Acme", slug="acme")
    login_as(client, make_user())

    response = client.post(
        "/companies/acme/products/new", data={"name": name, "description": "Typed"}
    )

    assert response.status_code == 422
    page = _text(response)
    assert '<p class="field__error" id="name-error">' in page
    assert why in page
    assert "Typed</textarea>" in page
    assert _products() == []
    assert _product_count("acme") == 0


def test_a_product_the_company_already_lists_is_refused_with_a_link_to_it(client):
    company = make_company("Acme", slug="acme")
    make_product(company, "Anvil", slug="anvil")
    login_as(client, make_user())

    response = client.post("/companies/acme/products/new", data={"name": "ANVIL"})

    assert response.status_code == 422
    page = _text(response)
    assert "Acme already has a product called Anvil." in page
    assert '<a href="/companies/acme/products/anvil">go to Anvil</a>' in page
    assert 'value="ANVIL"' in page
    assert _products() == [("Anvil", "anvil")]


def test_a_product_called_new_gets_a_page_that_is_not_the_form(client):
    make_company("Acme", slug="acme")
    login_as(client, make_user())

    response = client.post("/companies/acme/products/new", data={"name": "New"})

    assert response.location == "/companies/acme/products/new-2"
    assert "<h1>New</h1>" in _text(client.get(response.location))


# A product's page --------------------------------------------------------------------------


def test_the_product_page_shows_its_questions_and_the_unclaimed_notice(client):
    company = make_company("Acme", slug="acme")
    anvil = make_product(company, "Anvil", slug="anvil", description="Heavy.\n\nDrops fast.")
    skates = make_product(company, "Rocket Skates", slug="rocket-skates")
    asked = make_question(company, product=anvil, title="Why did my anvil fall upward?")
    make_question(company, product=skates, title="Skates go backwards")
    make_question(company, title="About Acme in general")

    response = client.get("/companies/acme/products/anvil")

    assert response.status_code == 200
    page = _text(response)
    assert "<h1>Anvil</h1>" in page
    assert 'A product of <a href="/companies/acme">Acme</a>' in page
    assert "<p>Heavy.</p>" in page
    assert "<p>Drops fast.</p>" in page
    assert "Why did my anvil fall upward?" in page
    assert _path("questions.show", question_id=asked.id, slug=asked.slug) in page
    assert "Skates go backwards" not in page
    assert "About Acme in general" not in page
    assert f'<p class="notice">Acme {UNCLAIMED}</p>' in page
    ask = _path("questions.ask", company_slug="acme", product="anvil")
    assert f'href="{ask}">Ask about this product</a>' in page


def test_a_claimed_companys_product_has_no_unclaimed_notice(client):
    make_product(make_company("Acme", slug="acme", claimed_at=utcnow()), "Anvil", slug="anvil")

    page = _text(client.get("/companies/acme/products/anvil"))

    assert "<h1>Anvil</h1>" in page
    assert "has not joined" not in page


def test_a_product_without_questions_says_so(client):
    make_product(make_company("Acme", slug="acme"), "Anvil", slug="anvil")

    page = _text(client.get("/companies/acme/products/anvil", query_string={"sort": "unanswered"}))

    assert "Every question about Anvil has at least one answer." in page


@pytest.mark.parametrize("cursor", ["garbage", "WzEsMF0", "W3s" * 2000])
def test_a_bad_cursor_is_a_400(client, cursor):
    make_product(make_company("Acme", slug="acme"), "Anvil", slug="anvil")

    response = client.get("/companies/acme/products/anvil", query_string={"cursor": cursor})

    assert response.status_code == 400


def test_an_unknown_sort_falls_back_to_recent_activity(client):
    make_product(make_company("Acme", slug="acme"), "Anvil", slug="anvil")

    response = client.get("/companies/acme/products/anvil", query_string={"sort": "loudest"})

    assert response.status_code == 200
    assert 'aria-current="page">Recent activity</a>' in _text(response)


@pytest.mark.parametrize(
    "url",
    [
        "/companies/acme/products/nothing",
        "/companies/nobody/products/anvil",
        "/companies/other/products/anvil",  # a product of another company
        "/companies/acme/products/nothing/edit",
        "/companies/acme/products/%00",
    ],
)
def test_an_unknown_product_is_a_404(client, url):
    make_product(make_company("Acme", slug="acme"), "Anvil", slug="anvil")
    make_company("Other", slug="other")
    login_as(client, make_user(is_admin=True))

    assert client.get(url).status_code == 404


# Editing a product -------------------------------------------------------------------------


def test_the_creator_renames_a_product_and_old_links_keep_working(client):
    creator = make_user()
    make_product(make_company("Acme", slug="acme"), "Anvil", slug="anvil", created_by_id=creator.id)
    login_as(client, creator)

    page = _text(client.get("/companies/acme/products/anvil"))
    form = client.get("/companies/acme/products/anvil/edit")
    response = client.post(
        "/companies/acme/products/anvil/edit",
        data={"name": "Anvil Deluxe", "description": "Now heavier."},
    )

    assert 'href="/companies/acme/products/anvil/edit"' in page
    assert 'value="Anvil"' in _text(form)
    assert response.status_code == 303
    assert response.location == "/companies/acme/products/anvil"
    renamed = _text(client.get("/companies/acme/products/anvil"))
    assert "<h1>Anvil Deluxe</h1>" in renamed
    assert "Now heavier." in renamed
    assert _products() == [("Anvil Deluxe", "anvil")]


def test_another_user_may_not_edit_a_product(client):
    company = make_company("Acme", slug="acme")
    make_product(company, "Anvil", slug="anvil", created_by_id=make_user().id)
    login_as(client, make_user())
    _save()

    page = _text(client.get("/companies/acme/products/anvil"))
    form = client.get("/companies/acme/products/anvil/edit")
    response = client.post("/companies/acme/products/anvil/edit", data={"name": "Hacked"})

    assert "/companies/acme/products/anvil/edit" not in page
    assert form.status_code == 403
    assert response.status_code == 403
    assert _products() == [("Anvil", "anvil")]


def test_an_edit_with_a_bad_name_keeps_what_was_typed(client):
    creator = make_user()
    make_product(make_company("Acme", slug="acme"), "Anvil", slug="anvil", created_by_id=creator.id)
    login_as(client, creator)

    response = client.post(
        "/companies/acme/products/anvil/edit", data={"name": "X", "description": "Typed"}
    )

    assert response.status_code == 422
    page = _text(response)
    assert "<h1>Edit Anvil</h1>" in page
    assert 'value="X"' in page
    assert "Typed</textarea>" in page
    assert _products() == [("Anvil", "anvil")]


def test_renaming_to_a_name_the_company_already_lists_links_to_that_product(client):
    creator = make_user()
    company = make_company("Acme", slug="acme")
    make_product(company, "Anvil", slug="anvil")
    make_product(company, "Skates", slug="skates", created_by_id=creator.id)
    login_as(client, creator)

    response = client.post("/companies/acme/products/skates/edit", data={"name": "anvil"})

    assert response.status_code == 422
    page = _text(response)
    assert "Acme already has a product called Anvil." in page
    assert '<a href="/companies/acme/products/anvil">go to Anvil</a>' in page
    assert _products() == [("Anvil", "anvil"), ("Skates", "skates")]


# Query counts ------------------------------------------------------------------------------


def _statements_for(client, count_queries, url: str) -> list[str]:  # noqa: ANN001
    """The SQL one request runs, starting from a clean session as a real request would."""
    db.session.expunge_all()
    g.pop("_login_user", None)
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements


def test_the_product_page_runs_the_same_queries_for_few_and_many(client, count_queries):
    login_as(client, make_user())
    urls = []
    for name, questions in [("Small", 5), ("Large", 50)]:
        company = make_company(name)
        product = make_product(company, f"{name} product")
        for _ in range(questions):
            make_question(company, product=product, author=make_user())
        urls.append(f"/companies/{company.slug}/products/{product.slug}")

    few = _statements_for(client, count_queries, urls[0])
    many = _statements_for(client, count_queries, urls[1])

    assert len(few) == len(many)
    # the signed-in user, the product with its company, whether the user follows it, a page
    # of questions
    assert len(many) <= 4
