"""Provable claim: a DNS TXT record or a well-known file with the claimant's token approves
the claim at once ("approved by DNS proof" in the audit log). Tests run their own DNS
responder and web server on loopback."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.companies import proofs
from app.companies.models import Claim, ClaimStatus, Company, DomainProof, Membership, StaffRole
from app.db import utcnow
from app.errors import Conflict
from app.extensions import db
from app.moderation.models import AuditEntry
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.servers import dns_responder, http_receiver

DOMAIN = "acme.test"


@pytest.fixture
def acme():
    company = make_company("Acme", domain=DOMAIN)
    db.session.commit()
    return company


@pytest.fixture
def claimant():
    user = make_user("claimant")
    db.session.commit()
    return user


@pytest.fixture
def nameserver(app, monkeypatch):
    """Point DNS lookups at a responder the test starts: ``nameserver(txt=…, a=…)``."""

    def start(**records):  # noqa: ANN003, ANN202 - dns_responder's tables
        manager = dns_responder(**records)
        port = manager.__enter__()
        started.append(manager)
        monkeypatch.setitem(app.config, "DNS_NAMESERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "DNS_PORT", port)
        return port

    started: list = []
    yield start
    for manager in started:
        manager.__exit__(None, None, None)


def _claim_page(company) -> str:  # noqa: ANN001
    return f"/companies/{company.slug}/claim"


def _approved(company_id: int, user_id: int) -> bool:
    db.session.expire_all()
    company = db.session.get(Company, company_id)
    role = db.session.scalar(
        sa.select(Membership.role).where(
            Membership.company_id == company_id, Membership.user_id == user_id
        )
    )
    return company.is_claimed and role == StaffRole.ADMIN


def test_a_dns_txt_record_approves_the_claim(client, acme, claimant, nameserver):
    login_as(client, claimant)
    assert client.post(f"{_claim_page(acme)}/proof").status_code == 303
    proof = db.session.scalars(sa.select(DomainProof)).one()
    page = client.get(_claim_page(acme)).get_data(as_text=True)
    assert f"helpsquare-verify={proof.token}" in page
    nameserver(txt={DOMAIN: ["v=spf1 -all", f"helpsquare-verify={proof.token}"]})

    response = client.post(f"{_claim_page(acme)}/proof/check")

    assert response.status_code == 303
    assert _approved(acme.id, claimant.id)
    claim = db.session.scalars(sa.select(Claim)).one()
    assert claim.status is ClaimStatus.APPROVED
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "claim.approved")
    ).one()
    assert entry.note == "approved by DNS proof"
    assert entry.actor_id == claimant.id


def test_the_well_known_file_approves_the_claim(
    client, acme, claimant, nameserver, app, monkeypatch
):
    proof = proofs.start_proof(claimant, acme)
    with http_receiver(body=f"helpsquare-verify={proof.token}\n".encode()) as web:
        nameserver(a={DOMAIN: "127.0.0.1"})  # no TXT record
        url = f"http://{{domain}}:{web.port}/.well-known/helpsquare-verify.txt"
        monkeypatch.setitem(app.config, "CLAIM_PROOF_URL", url)
        monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
        login_as(client, claimant)
        response = client.post(f"{_claim_page(acme)}/proof/check")
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    assert web.requests[0].path == "/.well-known/helpsquare-verify.txt"
    assert web.requests[0].headers["host"] == f"{DOMAIN}:{web.port}"
    assert _approved(acme.id, claimant.id)
    note = db.session.scalar(
        sa.select(AuditEntry.note).where(AuditEntry.action == "claim.approved")
    )
    assert (
        note == f"approved by proof at http://{DOMAIN}:{web.port}/.well-known/helpsquare-verify.txt"
    )


def test_no_proof_found_says_where_it_looked_and_changes_nothing_but_the_check_time(
    client, acme, claimant, nameserver
):
    proof = proofs.start_proof(claimant, acme)
    nameserver(txt={DOMAIN: ["helpsquare-verify=someone-elses-token"]})
    login_as(client, claimant)
    before = snapshot()
    response = client.post(f"{_claim_page(acme)}/proof/check")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "holds another token" in page
    assert f"helpsquare-verify={proof.token}" in page
    after = snapshot()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"domain_proofs"}  # last_checked_at only
    assert not _approved(acme.id, claimant.id)


def test_the_file_proof_refuses_a_domain_that_resolves_to_loopback(
    acme, claimant, nameserver, app, monkeypatch
):
    """SSRF: the company's domain pointing at 127.0.0.1 is not fetched (allowed only in
    tests that say so)."""
    proof = proofs.start_proof(claimant, acme)
    with http_receiver(body=proof.token.encode()) as web:
        nameserver(a={DOMAIN: "127.0.0.1"})
        monkeypatch.setitem(
            app.config, "CLAIM_PROOF_URL", f"https://{{domain}}:{web.port}/.well-known/x.txt"
        )
        with pytest.raises(proofs.ProofNotFound, match="not a public address"):
            proofs.check_proof(claimant, acme)
    assert web.requests == []
    assert not _approved(acme.id, claimant.id)


def test_check_now_is_rate_limited(client, acme, claimant, nameserver):
    proofs.start_proof(claimant, acme)
    nameserver(txt={})
    login_as(client, claimant)
    assert client.post(f"{_claim_page(acme)}/proof/check").status_code == 422
    before = snapshot()
    refused = client.post(f"{_claim_page(acme)}/proof/check")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= proofs.CHECK_EVERY.total_seconds()
    assert snapshot() == before
    # Once the interval has passed, it checks again.
    proof = db.session.scalars(sa.select(DomainProof)).one()
    proof.last_checked_at = utcnow() - proofs.CHECK_EVERY - timedelta(seconds=1)
    db.session.commit()
    assert client.post(f"{_claim_page(acme)}/proof/check").status_code == 422


def test_the_token_is_kept_and_one_per_claimant(acme, claimant):
    first = proofs.start_proof(claimant, acme)
    assert proofs.start_proof(claimant, acme).token == first.token
    other = proofs.start_proof(make_user("other"), acme)
    assert other.token != first.token


def test_a_claimed_company_or_own_staff_cannot_prove(acme, claimant):
    proofs.start_proof(claimant, acme)
    boss = make_user("boss")
    make_staff(acme, boss, role="admin")
    db.session.commit()
    with pytest.raises(Conflict, match="already claimed"):
        proofs.start_proof(make_user("late"), acme)
    with pytest.raises(Conflict, match="already claimed"):
        proofs.check_proof(claimant, acme)
    with pytest.raises(Conflict, match="staff"):
        proofs.start_proof(boss, acme)


def test_anonymous_and_unverified_users_cannot_prove(client, acme):
    response = client.post(f"{_claim_page(acme)}/proof")
    assert response.status_code in (302, 303)
    assert "/sign-in" in response.location
    unverified = make_user("newbie", email_verified=False)
    db.session.commit()
    login_as(client, unverified)
    before = snapshot()
    assert client.post(f"{_claim_page(acme)}/proof").status_code == 403
    assert snapshot() == before


def test_check_without_a_token_is_refused(acme, claimant):
    with pytest.raises(Conflict, match="token first"):
        proofs.check_proof(claimant, acme)
