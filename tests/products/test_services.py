"""The product rules, on the services: who may add and edit, slugs, the company's count."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.companies.models import Company
from app.db import utcnow
from app.errors import Conflict, PermissionDenied, ValidationError
from app.extensions import db
from app.products import queries, services
from app.products.models import DESCRIPTION_MAX, NAME_MAX, Product
from tests.factories import make_company, make_product, make_user


def _product_count(company: Company) -> int:
    """The company's stored counter, read from the database."""
    return db.session.execute(
        sa.select(Company.product_count).where(Company.id == company.id)
    ).scalar_one()


def _products(company: Company) -> list[str]:
    return list(
        db.session.execute(
            sa.select(Product.name).where(Product.company_id == company.id).order_by(Product.id)
        ).scalars()
    )


# Adding a product --------------------------------------------------------------------------


def test_any_signed_in_user_adds_a_product_to_an_unclaimed_company():
    company = make_company("Acme")
    user = make_user()

    product = services.create_product(
        user, company, name="  Rocket   Skates ", description=" Fast. "
    )

    db.session.expire_all()
    stored = db.session.get(Product, product.id)
    assert (stored.name, stored.slug, stored.description) == (
        "Rocket Skates",
        "rocket-skates",
        "Fast.",
    )
    assert stored.company_id == company.id
    assert stored.created_by_id == user.id
    assert _product_count(company) == 1


def test_the_counter_counts_every_product():
    company = make_company("Acme")
    user = make_user()

    for name in ["Anvil", "Rocket Skates", "Giant Magnet"]:
        services.create_product(user, company, name=name)

    assert _product_count(company) == 3


def test_an_anonymous_visitor_cannot_add_a_product():
    company = make_company("Acme")

    with pytest.raises(PermissionDenied):
        services.create_product(AnonymousUserMixin(), company, name="Anvil")

    assert _products(company) == []
    assert _product_count(company) == 0


def test_a_plain_user_cannot_add_a_product_to_a_claimed_company():
    company = make_company("Acme", claimed_at=utcnow())

    with pytest.raises(PermissionDenied):
        services.create_product(make_user(), company, name="Anvil")

    assert _products(company) == []
    assert _product_count(company) == 0


def test_a_site_admin_adds_a_product_to_a_claimed_company():
    company = make_company("Acme", claimed_at=utcnow())

    product = services.create_product(make_user(is_admin=True), company, name="Anvil")

    assert product.slug == "anvil"
    assert product.is_claimed
    assert _product_count(company) == 1


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "Enter a name."),
        ("A", "Use at least 2 characters."),
        ("A" * (NAME_MAX + 1), f"Use at most {NAME_MAX} characters (this has {NAME_MAX + 1})."),
        ("Anv\x00il", "This contains a NUL character (\\0), which is not allowed."),
    ],
)
def test_a_bad_name_is_refused(name, why):
    company = make_company("Acme")

    with pytest.raises(ValidationError) as refused:
        services.create_product(make_user(), company, name=name)

    assert refused.value.fields == {"name": why}
    assert _products(company) == []
    assert _product_count(company) == 0


def test_a_long_description_is_refused():
    company = make_company("Acme")

    with pytest.raises(ValidationError) as refused:
        services.create_product(
            make_user(), company, name="Anvil", description="x" * (DESCRIPTION_MAX + 1)
        )

    assert set(refused.value.fields) == {"description"}


def test_a_product_name_the_company_already_has_is_refused():
    company = make_company("Acme")
    anvil = make_product(company, "Anvil", slug="anvil")

    with pytest.raises(services.ProductExists) as refused:
        services.create_product(make_user(), company, name="ANVIL")

    assert isinstance(refused.value, Conflict)
    assert refused.value.product.id == anvil.id
    assert refused.value.fields == {"name": "Acme already has a product called Anvil."}
    assert _products(company) == ["Anvil"]


def test_slugs_are_unique_within_a_company_only():
    acme, other = make_company("Acme"), make_company("Other")
    user = make_user()

    first = services.create_product(user, acme, name="Anvil")
    second = services.create_product(user, acme, name="Anvil!")
    elsewhere = services.create_product(user, other, name="Anvil")

    assert (first.slug, second.slug, elsewhere.slug) == ("anvil", "anvil-2", "anvil")


@pytest.mark.parametrize(
    ("name", "slug"), [("New", "new-2"), ("Edit", "edit-2"), ("Ça va", "ca-va"), ("??", "product")]
)
def test_reserved_and_unicode_names_get_a_usable_slug(name, slug):
    product = services.create_product(make_user(), make_company("Acme"), name=name)

    assert product.slug == slug


def test_a_slug_taken_by_a_concurrent_request_is_replaced(monkeypatch):
    company = make_company("Acme")
    make_product(company, "Anvil (old)", slug="anvil")
    real_slugs_taken = queries.slugs_taken
    calls = []

    def slugs_taken_missing_the_race(company_id: int, base: str) -> set[str]:
        calls.append(base)
        return set() if len(calls) == 1 else real_slugs_taken(company_id, base)

    monkeypatch.setattr(queries, "slugs_taken", slugs_taken_missing_the_race)

    product = services.create_product(make_user(), company, name="Anvil")

    assert product.slug == "anvil-2"
    assert _product_count(company) == 2  # the factory's product and this one


# Editing a product -------------------------------------------------------------------------


def test_the_creator_renames_a_product_and_its_slug_stays():
    creator = make_user()
    company = make_company("Acme")
    product = services.create_product(creator, company, name="Anvil")

    services.edit_product(creator, product, name="Anvil Deluxe", description="Heavier.")

    db.session.expire_all()
    stored = db.session.get(Product, product.id)
    assert (stored.name, stored.slug, stored.description) == ("Anvil Deluxe", "anvil", "Heavier.")


def test_another_user_cannot_edit_a_product_of_an_unclaimed_company():
    product = make_product(make_company("Acme"), "Anvil", created_by_id=make_user().id)

    with pytest.raises(PermissionDenied):
        services.edit_product(make_user(), product, name="Hacked", description="")

    db.session.expire_all()
    assert db.session.get(Product, product.id).name == "Anvil"


def test_once_the_company_is_claimed_the_creator_no_longer_edits_but_a_site_admin_does():
    creator = make_user()
    product = make_product(
        make_company("Acme", claimed_at=utcnow()), "Anvil", created_by_id=creator.id
    )

    with pytest.raises(PermissionDenied):
        services.edit_product(creator, product, name="Creator's edit", description="")
    services.edit_product(make_user(is_admin=True), product, name="Admin's edit", description="")

    assert product.name == "Admin's edit"


def test_a_product_may_change_the_case_of_its_own_name():
    creator = make_user()
    product = make_product(make_company("Acme"), "Anvil", created_by_id=creator.id)

    services.edit_product(creator, product, name="ANVIL", description="")

    assert product.name == "ANVIL"


def test_renaming_to_another_products_name_is_refused():
    creator = make_user()
    company = make_company("Acme")
    make_product(company, "Anvil", slug="anvil")
    skates = make_product(company, "Skates", slug="skates", created_by_id=creator.id)

    with pytest.raises(services.ProductExists):
        services.edit_product(creator, skates, name="anvil", description="")

    db.session.expire_all()
    assert db.session.get(Product, skates.id).name == "Skates"
