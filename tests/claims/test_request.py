"""Asking to claim a company: whose work e-mail is accepted, and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

import app.db
from app.companies import claims
from app.companies.models import Claim, ClaimStatus
from app.errors import Conflict, PermissionDenied, RateLimited, ValidationError
from app.extensions import db
from tests.checks import snapshot
from tests.claims.helpers import claims_of, make_claim, save, sent_to, text
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user

GOOD = [
    ("jane@acme.com", "jane@acme.com"),
    ("Jane@ACME.com", "jane@acme.com"),
    ("jane@support.acme.com", "jane@support.acme.com"),
    # A trailing dot ends a fully qualified domain: acme.com. is acme.com.
    ("jane@acme.com.", "jane@acme.com"),
]
MISMATCH = "Use your work e-mail at acme.com (or a subdomain of it), like jane@acme.com."
BAD = [
    ("jane@acme.com.evil.io", MISMATCH),
    ("jane@notacme.com", MISMATCH),
    ("jane@acme.co", MISMATCH),
    ("jane@\u0430cme.com", MISMATCH),  # a Cyrillic "а" that looks like the Latin one
    ("jane@acme.com..", "Enter a valid e-mail address, like name@example.com."),
    ("", "Enter your work e-mail at acme.com, like jane@acme.com."),
    ("   ", "Enter your work e-mail at acme.com, like jane@acme.com."),
    ("jane\x00@acme.com", "Remove the invisible control character (such as NUL) from this."),
]


@pytest.fixture
def acme():
    return make_company("Acme", domain="acme.com")


# Through the service -----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), GOOD)
def test_an_address_at_the_domain_or_a_subdomain_is_accepted(acme, typed, stored):
    jane = make_user("jane")

    claim = claims.request_claim(jane, acme, work_email=typed)

    assert (claim.work_email, claim.status) == (stored, ClaimStatus.PENDING_EMAIL)
    assert claim.expires_at - claim.created_at == timedelta(hours=48)
    (message,) = sent_to(stored)
    assert "/companies/claims/verify/" in message.body_text


@pytest.mark.parametrize(("typed", "why"), BAD)
def test_any_other_address_is_refused_at_the_field(acme, typed, why):
    jane = make_user("jane")
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        claims.request_claim(jane, acme, work_email=typed)

    assert refused.value.fields == {"work_email": why}
    assert snapshot() == before


def test_a_value_that_is_not_text_is_refused(acme):
    jane = make_user("jane")
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        claims.request_claim(jane, acme, work_email=["jane@acme.com"])

    assert "work_email" in refused.value.fields
    assert snapshot() == before


# Through the form --------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), GOOD)
def test_the_form_accepts_an_address_at_the_domain(client, acme, typed, stored):
    jane = make_user("jane")
    save()
    login_as(client, jane)

    response = client.post("/companies/acme/claim", data={"work_email": typed})

    assert response.status_code == 303
    assert [claim.work_email for claim in claims_of(jane)] == [stored]


@pytest.mark.parametrize(("typed", "why"), BAD)
def test_the_form_shows_why_next_to_the_field_and_keeps_the_input(client, acme, typed, why):
    jane = make_user("jane")
    save()
    login_as(client, jane)
    before = snapshot()

    response = client.post("/companies/acme/claim", data={"work_email": typed})

    assert response.status_code == 422
    page = text(response)
    assert f'<p class="field__error" id="work_email-error">{why}</p>' in page
    assert 'aria-invalid="true"' in page
    if typed.strip() and "\x00" not in typed:
        assert f'value="{typed}"' in page
    assert snapshot() == before


# Refusals ----------------------------------------------------------------------------------


def test_a_claimed_company_is_refused_with_an_explanation(client, acme):
    make_staff(acme, role="admin")
    jane = make_user("jane")
    save()
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        claims.request_claim(jane, acme, work_email="jane@acme.com")

    assert refused.value.message == (
        "Acme is already claimed. Its admins can invite you to join its staff."
    )
    assert snapshot() == before
    login_as(client, jane)
    response = client.post("/companies/acme/claim", data={"work_email": "jane@acme.com"})
    assert response.status_code == 409
    assert "Acme is already claimed. Its admins can invite you to join its staff." in text(response)
    assert snapshot() == before


def test_staff_of_the_company_are_told_they_already_are(acme):
    agent = make_staff(acme).user
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        claims.request_claim(agent, acme, work_email=f"{agent.username}@acme.com")

    assert refused.value.message == "You are already on Acme's staff."
    assert snapshot() == before


def test_an_anonymous_visitor_cannot_claim(client, acme):
    save()
    before = snapshot()

    with pytest.raises(PermissionDenied):
        claims.request_claim(AnonymousUserMixin(), acme, work_email="jane@acme.com")

    response = client.post("/companies/acme/claim", data={"work_email": "jane@acme.com"})
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
    assert snapshot() == before


def test_a_new_request_replaces_the_unverified_one(acme):
    jane = make_user("jane")
    first = claims.request_claim(jane, acme, work_email="jane@acme.com")

    second = claims.request_claim(jane, acme, work_email="jane.doe@acme.com")

    statuses = [(claim.id, claim.status) for claim in claims_of(jane)]
    assert statuses == [(first.id, ClaimStatus.EXPIRED), (second.id, ClaimStatus.PENDING_EMAIL)]


def test_a_verified_claim_waiting_for_review_is_not_replaced(client, acme):
    jane = make_user("jane")
    make_claim(acme, jane, status=ClaimStatus.EMAIL_VERIFIED, work_email="jane@acme.com")
    save()
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        claims.request_claim(jane, acme, work_email="jane@acme.com")

    assert "waiting for a site admin's review" in refused.value.message
    assert snapshot() == before
    login_as(client, jane)
    page = text(client.get("/companies/acme/claim"))
    assert "jane@acme.com is verified. A site admin will review your claim" in page
    assert 'name="work_email"' not in page


def test_other_peoples_claims_do_not_stand_in_the_way(acme):
    make_claim(acme, status=ClaimStatus.EMAIL_VERIFIED)
    make_claim(acme, status=ClaimStatus.PENDING_EMAIL)

    claim = claims.request_claim(make_user("jane"), acme, work_email="jane@acme.com")

    assert claim.status is ClaimStatus.PENDING_EMAIL


def test_more_than_five_claims_a_day_are_refused(client, monkeypatch):
    jane = make_user("jane")
    companies = [make_company(f"Firm {n}", domain=f"firm{n}.com") for n in range(7)]
    # Signed in first: login_as runs a request teardown, which sends mail queued so far.
    login_as(client, jane)
    for company in companies[:5]:
        claims.request_claim(jane, company, work_email=f"jane@{company.domain}")
    before = snapshot()

    with pytest.raises(claims.TooManyClaims) as refused:
        claims.request_claim(jane, companies[5], work_email="jane@firm5.com")

    assert "try again tomorrow" in refused.value.message
    assert snapshot() == before
    response = client.post("/companies/firm-5/claim", data={"work_email": "jane@firm5.com"})
    assert response.status_code == 429
    assert 'value="jane@firm5.com"' in text(response)
    assert snapshot() == before

    # A day later the allowance is back.
    later = app.db.utcnow() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(app.db, "CLOCK", lambda: later)
    claim = claims.request_claim(jane, companies[6], work_email="jane@firm6.com")
    assert db.session.get(Claim, claim.id) is not None


def test_the_claim_limit_is_a_rate_limit_saying_when_on_the_page_and_in_the_api(
    client, monkeypatch
):
    jane = make_user("jane")
    companies = [make_company(f"Firm {n}", domain=f"firm{n}.com") for n in range(6)]
    login_as(client, jane)
    start = app.db.utcnow()
    for hour, company in enumerate(companies[:5]):
        monkeypatch.setattr(app.db, "CLOCK", lambda hour=hour: start + timedelta(hours=hour))
        claims.request_claim(jane, company, work_email=f"jane@{company.domain}")
    monkeypatch.setattr(app.db, "CLOCK", lambda: start + timedelta(hours=10))

    with pytest.raises(RateLimited) as refused:
        claims.request_claim(jane, companies[5], work_email="jane@firm5.com")
    page = client.post("/companies/firm-5/claim", data={"work_email": "jane@firm5.com"})

    # The first claim (at the start) leaves the 24 hours 14 hours from now.
    assert refused.value.retry_after == 14 * 3600
    assert page.status_code == 429
    assert page.headers["Retry-After"] == str(14 * 3600)


def test_the_claim_page_shows_the_claim_in_progress(client, acme):
    jane = make_user("jane")
    claims.request_claim(jane, acme, work_email="jane@acme.com")
    login_as(client, jane)

    page = text(client.get("/companies/acme/claim"))

    assert "We sent a link to jane@acme.com" in page
    assert "Send a new link" in page
