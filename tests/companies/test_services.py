"""The company rules, on the services: who may create and edit, and what is accepted."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.companies import queries, services
from app.companies.models import DESCRIPTION_MAX, NAME_MAX, Company
from app.db import utcnow
from app.errors import Conflict, PermissionDenied, ValidationError
from app.extensions import db
from tests.factories import make_company, make_user


def _company_count() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Company)).scalar_one()


def _create(name: str = "Acme", domain: str = "acme.com", **fields: str) -> Company:
    return services.create_company(make_user(), name=name, domain=domain, **fields)


# Creating a company ------------------------------------------------------------------------


def test_a_signed_in_user_creates_an_unclaimed_company():
    user = make_user()

    company = services.create_company(
        user, name="  Acme   Anvils ", domain="https://www.Acme.com/", description=" Anvils. "
    )

    db.session.expire_all()
    stored = db.session.get(Company, company.id)
    assert stored.name == "Acme Anvils"
    assert stored.slug == "acme-anvils"
    assert stored.domain == "acme.com"
    assert stored.description == "Anvils."
    assert stored.created_by_id == user.id
    assert stored.claimed_at is None
    assert not stored.is_claimed


def test_an_anonymous_visitor_cannot_create_a_company():
    before = _company_count()

    with pytest.raises(PermissionDenied):
        services.create_company(AnonymousUserMixin(), name="Acme", domain="acme.com")

    assert _company_count() == before


@pytest.mark.parametrize("existing_name", ["Acme", "ACME", "acme"])
def test_the_same_name_in_any_case_is_refused_and_names_the_existing_page(existing_name):
    existing = make_company(existing_name, domain="acme.com")
    before = _company_count()

    with pytest.raises(services.CompanyExists) as refused:
        _create("Acme", domain="acme-widgets.com")

    assert isinstance(refused.value, Conflict)
    assert refused.value.company.id == existing.id
    assert refused.value.fields == {"name": f"{existing_name} already has a page."}
    assert _company_count() == before


def test_the_same_domain_however_typed_is_refused():
    existing = make_company("Acme", domain="acme.com")

    with pytest.raises(services.CompanyExists) as refused:
        _create("Acme Corporation", domain="HTTPS://www.ACME.com/contact")

    assert refused.value.company.id == existing.id
    assert refused.value.fields == {"domain": "Acme already has a page."}


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "Enter a name."),
        ("   ", "Enter a name."),
        ("A", "Use at least 2 characters."),
        ("A" * (NAME_MAX + 1), f"Use at most {NAME_MAX} characters (this has {NAME_MAX + 1})."),
        ("Ac\x00me", services.NUL_MESSAGE),
        ("Ac\x07me", "Use letters, digits and punctuation only: no control characters."),
    ],
)
def test_a_bad_name_is_refused(name, why):
    before = _company_count()

    with pytest.raises(ValidationError) as refused:
        _create(name)

    assert refused.value.fields["name"] == why
    assert _company_count() == before


def test_a_name_of_exactly_the_maximum_length_is_accepted():
    company = _create("A" * NAME_MAX)

    assert company.name == "A" * NAME_MAX
    assert len(company.slug) <= 110


@pytest.mark.parametrize(
    ("description", "why"),
    [
        ("x" * (DESCRIPTION_MAX + 1), "Use at most 2,000 characters (this has 2,001)."),
        ("Anvils\x00", services.NUL_MESSAGE),
    ],
)
def test_a_bad_description_is_refused(description, why):
    with pytest.raises(ValidationError) as refused:
        _create(description=description)

    assert refused.value.fields == {"description": why}


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(ValidationError) as refused:
        _create("", domain="acme", description="x" * (DESCRIPTION_MAX + 1))

    assert set(refused.value.fields) == {"name", "domain", "description"}


# Domains -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("acme.com", "acme.com"),
        ("HTTPS://WWW.Acme.com/path", "acme.com"),
        ("acme.com.", "acme.com"),
        ("  http://acme.com/  ", "acme.com"),
        ("https://support.acme.com/help?topic=1#top", "support.acme.com"),
        ("acme.com?ref=x", "acme.com"),
        ("www.acme.co.uk", "acme.co.uk"),
        ("www.com", "www.com"),  # www is the name itself here, not a prefix
        ("ACME-Anvils.com", "acme-anvils.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
    ],
)
def test_a_domain_is_normalised(typed, stored):
    assert services.normalize_domain(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "acme",
        "http://",
        "https://www.",
        "acme..com",
        "acme.com..",
        ".acme.com",
        "-acme.com",
        "acme-.com",
        "acme .com",
        "ac me.com",
        "acme.com\x00",
        "ftp://acme.com",
        "javascript://acme.com",
        "acme.com:8080",
        "user@acme.com",
        "acme_anvils.com",
        "192.168.0.1",
        "a" * 64 + ".com",
        ("a" * 60 + ".") * 5 + "com",  # longer than 253 characters
        "xn--zz.com",
        "☃",
        "☃.com",
    ],
)
def test_a_bad_domain_is_refused_at_the_domain_field(typed):
    with pytest.raises(ValidationError) as refused:
        services.normalize_domain(typed)

    assert set(refused.value.fields) == {"domain"}
    assert refused.value.fields["domain"]


# Slugs -------------------------------------------------------------------------------------


def test_slugs_stay_unique_by_appending_a_number():
    first = _create("Acme", domain="acme.com")
    second = _create("Acme!", domain="acme.org")
    third = _create("ACME?", domain="acme.net")

    assert (first.slug, second.slug, third.slug) == ("acme", "acme-2", "acme-3")


def test_a_taken_numbered_slug_is_skipped():
    make_company("Acme 2", slug="acme-2", domain="acme2.com")
    first = _create("Acme", domain="acme.com")
    second = _create("Acme!", domain="acme.org")

    assert (first.slug, second.slug) == ("acme", "acme-3")


def test_a_similar_longer_slug_does_not_count_as_taken():
    make_company("Acme Anvils", slug="acme-anvils", domain="anvils.com")

    assert _create("Acme", domain="acme.com").slug == "acme"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Señor", "cafe-senor"),
        ("Ünïcödé GmbH", "unicode-gmbh"),
        ("Привет мир", "privet-mir"),
        ("北京 Widgets", "bei-jing-widgets"),
        ("!!", "company"),
    ],
)
def test_a_unicode_name_gets_a_transliterated_slug(name, slug):
    assert _create(name).slug == slug


@pytest.mark.parametrize("name", ["New", "new", "Edit"])
def test_a_reserved_word_never_becomes_a_slug(name):
    company = _create(name)

    assert company.slug == f"{name.lower()}-2"


def test_free_slug():
    assert services.free_slug("acme", set()) == "acme"
    assert services.free_slug("acme", {"acme"}) == "acme-2"
    assert services.free_slug("acme", {"acme", "acme-2", "acme-3"}) == "acme-4"
    assert services.free_slug("new", set(), {"new"}) == "new-2"


def test_a_slug_taken_by_a_concurrent_request_is_replaced(monkeypatch):
    """The slug is chosen, then another request stores a company with it first."""
    make_company("Acme Corp", slug="acme", domain="acme.com")
    real_slugs_taken = queries.slugs_taken
    calls = []

    def slugs_taken_missing_the_race(base: str) -> set[str]:
        calls.append(base)
        return set() if len(calls) == 1 else real_slugs_taken(base)

    monkeypatch.setattr(queries, "slugs_taken", slugs_taken_missing_the_race)

    company = _create("Acme!", domain="acme.org")

    assert company.slug == "acme-2"
    assert len(calls) == 2
    assert _company_count() == 2


def test_a_company_that_arrived_during_a_lost_race_is_reported_as_existing(monkeypatch):
    """Both requests saw no "Acme"; the second finds the first's row when it retries."""
    calls = []
    real_find = queries.find_company_by_name_or_domain

    def find_missing_the_race(name: str, domain: str) -> Company | None:
        calls.append(name)
        if len(calls) == 1:
            return None
        return real_find(name, domain)

    make_company("Acme", slug="acme", domain="acme.com")
    monkeypatch.setattr(queries, "find_company_by_name_or_domain", find_missing_the_race)
    monkeypatch.setattr(queries, "slugs_taken", lambda base: set())

    with pytest.raises(services.CompanyExists):
        _create("Acme", domain="acme.com")


# Editing a company -------------------------------------------------------------------------


def test_a_site_admin_edits_a_company_profile():
    company = make_company("Acme", domain="acme.com")

    services.edit_company(
        make_user(is_admin=True),
        company,
        description="  Anvils and rockets.\r\n\r\nSince 1949. ",
        website=" https://acme.com/about ",
    )

    db.session.expire_all()
    stored = db.session.get(Company, company.id)
    assert stored.description == "Anvils and rockets.\n\nSince 1949."
    assert stored.website == "https://acme.com/about"
    assert (stored.name, stored.slug, stored.domain) == ("Acme", "acme", "acme.com")


@pytest.mark.parametrize("claimed", [False, True])
def test_a_plain_user_cannot_edit_a_company_profile(claimed):
    company = make_company("Acme", claimed_at=utcnow() if claimed else None)

    with pytest.raises(PermissionDenied):
        services.edit_company(make_user(), company, description="Hacked", website="")

    db.session.expire_all()
    assert db.session.get(Company, company.id).description == "Acme makes things."


def test_the_website_may_be_emptied():
    company = make_company("Acme", website="https://acme.com")

    services.edit_company(make_user(is_admin=True), company, description="", website="  ")

    assert company.website == ""


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://acme.com",
        "acme.com",
        "http://",
        "https://acme",
        "https://user:secret@acme.com",
        "http://acme .com",
        "http://acme.com:port",
        "https://acme.com/\x00",
        "https://acme.com/" + "a" * 300,
    ],
)
def test_a_website_that_is_not_an_http_address_is_refused(website):
    company = make_company("Acme", website="https://acme.com")

    with pytest.raises(ValidationError) as refused:
        services.edit_company(make_user(is_admin=True), company, description="", website=website)

    assert set(refused.value.fields) == {"website"}
    db.session.expire_all()
    assert db.session.get(Company, company.id).website == "https://acme.com"
