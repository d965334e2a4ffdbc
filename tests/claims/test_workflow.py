"""The claim workflow as a story through the browser's eyes: request → e-mail → verify →
a site admin approves → the company is claimed and the claimant is its admin."""

from __future__ import annotations

import sqlalchemy as sa

from app.companies.models import ClaimStatus, Company, StaffRole
from app.db import utcnow
from app.extensions import db
from app.policy import Permission, can
from tests.checks import person, snapshot
from tests.claims.helpers import (
    audit_trail,
    claims_of,
    memberships,
    save,
    sent_to,
    text,
    verify_link,
)
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user

WRITES = ("INSERT", "UPDATE", "DELETE")


def test_a_claim_from_request_to_approval(app, client, count_queries):
    acme = make_company("Acme", domain="acme.com")
    jane = make_user("jane", display_name="Jane Doe")
    make_answer(make_question(acme, author=jane), author=make_user())
    keeper = make_user("keeper", is_admin=True)
    save()

    # Jane finds the call to action on Acme's page and asks to claim it.
    login_as(client, jane)
    page = text(client.get("/companies/acme"))
    assert 'href="/companies/acme/claim">Claim this company</a>' in page
    form_page = text(client.get("/companies/acme/claim"))
    assert "<h1>Claim Acme</h1>" in form_page
    assert "It works for 48 hours, once." in form_page

    response = client.post("/companies/acme/claim", data={"work_email": " Jane@ACME.com "})

    assert response.status_code == 303
    assert response.location == "/companies/acme/claim"
    assert "We sent a link to jane@acme.com. It works for 48 hours." in text(
        client.get(response.location)
    )
    (claim,) = claims_of(jane)
    assert (claim.status, claim.work_email) == (ClaimStatus.PENDING_EMAIL, "jane@acme.com")

    # The e-mail went to the work address, with an absolute link that works 48 hours, once.
    (message,) = sent_to("jane@acme.com")
    assert message.subject == "Verify your work e-mail address for Helpsquare"
    assert "works for 48 hours, once" in message.body_text
    path, token = verify_link("jane@acme.com")
    assert f'href="http://helpsquare.test{path}"' in message.body_html

    # Following the link shows a button and changes nothing: mail scanners follow links.
    before = snapshot()
    with count_queries() as statements:
        confirm = client.get(path)
    assert confirm.status_code == 200
    assert '<button type="submit">Verify jane@acme.com</button>' in text(confirm)
    assert [s for s in statements if s.lstrip().upper().startswith(WRITES)] == []
    assert snapshot() == before

    verified = client.post(path, data={"token": token})

    assert verified.status_code == 303
    assert verified.location == "/companies/acme"
    assert "a site admin will review your claim" in text(client.get(verified.location)).lower()
    (claim,) = claims_of(jane)
    assert claim.status is ClaimStatus.EMAIL_VERIFIED
    assert claim.email_verified_at is not None

    # The site admin sees it in the queue, with Jane's activity, and approves it.
    admin_client = app.test_client()
    login_as(admin_client, keeper)
    queue = text(admin_client.get("/admin/claims"))
    assert 'href="/companies/acme">Acme</a>' in queue
    assert f'href="/users/jane">{person("jane", "Jane Doe")}</a>' in queue
    assert "jane@acme.com" in queue
    assert "1 question · 0 answers" in queue

    decided = admin_client.post(
        f"/admin/claims/{claim.id}",
        data={
            f"claim-{claim.id}-decision": "approve",
            f"claim-{claim.id}-note": "Checked: Jane runs support at Acme.",
        },
    )

    assert decided.status_code == 303
    assert decided.location == "/admin/claims"
    assert "Approved: Jane Doe (@jane) is now an admin of Acme" in text(
        admin_client.get("/admin/claims")
    )
    db.session.expire_all()
    company = db.session.execute(sa.select(Company).where(Company.slug == "acme")).scalar_one()
    assert company.claimed_at is not None
    (membership,) = memberships(company)
    assert (membership.user_id, membership.role, membership.work_email) == (
        jane.id,
        StaffRole.ADMIN,
        "jane@acme.com",
    )
    assert membership.is_active
    (claim,) = claims_of(jane)
    assert (claim.status, claim.decided_by_id) == (ClaimStatus.APPROVED, keeper.id)
    assert claim.note == "Checked: Jane runs support at Acme."
    assert audit_trail(company) == [
        ("claim.requested", jane.id, jane.id, "Work e-mail: jane@acme.com"),
        ("claim.verified", jane.id, jane.id, "Work e-mail: jane@acme.com"),
        ("claim.approved", keeper.id, jane.id, "Checked: Jane runs support at Acme."),
    ]
    (decision,) = sent_to(jane.email)
    assert decision.subject == "Your claim on Helpsquare is approved"
    assert "Checked: Jane runs support at Acme." in decision.body_text
    assert "http://helpsquare.test/companies/acme" in decision.body_text

    # Jane now speaks for Acme; the claim link is spent; the page no longer offers a claim.
    assert can(jane, Permission.STAFF_MANAGE, company)
    assert client.post(path, data={"token": token}).status_code == 400
    assert "Claim this company" not in text(client.get("/companies/acme"))

    # The audit log tells who did what, when, and why.
    log = text(admin_client.get("/admin/audit"))
    assert log.index("approved the claim") < log.index("asked to claim the company")
    assert "Checked: Jane runs support at Acme." in log
    assert f'href="/users/keeper">{person("keeper", "Keeper")}</a>' in log


def test_the_link_works_for_someone_not_signed_in(app, client):
    acme = make_company("Acme", domain="acme.com")
    jane = make_user("jane")
    save()
    login_as(client, jane)
    client.post("/companies/acme/claim", data={"work_email": "jane@acme.com"})
    path, token = verify_link("jane@acme.com")

    # Opened on another device, where nobody is signed in.
    elsewhere = app.test_client()
    assert "Verify jane@acme.com" in text(elsewhere.get(path))
    response = elsewhere.post(path, data={"token": token})

    assert response.status_code == 303
    (claim,) = claims_of(jane)
    assert claim.status is ClaimStatus.EMAIL_VERIFIED
    assert [action for action, *_ in audit_trail(acme)] == ["claim.requested", "claim.verified"]


def test_an_anonymous_visitor_is_invited_to_sign_in_to_claim(client):
    make_company("Acme", domain="acme.com")
    save()

    page = text(client.get("/companies/acme"))

    assert '<a href="/sign-in?next=/companies/acme/claim">Sign in to claim this company</a>' in page
    response = client.get("/companies/acme/claim")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


def test_a_claimed_company_offers_no_claim(client):
    make_company("Acme", domain="acme.com", claimed_at=utcnow())
    save()
    login_as(client, make_user())

    assert "Claim this company" not in text(client.get("/companies/acme"))
    page = text(client.get("/companies/acme/claim"))
    assert "Acme is already claimed. Its admins can invite you to join its staff." in page
    assert 'name="work_email"' not in page
