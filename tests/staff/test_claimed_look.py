"""The claimed look: a claimed company says so, and only its admins keep its pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.products.models import Product
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_staff, make_user
from tests.staff.helpers import acme, save, text

CLAIMED = "Claimed by Acme on 3 March 2026 · staff verified at acme.com"
UNCLAIMED = "has not joined Helpsquare yet. Answers here come from fellow customers."
STAFF_LINK = '<a href="/companies/acme/staff">staff verified at acme.com</a>'


def _products() -> list[tuple[str, str]]:
    db.session.expire_all()
    return list(
        db.session.execute(sa.select(Product.name, Product.description).order_by(Product.id))
    )


# What the pages say ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/companies/acme", "/companies/acme/products/anvil"])
def test_a_claimed_company_and_its_products_say_who_claimed_them(client, path):
    company, _jane = acme()
    make_product(company, "Anvil", slug="anvil")
    save()

    response = client.get(path)

    assert response.status_code == 200
    page = text(response)
    assert CLAIMED in page
    assert STAFF_LINK in response.get_data(as_text=True)
    assert UNCLAIMED not in page


@pytest.mark.parametrize("path", ["/companies/acme", "/companies/acme/products/anvil"])
def test_an_unclaimed_company_keeps_the_community_wording(client, path):
    company = make_company("Acme", slug="acme", domain="acme.com")
    make_product(company, "Anvil", slug="anvil")
    save()

    page = text(client.get(path))

    assert f"Acme {UNCLAIMED}" in page
    assert "Claimed by" not in page
    assert "staff verified" not in page


def test_the_staff_link_leads_to_the_staff(client):
    acme()
    save()

    response = client.get("/companies/acme/staff")

    assert response.status_code == 200
    assert "Jane Doe" in text(response)


# Who sees the edit links -----------------------------------------------------------------


def _links(client, user) -> dict[str, bool]:  # noqa: ANN001
    if user is not None:
        login_as(client, user)
    company_page = text(client.get("/companies/acme"))
    product_page = text(client.get("/companies/acme/products/anvil"))
    return {
        "edit page": "Edit page" in company_page,
        "add product": "Add a product" in company_page,
        "edit product": "Edit product" in product_page,
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("company admin", True),
        ("site admin", True),
        ("agent", False),
        ("product creator", False),
        ("plain user", False),
        ("visitor", False),
    ],
)
def test_edit_links_of_a_claimed_company_show_only_to_its_admins(client, who, sees):
    company, jane = acme()
    creator = make_user("creator")
    make_product(company, "Anvil", slug="anvil", created_by_id=creator.id)
    user = {
        "company admin": jane,
        "site admin": make_user("moderator1", is_admin=True),
        "agent": make_staff(company).user,
        "product creator": creator,
        "plain user": make_user(),
        "visitor": None,
    }[who]
    save()

    assert _links(client, user) == {"edit page": sees, "add product": sees, "edit product": sees}


# Who may edit ----------------------------------------------------------------------------


def test_a_company_admin_edits_the_company_and_its_products(client):
    company, jane = acme()
    make_product(company, "Anvil", slug="anvil")
    save()
    login_as(client, jane)

    edited = client.post(
        "/companies/acme/edit",
        data={"description": "Anvils since 1949.", "website": "https://acme.com/"},
    )
    created = client.post(
        "/companies/acme/products/new", data={"name": "Rocket Skates", "description": "Fast."}
    )
    renamed = client.post(
        "/companies/acme/products/anvil/edit",
        data={"name": "Anvil Pro", "description": "Heavier."},
    )

    assert [edited.status_code, created.status_code, renamed.status_code] == [303, 303, 303]
    db.session.expire_all()
    assert (company.description, company.website) == ("Anvils since 1949.", "https://acme.com/")
    assert _products() == [("Anvil Pro", "Heavier."), ("Rocket Skates", "Fast.")]


@pytest.mark.parametrize("who", ["product creator", "company creator", "agent", "plain user"])
def test_others_can_no_longer_edit_a_claimed_company(client, who):
    creator = make_user("creator")
    company, _jane = acme(created_by_id=creator.id)
    make_product(company, "Anvil", slug="anvil", created_by_id=creator.id)
    user = {
        "product creator": creator,
        "company creator": creator,
        "agent": make_staff(company).user,
        "plain user": make_user(),
    }[who]
    save()
    login_as(client, user)
    before = snapshot()

    responses = [
        client.get("/companies/acme/edit"),
        client.post("/companies/acme/edit", data={"description": "Hacked", "website": ""}),
        client.get("/companies/acme/products/new"),
        client.post("/companies/acme/products/new", data={"name": "Fake", "description": ""}),
        client.get("/companies/acme/products/anvil/edit"),
        client.post("/companies/acme/products/anvil/edit", data={"name": "Hacked"}),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    assert snapshot() == before


def test_before_the_claim_anyone_signed_in_adds_products_and_the_creator_edits_them(client):
    company = make_company("Acme", slug="acme", domain="acme.com")
    creator = make_user("creator")
    make_product(company, "Anvil", slug="anvil", created_by_id=creator.id)
    save()
    login_as(client, creator)

    assert (
        client.post("/companies/acme/products/anvil/edit", data={"name": "Anvil 2"}).status_code
        == 303
    )
    login_as(client, make_user())
    save()
    assert client.post("/companies/acme/products/new", data={"name": "Skates"}).status_code == 303

    assert [name for name, _ in _products()] == ["Anvil 2", "Skates"]
