"""Inviting staff: a company admin invites by work e-mail, the invitee joins from the link."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import url_for

from app import db as app_db
from app.companies import staff
from app.companies.models import StaffRole
from app.db import utcnow
from app.errors import Conflict, PermissionDenied, ValidationError
from app.extensions import db
from app.mail.models import OutboxMessage
from app.policy import is_company_staff
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.staff.helpers import (
    acme,
    audit_actions,
    invitations,
    invite,
    membership_of,
    save,
    text,
    token_sent_to,
)

INVITE_URL = "/companies/acme/staff/invitations"


def _assert_sent_to_sign_in(response) -> None:  # noqa: ANN001
    assert response.status_code in (302, 303)
    assert urlsplit(response.location).path == url_for("accounts.sign_in", _external=False)


def test_an_admin_invites_and_the_invitee_joins_as_agent(client):
    company, jane = acme()
    bob = make_user("bob", display_name="Bob Stone", email="bob@gmail.example")
    save()
    login_as(client, jane)

    response = client.post(INVITE_URL, data={"email": " Bob@Support.ACME.com ", "role": "agent"})

    assert response.status_code == 303
    assert response.location == "/companies/acme/staff"
    [invitation] = invitations()
    assert (invitation.email, invitation.role, invitation.invited_by_id) == (
        "bob@support.acme.com",
        StaffRole.AGENT,
        jane.id,
    )
    assert invitation.expires_at - invitation.created_at == timedelta(hours=48)
    assert invitation.accepted_at is None
    page = text(client.get(response.location))
    assert "Invitation sent to bob@support.acme.com." in page
    assert "bob@support.acme.com as agent · invited by Jane Doe @jane" in page
    assert "Withdraw the invitation to bob@support.acme.com" in page

    # The e-mail: who invited, to which company, as what, the link, how long it works.
    message = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert message.to_address == "bob@support.acme.com"
    # Its subject is fixed (the address is not proven yet); the body says who and where.
    assert message.subject == "You are invited to join a company's staff on Helpsquare"
    assert (
        "Jane Doe (@jane) invites you to join Acme's staff on Helpsquare as agent."
        in message.body_text
    )
    assert "The link works for 48 hours, once." in message.body_text
    token = token_sent_to("bob@support.acme.com")
    assert token in message.body_html
    assert "48 hours, once" in message.body_html

    # The invitee opens the link signed in with an account of another address: nothing written.
    login_as(client, bob)
    before = snapshot()
    response = client.get(f"/companies/invitations/{token}")
    assert response.status_code == 200
    page = text(response)
    assert "Acme invites you to join its staff as agent." in page
    assert ">Join Acme</button>" in response.get_data(as_text=True)
    assert f'name="token" type="hidden" value="{token}"' in response.get_data(as_text=True)
    assert snapshot() == before

    response = client.post(f"/companies/invitations/{token}", data={"token": token})

    assert response.status_code == 303
    assert response.location == "/companies/acme"
    membership = membership_of(company, bob)
    assert membership is not None and membership.is_active
    assert (membership.role, membership.work_email) == (StaffRole.AGENT, "bob@support.acme.com")
    [invitation] = invitations()
    assert invitation.accepted_by_id == bob.id and invitation.accepted_at is not None
    assert audit_actions() == [
        ("staff.invited", company.id, None),
        ("staff.joined", company.id, bob.id),
    ]
    assert is_company_staff(bob, company)
    assert "Welcome to Acme's staff." in text(client.get(response.location))
    staff_page = text(client.get("/companies/acme/staff"))
    assert "Bob Stone @bob Agent · staff since" in staff_page


def test_an_invitation_as_admin_makes_an_admin(client):
    company, jane = acme()
    bob = make_user("bob")
    token = invite(company, jane, "bob@acme.com", role="admin")
    save()
    login_as(client, bob)

    assert "join its staff as admin" in text(client.get(f"/companies/invitations/{token}"))
    client.post(f"/companies/invitations/{token}", data={"token": token})

    assert membership_of(company, bob).role == StaffRole.ADMIN
    assert is_company_staff(bob, company, admin=True)


def test_a_site_admin_may_invite_to_a_claimed_company(client):
    acme()
    moderator = make_user("moderator1", is_admin=True)
    save()
    login_as(client, moderator)

    response = client.post(INVITE_URL, data={"email": "bob@acme.com", "role": "admin"})

    assert response.status_code == 303
    assert [(i.email, i.role) for i in invitations()] == [("bob@acme.com", StaffRole.ADMIN)]


# Who may not invite ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["agent", "plain user", "staff of another company"])
def test_only_admin_staff_invite(client, who):
    company, _jane = acme()
    if who == "agent":
        user = make_staff(company, role="agent").user
    elif who == "plain user":
        user = make_user()
    else:
        user = make_staff(make_company("Globex", domain="globex.com"), role="admin").user
    save()
    login_as(client, user)
    before = snapshot()

    response = client.post(INVITE_URL, data={"email": "bob@acme.com", "role": "agent"})

    assert response.status_code == 403
    assert snapshot() == before


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    acme()
    save()
    before = snapshot()

    response = client.post(INVITE_URL, data={"email": "bob@acme.com", "role": "agent"})

    _assert_sent_to_sign_in(response)
    assert snapshot() == before


def test_the_invite_form_is_shown_only_to_those_who_may_invite(client):
    company, jane = acme()
    agent = make_staff(company, role="agent").user
    save()

    assert "Send invitation" not in text(client.get("/companies/acme/staff"))
    login_as(client, agent)
    assert "Send invitation" not in text(client.get("/companies/acme/staff"))
    login_as(client, jane)
    assert "Send invitation" in text(client.get("/companies/acme/staff"))


def test_an_unclaimed_company_takes_no_staff(client):
    make_company("Acme", slug="acme", domain="acme.com")
    user = make_user()
    moderator = make_user("moderator1", is_admin=True)
    save()
    before = snapshot()

    login_as(client, user)
    assert client.post(INVITE_URL, data={"email": "bob@acme.com"}).status_code == 403
    login_as(client, moderator)
    response = client.post(INVITE_URL, data={"email": "bob@acme.com", "role": "agent"})

    assert response.status_code == 409
    assert "Acme has not been claimed yet" in text(response)
    assert snapshot() == before


# What is refused at the fields ----------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "bob@gmail.com",
        "bob@acme.com.evil.io",
        "bob@notacme.com",
        "bob@acme.co",
    ],
)
def test_an_address_outside_the_domain_is_refused_at_the_field(client, email):
    _company, jane = acme()
    save()
    login_as(client, jane)
    before = snapshot()

    response = client.post(INVITE_URL, data={"email": email, "role": "admin"})

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="email-error"' in body
    assert "Use your work e-mail at acme.com" in text(response)
    assert f'value="{email}"' in body  # what was typed stays
    assert re.search(r'<input checked[^>]*value="admin"', body)  # and the role chosen
    assert snapshot() == before


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter the work e-mail address of the person to invite."),
        ("bob\x00@acme.com", "NUL"),
        ("not an address", "valid e-mail"),
    ],
)
def test_a_missing_or_broken_address_is_refused(client, email, error):
    _company, jane = acme()
    save()
    login_as(client, jane)
    before = snapshot()

    response = client.post(INVITE_URL, data={"email": email, "role": "agent"})

    assert response.status_code == 422
    assert error in text(response)
    assert snapshot() == before


def test_an_unknown_role_is_refused(client):
    _company, jane = acme()
    save()
    login_as(client, jane)
    before = snapshot()

    response = client.post(INVITE_URL, data={"email": "bob@acme.com", "role": "owner"})

    assert response.status_code == 422
    assert snapshot() == before


def test_the_service_refuses_an_unknown_role_at_the_role_field():
    company, jane = acme()

    with pytest.raises(ValidationError) as refused:
        staff.invite_staff(jane, company, email="bob@acme.com", role="owner")

    assert set(refused.value.fields) == {"role"}


def test_the_service_reports_a_foreign_address_at_the_email_field():
    company, jane = acme()

    with pytest.raises(ValidationError) as refused:
        staff.invite_staff(jane, company, email="bob@evil.io")

    assert set(refused.value.fields) == {"email"}


def test_someone_already_on_the_staff_is_not_invited_again(client):
    company, jane = acme()
    save()
    login_as(client, jane)
    before = snapshot()

    # Jane joined with jane@acme.com (the factory's work address is <username>@<domain>).
    response = client.post(INVITE_URL, data={"email": "JANE@acme.com", "role": "agent"})

    assert response.status_code == 422
    assert "jane@acme.com is already on Acme's staff." in text(response)
    assert snapshot() == before


def test_a_second_pending_invitation_to_the_same_address_is_refused(client):
    company, jane = acme()
    invite(company, jane, "bob@acme.com")
    save()
    login_as(client, jane)
    before = snapshot()

    response = client.post(INVITE_URL, data={"email": "bob@acme.com", "role": "admin"})

    assert response.status_code == 422
    assert "bob@acme.com already has an invitation waiting." in text(response)
    assert snapshot() == before


def test_an_expired_invitation_does_not_block_a_new_one(client, monkeypatch):
    company, jane = acme()
    invite(company, jane, "bob@acme.com")
    save()
    later = utcnow() + timedelta(hours=49)
    monkeypatch.setattr(app_db, "CLOCK", lambda: later)
    login_as(client, jane)

    response = client.post(INVITE_URL, data={"email": "bob@acme.com", "role": "agent"})

    assert response.status_code == 303
    assert len(invitations()) == 2


def test_the_service_refuses_the_unclaimed_and_the_unauthorised():
    unclaimed = make_company("Initech", domain="initech.com")
    moderator = make_user("moderator1", is_admin=True)
    company, _jane = acme()
    agent = make_staff(company).user

    with pytest.raises(Conflict):
        staff.invite_staff(moderator, unclaimed, email="bob@initech.com")
    with pytest.raises(PermissionDenied):
        staff.invite_staff(agent, company, email="bob@acme.com")
    assert invitations() == []
