"""A claimant is told their claim is waiting (issue 13, item 7): the used verification link
says so instead of "invalid link", and the company's page says so to the claimant only."""

from __future__ import annotations

import pytest

from app.companies.models import ClaimStatus
from tests.claims.helpers import make_claim, save, text, verify_link
from tests.conftest import login_as
from tests.factories import make_company, make_user

DANISH = {"Accept-Language": "da"}
WAITING = "Your claim on Acme is waiting: jane@acme.com is verified"
WAITING_FOR_YOU = "Your claim on Acme is waiting for you: follow the link we sent to jane@acme.com"


@pytest.fixture
def acme():
    return make_company("Acme", domain="acme.com")


def test_a_used_link_of_a_verified_claim_says_it_waits_for_review(client, acme):
    jane = make_user("jane")
    save()
    login_as(client, jane)
    client.post("/companies/acme/claim", data={"work_email": "jane@acme.com"})
    path, token = verify_link("jane@acme.com")
    assert client.post(path, data={"token": token}).status_code == 303

    page = text(client.get(path))
    danish = text(client.get(path, headers=DANISH))

    assert "waiting for a site admin's review" in page
    assert 'href="/companies/acme"' in page
    assert "Din anmodning venter på gennemgang" in danish


def test_the_company_page_tells_the_claimant_their_claim_waits_for_review(client, acme):
    jane = make_user("jane")
    make_claim(acme, jane, status=ClaimStatus.EMAIL_VERIFIED, work_email="jane@acme.com")
    save()
    login_as(client, jane)

    page = text(client.get("/companies/acme"))
    danish = text(client.get("/companies/acme", headers=DANISH))

    assert WAITING in page
    assert "Claim this company" not in page  # no second claim offered meanwhile
    assert "Din anmodning om at overtage Acme venter: jane@acme.com er bekræftet" in danish


def test_the_company_page_reminds_a_claimant_to_follow_the_link(client, acme):
    jane = make_user("jane")
    make_claim(acme, jane, status=ClaimStatus.PENDING_EMAIL, work_email="jane@acme.com")
    save()
    login_as(client, jane)

    assert WAITING_FOR_YOU in text(client.get("/companies/acme"))


def test_nobody_else_sees_the_claimants_notice(client, acme):
    make_claim(acme, make_user("jane"), work_email="jane@acme.com")
    save()

    signed_out = text(client.get("/companies/acme"))
    login_as(client, make_user("someone"))
    someone_else = text(client.get("/companies/acme"))

    for page in (signed_out, someone_else):
        assert "jane@acme.com" not in page and "Your claim" not in page


@pytest.mark.parametrize("status", [ClaimStatus.REJECTED, ClaimStatus.EXPIRED])
def test_a_decided_or_expired_claim_shows_no_notice(client, acme, status):
    jane = make_user("jane")
    make_claim(acme, jane, status=status, work_email="jane@acme.com")
    save()
    login_as(client, jane)

    assert "Your claim on Acme" not in text(client.get("/companies/acme"))
