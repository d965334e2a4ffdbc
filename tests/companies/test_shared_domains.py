"""Free e-mail services and public suffixes are no company's domain: refused when a company is
added and as the domain of a claim's or an invitation's work e-mail (security.md, "Abuse").

The Public Suffix List comes from tldextract's bundled snapshot, used offline.
"""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa

from app.companies import claims, domains, services, staff
from app.companies.models import Claim, Company
from app.errors import ValidationError
from app.extensions import db
from tests.accounts.helpers import field_error, input_value
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user

FREE_MAIL = ["gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.com", "proton.me", "mail.ru"]
PUBLIC_SUFFIXES = ["co.uk", "com.au", "github.io", "herokuapp.com", "blogspot.com", "pages.dev"]


def _companies() -> list[tuple[str, str]]:
    return list(db.session.execute(sa.select(Company.name, Company.domain).order_by(Company.id)))


# Adding a company ----------------------------------------------------------------------------


@pytest.mark.parametrize("domain", FREE_MAIL + ["https://www.GMAIL.com/", "mail.google.gmail.com"])
def test_a_free_mail_domain_is_refused(domain):
    with pytest.raises(ValidationError) as refused:
        services.create_company(make_user(), name="Acme", domain=domain)

    why = refused.value.fields["domain"]
    assert "is a free e-mail service anyone can sign up to" in why
    assert _companies() == []


@pytest.mark.parametrize("domain", PUBLIC_SUFFIXES + ["CO.UK.", "http://github.io/"])
def test_a_public_suffix_is_refused_from_either_section_of_the_list(domain):
    with pytest.raises(ValidationError) as refused:
        services.create_company(make_user(), name="Acme", domain=domain)

    why = refused.value.fields["domain"]
    assert "is a public suffix: anyone can have a site under it" in why
    assert _companies() == []


@pytest.mark.parametrize(
    ("domain", "stored"),
    [
        ("acme.co.uk", "acme.co.uk"),
        ("acme.github.io", "acme.github.io"),  # a site of its own under a private suffix
        ("acme.com.", "acme.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("google.com", "google.com"),  # the company behind gmail.com has a domain of its own
    ],
)
def test_a_company_s_own_domain_is_accepted(domain, stored):
    company = services.create_company(make_user(), name="Acme", domain=domain)

    assert company.domain == stored


def test_a_trailing_dot_names_the_same_domain():
    make_company("Acme", domain="acme.com")

    with pytest.raises(services.CompanyExists) as refused:
        services.create_company(make_user(), name="Acme Two", domain="acme.com.")

    assert set(refused.value.fields) == {"domain"}


def test_the_api_refuses_a_free_mail_domain_at_the_field(client):
    api = Api(client, make_user())
    save()
    before = snapshot()

    response = api.post("/companies", {"name": "Acme", "domain": "gmail.com"})

    assert response.status_code == 422
    assert "gmail.com is a free e-mail service" in error_of(response)["fields"]["domain"]
    assert snapshot() == before


def test_the_form_refuses_a_public_suffix_and_keeps_what_was_typed(client):
    login_as(client, make_user())
    save()

    response = client.post("/companies/new", data={"name": "Acme", "domain": "github.io"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "domain").startswith("github.io is a public suffix")
    assert input_value(page, "domain") == "github.io"
    assert _companies() == []


# Work e-mails of claims and invitations -------------------------------------------------------


@pytest.mark.parametrize("domain", ["gmail.com", "github.io", "co.uk"])
def test_a_claim_on_a_company_left_with_a_shared_domain_is_refused(domain):
    """Pages added before this rule may carry such a domain: its addresses prove nothing."""
    company = make_company("Old Page", domain=domain)
    address = f"jane@{'acme.' if domain != 'gmail.com' else ''}{domain}"

    with pytest.raises(ValidationError) as refused:
        claims.request_claim(make_user("jane"), company, work_email=address)

    assert set(refused.value.fields) == {"work_email"}
    assert db.session.scalars(sa.select(Claim)).all() == []


def test_the_api_refuses_a_free_mail_claim_at_the_field(client):
    make_company("Old Page", slug="old-page", domain="gmail.com")
    api = Api(client, make_user("jane"))
    save()
    before = snapshot()

    response = api.post("/companies/old-page/claims", {"work_email": "jane@gmail.com"})

    assert response.status_code == 422
    assert "gmail.com is a free e-mail service" in error_of(response)["fields"]["work_email"]
    assert snapshot() == before


def test_an_invitation_to_a_shared_domain_address_is_refused():
    company = make_company("Old Page", domain="herokuapp.com")
    admin = make_staff(company, make_user("jane"), role="admin").user

    with pytest.raises(ValidationError) as refused:
        staff.invite_staff(admin, company, email="bob@bob.herokuapp.com")

    assert "herokuapp.com is a public suffix" in refused.value.fields["email"]


def test_a_work_e_mail_with_a_trailing_dot_is_the_same_address():
    company = make_company("Acme", domain="acme.com")

    claim = claims.request_claim(make_user("jane"), company, work_email="jane@acme.com.")

    assert claim.work_email == "jane@acme.com"


# Offline, and nothing written ------------------------------------------------------------------


def test_the_public_suffix_list_is_read_offline_and_caches_nothing(monkeypatch, tmp_path):
    def no_network(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("the Public Suffix List must not be fetched")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path / "tldextract"))
    domains._public_suffixes.cache_clear()
    try:
        assert domains.shared_domain_problem("github.io") is not None
        assert domains.shared_domain_problem("acme.co.uk") is None
    finally:
        domains._public_suffixes.cache_clear()

    assert list(tmp_path.iterdir()) == []
