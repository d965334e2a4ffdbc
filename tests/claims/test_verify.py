"""The verification link: it works once, for 48 hours, for its own claim only; every
other link is refused and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

import app.db
from app.companies import claims
from app.companies.models import ClaimStatus
from app.errors import Conflict, PermissionDenied
from app.extensions import db
from app.tokens import Purpose, make_token
from tests.checks import snapshot
from tests.claims.helpers import audit_trail, claims_of, save, text, verify_link
from tests.conftest import login_as
from tests.factories import make_company, make_user

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def pending(client):
    """Jane (signed in on ``client``) has asked to claim Acme; the link is in her mailbox."""
    acme = make_company("Acme", domain="acme.com")
    jane = make_user("jane")
    save()
    login_as(client, jane)
    client.post("/companies/acme/claim", data={"work_email": "jane@acme.com"})
    path, token = verify_link("jane@acme.com")
    (claim,) = claims_of(jane)
    return {"company": acme, "user": jane, "claim": claim, "path": path, "token": token}


def _tampered(token: str) -> str:
    """The same token with one character of its signature changed."""
    last = token[-2]
    return token[:-2] + ("A" if last != "A" else "B") + token[-1]


def _bad_tokens(pending: dict) -> dict[str, str]:
    claim_id = pending["claim"].id
    token = pending["token"]
    payload, stamp, signature = token.split(".")
    return {
        "tampered signature": _tampered(token),
        "another payload, same signature": (
            make_token(Purpose.CLAIM_VERIFY, claim_id + 1, "pending_email").split(".")[0]
            + f".{stamp}.{signature}"
        ),
        "made for a staff invitation": make_token(
            Purpose.STAFF_INVITATION, claim_id, "pending_email"
        ),
        "made for a password reset": make_token(Purpose.PASSWORD_RESET, claim_id, "pending_email"),
        "made for a later status": make_token(Purpose.CLAIM_VERIFY, claim_id, "email_verified"),
        "for a claim that does not exist": make_token(
            Purpose.CLAIM_VERIFY, claim_id + 1000, "pending_email"
        ),
        "garbage": "not-a-token",
        "cut short": token[: len(token) // 2],
        "far too long": "a" * 2000,
    }


BAD = [
    "tampered signature",
    "another payload, same signature",
    "made for a staff invitation",
    "made for a password reset",
    "made for a later status",
    "for a claim that does not exist",
    "garbage",
    "cut short",
    "far too long",
]


@pytest.mark.parametrize("kind", BAD)
def test_a_bad_link_is_refused_and_changes_nothing(client, pending, kind):
    token = _bad_tokens(pending)[kind]
    path = f"/companies/claims/verify/{token}"
    before = snapshot()

    shown = client.get(path)
    posted = client.post(path, data={"token": token})

    for response in (shown, posted):
        assert response.status_code == 400
        assert "That link does not work" in text(response)
        assert "Verify jane@acme.com" not in text(response)
    with pytest.raises(claims.ClaimLinkInvalid):
        claims.verify_claim(pending["user"], token)
    assert snapshot() == before


def test_an_expired_link_is_refused_and_changes_nothing(client, pending, monkeypatch):
    later = app.db.utcnow() + timedelta(hours=49)
    monkeypatch.setattr(app.db, "CLOCK", lambda: later)
    before = snapshot()

    shown = client.get(pending["path"])
    posted = client.post(pending["path"], data={"token": pending["token"]})

    for response in (shown, posted):
        assert response.status_code == 400
        assert "That link has expired: verification links work for 48 hours." in text(response)
    assert snapshot() == before


def test_a_link_still_works_just_before_48_hours(client, pending, monkeypatch):
    later = app.db.utcnow() + timedelta(hours=47, minutes=59)
    monkeypatch.setattr(app.db, "CLOCK", lambda: later)

    response = client.post(pending["path"], data={"token": pending["token"]})

    assert response.status_code == 303
    assert claims_of(pending["user"])[0].status is ClaimStatus.EMAIL_VERIFIED


def test_a_claim_past_its_time_is_marked_expired(client, pending):
    claim = pending["claim"]
    claim.expires_at = app.db.utcnow() - timedelta(minutes=1)
    save()

    shown = client.get(pending["path"])
    assert shown.status_code == 400  # the page only reads: the claim is not touched yet
    assert claims_of(pending["user"])[0].status is ClaimStatus.PENDING_EMAIL

    posted = client.post(pending["path"], data={"token": pending["token"]})

    assert posted.status_code == 400
    assert "That link has expired" in text(posted)
    (claim,) = claims_of(pending["user"])
    assert (claim.status, claim.email_verified_at) == (ClaimStatus.EXPIRED, None)
    assert [action for action, *_ in audit_trail(pending["company"])] == ["claim.requested"]


def test_a_link_works_once(client, pending):
    assert client.post(pending["path"], data={"token": pending["token"]}).status_code == 303
    before = snapshot()

    shown = client.get(pending["path"])
    again = client.post(pending["path"], data={"token": pending["token"]})

    # Used, and nothing is wrong: the page says the claim waits for review (issue 13).
    for response in (shown, again):
        assert response.status_code == 200
        page = text(response)
        assert "Your claim is waiting for review" in page
        assert "Your address jane@acme.com is verified; your claim on Acme is waiting" in page
        assert "That link does not work" not in page
    assert snapshot() == before
    assert [action for action, *_ in audit_trail(pending["company"])] == [
        "claim.requested",
        "claim.verified",
    ]


def test_the_link_of_a_replaced_claim_no_longer_works(client, pending):
    client.post("/companies/acme/claim", data={"work_email": "jane.doe@acme.com"})
    before = snapshot()

    response = client.post(pending["path"], data={"token": pending["token"]})

    assert response.status_code == 400
    assert "replaced by a newer one" in text(response)
    assert snapshot() == before


def test_someone_signed_in_as_another_account_cannot_use_the_link(app, pending):
    other = app.test_client()
    login_as(other, make_user("mallory"))
    save()
    before = snapshot()

    shown = other.get(pending["path"])
    posted = other.post(pending["path"], data={"token": pending["token"]})

    assert shown.status_code == 200
    assert "claim made from another Helpsquare account" in text(shown)
    assert "<button" not in text(shown).split("<main", 1)[1].split("</main>")[0]
    assert posted.status_code == 403
    assert "claim made from another Helpsquare account" in text(posted)
    assert snapshot() == before


def test_the_post_needs_the_token_of_its_own_address(client, pending):
    before = snapshot()

    missing = client.post(pending["path"], data={})
    different = client.post(
        pending["path"],
        data={"token": make_token(Purpose.CLAIM_VERIFY, pending["claim"].id + 1, "pending_email")},
    )

    assert (missing.status_code, different.status_code) == (400, 400)
    assert snapshot() == before


def test_the_service_verifies_for_a_visitor_who_is_not_signed_in(pending):
    claim = claims.verify_claim(AnonymousUserMixin(), pending["token"])

    assert claim.status is ClaimStatus.EMAIL_VERIFIED
    db.session.expire_all()
    assert claims_of(pending["user"])[0].email_verified_at is not None


def test_the_service_refuses_another_signed_in_user(pending):
    mallory = make_user("mallory")
    before = snapshot()

    with pytest.raises(PermissionDenied):
        claims.verify_claim(mallory, pending["token"])

    assert snapshot() == before


def test_a_company_claimed_meanwhile_ends_the_claim(client, pending):
    acme = pending["company"]
    acme.claimed_at = app.db.utcnow()
    save()

    with pytest.raises(Conflict) as refused:
        claims.verify_claim(pending["user"], pending["token"])

    assert "Acme was claimed meanwhile" in refused.value.message
    assert claims_of(pending["user"])[0].status is ClaimStatus.EXPIRED


def test_the_confirmation_page_only_reads(client, pending, count_queries):
    before = snapshot()

    with count_queries() as statements:
        response = client.get(pending["path"])

    assert response.status_code == 200
    assert [s for s in statements if s.lstrip().upper().startswith(WRITES)] == []
    assert snapshot() == before
