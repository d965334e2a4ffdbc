"""Company and product names that read the same as one already there are duplicates, and
names with direction controls or invisible characters are refused (security.md, "Abuse").

Every way in: the services, the JSON API (409 / 422 at the field) and the forms (the field
error, what was typed kept).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.companies import queries, services
from app.companies.models import Company
from app.extensions import db
from app.products import queries as product_queries
from app.products import services as product_services
from app.products.models import Product
from tests.accounts.helpers import field_error, input_value
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_user

# Each reads as "Acme" (or "Paypal") to a person, though the strings differ.
LOOK_ALIKES = [
    pytest.param("\u0391cme", id="Greek capital alpha"),
    pytest.param("\u0410\u0441me", id="Cyrillic A and s"),
    pytest.param("Acme.", id="a trailing dot"),
    pytest.param("ACME", id="capitals"),
    pytest.param("\uff21\uff43\uff4d\uff45", id="fullwidth letters"),
    pytest.param("Acrne", id="r n for m"),
]
# Each holds a character that reorders the text after it or shows nothing at all.
HIDDEN = [
    pytest.param("Acme\u202eevil", "U+202E", id="right-to-left override"),
    pytest.param("\u2067Acme\u2069", "U+2067", id="right-to-left isolate"),
    pytest.param("Acme\u200f", "U+200F", id="right-to-left mark"),
    pytest.param("Ac\u200bme", "U+200B", id="zero-width space"),
    pytest.param("Ac\u200dme", "U+200D", id="zero-width joiner"),
    pytest.param("Ac\u2060me", "U+2060", id="word joiner"),
    pytest.param("Acme\ufeff", "U+FEFF", id="byte order mark"),
    pytest.param("Ac\u00adme", "U+00AD", id="soft hyphen"),
    pytest.param("Acme\u180e", "U+180E", id="Mongolian vowel separator"),
    pytest.param("Acme \u3164", "U+1160", id="Hangul filler (U+1160 once NFKC-normalised)"),
    pytest.param("Acme\u2800", "U+2800", id="blank braille pattern"),
]


def _companies() -> list[str]:
    return list(db.session.scalars(sa.select(Company.name).order_by(Company.id)))


# The services -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_a_name_that_reads_the_same_is_a_duplicate(name):
    acme = make_company("Acme", domain="acme.com")

    with pytest.raises(services.CompanyExists) as refused:
        services.create_company(make_user(), name=name, domain="acme-look-alike.com")

    assert refused.value.company.id == acme.id
    assert set(refused.value.fields) == {"name"}
    assert refused.value.fields["name"].startswith("Acme already has a page")
    assert _companies() == ["Acme"]


def test_the_message_says_why_a_different_string_is_the_same_name():
    make_company("Acme", domain="acme.com")

    with pytest.raises(services.CompanyExists) as refused:
        services.create_company(make_user(), name="\u0391cme", domain="other.com")

    assert refused.value.fields == {
        "name": "Acme already has a page, and “\u0391cme” reads the same."
    }


def test_a_capital_i_drawn_as_a_small_l_is_caught_too():
    make_company("Paypal", domain="paypal.com")

    with pytest.raises(services.CompanyExists):
        services.create_company(make_user(), name="PaypaI", domain="paypai.com")


@pytest.mark.parametrize(
    "name", ["Acme Cloud", "Acne", "Acme 2", "Lime", "Iime Cloud"], ids=lambda name: name
)
def test_names_that_read_differently_are_accepted(name):
    make_company("Acme", domain="acme.com")
    make_company("Iime", domain="iime.com")

    company = services.create_company(make_user(), name=name, domain="new.example.com")

    assert company.name == name


def test_names_are_stored_nfkc_normalised():
    company = services.create_company(
        make_user(), name="\uff21\uff43\uff4d\uff45 \ufb01re", domain="acme.com"
    )

    db.session.expire_all()
    assert db.session.get(Company, company.id).name == "Acme fire"


@pytest.mark.parametrize(("name", "code_point"), HIDDEN)
def test_direction_controls_and_invisible_characters_are_refused(name, code_point):
    with pytest.raises(services.ValidationError) as refused:
        services.create_company(make_user(), name=name, domain="acme.com")

    why = refused.value.fields["name"]
    assert code_point in why
    assert why.startswith(("Remove the text direction control", "Remove the invisible character"))
    assert _companies() == []


def test_emoji_presentation_selectors_are_allowed_and_ignored_when_comparing():
    make_company("Acme \u2764", domain="acme.com")

    with pytest.raises(services.CompanyExists):
        services.create_company(make_user(), name="Acme \u2764\ufe0f", domain="other.com")


def test_two_requests_at_once_cannot_both_create_a_look_alike(monkeypatch):
    """Both saw no "Acme" (the lookup missed the other's row); the database's unique reading
    refuses the second insert, and the retry names the company that won."""
    acme = make_company("Acme", slug="acme", domain="acme.com")
    real_find = queries.find_company_by_name_or_domain
    calls = []

    def find_missing_the_race(name: str, domain: str) -> Company | None:
        calls.append(name)
        return None if len(calls) == 1 else real_find(name, domain)

    monkeypatch.setattr(queries, "find_company_by_name_or_domain", find_missing_the_race)

    with pytest.raises(services.CompanyExists) as refused:
        services.create_company(make_user(), name="\u0410cme", domain="other.com")

    assert refused.value.company.id == acme.id
    assert len(calls) == 2
    assert _companies() == ["Acme"]


def test_the_database_keeps_one_company_per_reading():
    make_company("Acme", domain="acme.com")

    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(Company(name="ACME.", slug="acme-2", domain="other.com"))


# Products of a company ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Dr\u0456ve", "DRIVE", "Drive.", "\uff24rive"])
def test_a_product_name_that_reads_the_same_is_a_duplicate(name):
    acme = make_company("Acme", domain="acme.com")
    drive = make_product(acme, "Drive", slug="drive")

    with pytest.raises(product_services.ProductExists) as refused:
        product_services.create_product(make_user(), acme, name=name)

    assert refused.value.product.id == drive.id


def test_the_same_product_name_at_another_company_is_fine():
    make_product(make_company("Acme", domain="acme.com"), "Drive", slug="drive")

    product = product_services.create_product(
        make_user(), make_company("Globex", domain="globex.com"), name="Dr\u0456ve"
    )

    assert product.name == "Dr\u0456ve"


def test_renaming_a_product_to_a_look_alike_is_refused():
    acme = make_company("Acme", domain="acme.com")
    make_product(acme, "Drive", slug="drive", created_by_id=None)
    user = make_user(is_admin=True)
    sync = make_product(acme, "Sync", slug="sync")

    with pytest.raises(product_services.ProductExists):
        product_services.edit_product(user, sync, name="DR\u0399VE", description="")

    db.session.expire_all()
    assert db.session.get(Product, sync.id).name == "Sync"


def test_a_rename_that_loses_a_race_is_a_conflict_not_an_error(monkeypatch):
    acme = make_company("Acme", domain="acme.com")
    drive = make_product(acme, "Drive", slug="drive")
    sync = make_product(acme, "Sync", slug="sync")
    save()  # the refused commit rolls its own session back, as a request would
    real_find = product_queries.find_product_by_name
    calls = []

    def find_missing_the_race(company_id: int, name: str, *, other_than=None):  # noqa: ANN001
        calls.append(name)
        if len(calls) == 1:
            return None
        return real_find(company_id, name, other_than=other_than)

    monkeypatch.setattr(product_queries, "find_product_by_name", find_missing_the_race)

    with pytest.raises(product_services.ProductExists) as refused:
        product_services.edit_product(make_user(is_admin=True), sync, name="drive", description="")

    assert refused.value.product.id == drive.id
    db.session.expire_all()
    assert db.session.get(Product, sync.id).name == "Sync"


@pytest.mark.parametrize(("name", "code_point"), HIDDEN[:4])
def test_a_product_name_with_hidden_characters_is_refused(name, code_point):
    acme = make_company("Acme", domain="acme.com")

    with pytest.raises(product_services.ValidationError) as refused:
        product_services.create_product(make_user(), acme, name=name)

    assert code_point in refused.value.fields["name"]


# The JSON API --------------------------------------------------------------------------------


def test_the_api_answers_a_look_alike_company_with_409(client):
    make_company("Acme", domain="acme.com")
    api = Api(client, make_user())
    save()
    before = snapshot()

    response = api.post("/companies", {"name": "\u0410cme", "domain": "acme-ru.com"})

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert error["fields"]["name"].startswith("Acme already has a page")
    assert snapshot() == before


def test_the_api_refuses_a_right_to_left_override_at_the_field(client):
    api = Api(client, make_user())
    save()
    before = snapshot()

    response = api.post("/companies", {"name": "Acme\u202emoc.live", "domain": "acme.com"})

    assert response.status_code == 422
    assert "U+202E" in error_of(response)["fields"]["name"]
    assert snapshot() == before


def test_the_api_answers_a_look_alike_product_with_409(client):
    acme = make_company("Acme", slug="acme", domain="acme.com")
    make_product(acme, "Drive", slug="drive")
    api = Api(client, make_user())
    save()

    response = api.post("/companies/acme/products", {"name": "DR\u0399VE"})

    assert response.status_code == 409
    assert "already has a product called Drive" in error_of(response)["fields"]["name"]


def test_the_api_creates_a_company_with_a_normalised_name(client):
    api = Api(client, make_user())
    save()

    response = api.post("/companies", {"name": "\uff21\uff43\uff4d\uff45", "domain": "acme.com"})

    assert response.status_code == 201
    assert response.get_json()["name"] == "Acme"


# The forms ---------------------------------------------------------------------------------


def test_the_form_says_a_look_alike_has_a_page_and_keeps_what_was_typed(client):
    make_company("Acme", slug="acme", domain="acme.com")
    login_as(client, make_user())
    save()

    response = client.post(
        "/companies/new", data={"name": "\u0391cme", "domain": "acme.gr", "description": "Typed"}
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "name") == "Acme already has a page, and “\u0391cme” reads the same."
    assert '<a href="/companies/acme">go to Acme</a>' in page
    assert input_value(page, "name") == "\u0391cme"
    assert _companies() == ["Acme"]


def test_the_form_refuses_a_zero_width_space_at_the_field(client):
    login_as(client, make_user())
    save()

    response = client.post("/companies/new", data={"name": "Ac\u200bme", "domain": "acme.com"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "U+200B Zero Width Space" in field_error(page, "name")
    assert input_value(page, "name") == "Ac\u200bme"
    assert _companies() == []


def test_the_product_form_refuses_a_look_alike(client):
    acme = make_company("Acme", slug="acme", domain="acme.com")
    make_product(acme, "Drive", slug="drive")
    login_as(client, make_user())
    save()

    response = client.post("/companies/acme/products/new", data={"name": "Dr\u0456ve"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "name").startswith("Acme already has a product called Drive")
    assert input_value(page, "name") == "Dr\u0456ve"
