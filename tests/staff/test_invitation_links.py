"""Invitation links: signed, single-use, expiring, bound to their purpose and invitation.

Every refused link answers with an explanation and changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
from flask_login import AnonymousUserMixin

from app import db as app_db
from app.companies import staff
from app.db import utcnow
from app.errors import Conflict, PermissionDenied
from app.extensions import db
from app.tokens import Purpose, make_token
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import PASSWORD, make_staff, make_user
from tests.staff.helpers import acme, invitations, invite, membership_of, save, text


def _open_and_join(client, token: str):  # noqa: ANN001, ANN202 - a test client and response
    """GET the invitation page, then press "Join": both answers."""
    return (
        client.get(f"/companies/invitations/{token}"),
        client.post(f"/companies/invitations/{token}", data={"token": token}),
    )


def _later(monkeypatch, by: timedelta) -> None:  # noqa: ANN001
    moment = utcnow() + by
    monkeypatch.setattr(app_db, "CLOCK", lambda: moment)


def test_the_link_expires_after_48_hours(client, monkeypatch):
    company, jane = acme()
    bob = make_user("bob")
    token = invite(company, jane, "bob@acme.com")
    save()
    login_as(client, bob)
    _later(monkeypatch, timedelta(hours=48, seconds=1))
    before = snapshot()

    shown, joined = _open_and_join(client, token)

    for response in (shown, joined):
        assert response.status_code == 400
        assert "has expired" in text(response)
        assert "48 hours" in text(response)
        assert "Join Acme</button>" not in response.get_data(as_text=True)
    assert snapshot() == before
    assert membership_of(company, bob) is None


def test_the_link_still_works_just_before_it_expires(client, monkeypatch):
    company, jane = acme()
    bob = make_user("bob")
    token = invite(company, jane, "bob@acme.com")
    save()
    login_as(client, bob)
    _later(monkeypatch, timedelta(hours=47, minutes=59))

    _shown, joined = _open_and_join(client, token)

    assert joined.status_code == 303
    assert membership_of(company, bob).is_active


def test_an_invitation_past_its_expiry_time_is_refused_even_with_a_fresh_signature(
    client, monkeypatch
):
    company, jane = acme()
    bob = make_user("bob")
    invite(company, jane, "bob@acme.com")
    [invitation] = invitations()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    token = make_token(Purpose.STAFF_INVITATION, invitation.id, "pending")
    save()
    login_as(client, bob)
    before = snapshot()

    shown, joined = _open_and_join(client, token)

    assert (shown.status_code, joined.status_code) == (400, 400)
    assert "Ask Acme's admins to invite you again." in text(joined)
    assert snapshot() == before


def test_a_link_works_once(client):
    company, jane = acme()
    bob, eve = make_user("bob"), make_user("eve")
    token = invite(company, jane, "bob@acme.com")
    save()
    login_as(client, bob)
    assert client.post(f"/companies/invitations/{token}", data={"token": token}).status_code == 303
    login_as(client, eve)
    before = snapshot()

    shown, joined = _open_and_join(client, token)

    for response in (shown, joined):
        assert response.status_code == 400
        assert "already been used" in text(response)
    assert snapshot() == before
    assert membership_of(company, eve) is None


def test_a_tampered_link_is_refused(client):
    company, jane = acme()
    bob = make_user("bob")
    token = invite(company, jane, "bob@acme.com")
    save()
    login_as(client, bob)
    before = snapshot()
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")

    for bad in (tampered, "guessed-token", "x" * 600):
        shown, joined = _open_and_join(client, bad)
        assert (shown.status_code, joined.status_code) == (400, 400)
        assert "That invitation link is not valid." in text(joined)
    assert snapshot() == before


def test_a_token_made_for_another_purpose_is_refused(client):
    company, jane = acme()
    bob = make_user("bob")
    invite(company, jane, "bob@acme.com")
    [invitation] = invitations()
    # A claim-verification token naming the same id (say, a claim of the same number).
    token = make_token(Purpose.CLAIM_VERIFY, invitation.id, "pending")
    save()
    login_as(client, bob)
    before = snapshot()

    shown, joined = _open_and_join(client, token)

    assert (shown.status_code, joined.status_code) == (400, 400)
    assert snapshot() == before


def test_a_token_naming_another_invitation_or_version_is_refused(client):
    company, jane = acme()
    bob = make_user("bob")
    invite(company, jane, "bob@acme.com")
    [invitation] = invitations()
    save()
    login_as(client, bob)
    before = snapshot()

    for token in (
        make_token(Purpose.STAFF_INVITATION, invitation.id + 1000, "pending"),
        make_token(Purpose.STAFF_INVITATION, invitation.id, "accepted"),
    ):
        shown, joined = _open_and_join(client, token)
        assert (shown.status_code, joined.status_code) == (400, 400)
    assert snapshot() == before


def test_a_withdrawn_invitation_is_refused(client):
    company, jane = acme()
    bob = make_user("bob")
    token = invite(company, jane, "bob@acme.com")
    [invitation] = invitations()
    staff.revoke_invitation(jane, invitation)
    save()
    login_as(client, bob)
    before = snapshot()

    shown, joined = _open_and_join(client, token)

    for response in (shown, joined):
        assert response.status_code == 400
        assert "withdrawn by Acme's admins" in text(response)
    assert snapshot() == before


def test_a_company_that_lost_its_claim_takes_no_one(client):
    company, jane = acme()
    bob = make_user("bob")
    token = invite(company, jane, "bob@acme.com")
    company.claimed_at = None
    save()
    login_as(client, bob)
    before = snapshot()

    shown, joined = _open_and_join(client, token)

    assert (shown.status_code, joined.status_code) == (400, 400)
    assert snapshot() == before


def test_someone_already_on_the_staff_is_told_so_and_the_link_stays_unused(client):
    company, jane = acme()
    agent = make_staff(company, role="agent").user
    token = invite(company, jane, "someone@acme.com", role="admin")
    save()
    login_as(client, agent)
    before = snapshot()

    shown = client.get(f"/companies/invitations/{token}")
    joined = client.post(f"/companies/invitations/{token}", data={"token": token})

    assert shown.status_code == 200
    assert "You are already on Acme's staff." in text(shown)
    assert "Join Acme</button>" not in shown.get_data(as_text=True)
    assert joined.status_code == 409
    assert "You are already on Acme's staff." in text(joined)
    assert snapshot() == before


def test_an_anonymous_visitor_signs_in_first_and_comes_back(client):
    company, jane = acme()
    token = invite(company, jane, "bob@acme.com")
    save()
    before = snapshot()

    shown, joined = _open_and_join(client, token)

    for response in (shown, joined):
        assert response.status_code in (302, 303)
        target = urlsplit(response.location)
        assert target.path == "/sign-in" or target.path.endswith("sign-in")
        assert unquote(target.query) == f"next=/companies/invitations/{token}"
    assert snapshot() == before


def test_joining_needs_the_token_in_the_form(client):
    company, jane = acme()
    bob = make_user("bob")
    token = invite(company, jane, "bob@acme.com")
    save()
    login_as(client, bob)
    before = snapshot()

    response = client.post(f"/companies/invitations/{token}", data={})

    assert response.status_code == 400
    assert snapshot() == before


def test_the_service_wants_a_signed_in_user():
    company, jane = acme()
    token = invite(company, jane, "bob@acme.com")

    with pytest.raises(PermissionDenied):
        staff.accept_invitation(AnonymousUserMixin(), token)
    with pytest.raises(staff.InvitationUnusable):
        staff.accept_invitation(make_user(), "not-a-token")


def test_the_service_refuses_active_staff_without_using_the_link():
    company, jane = acme()
    token = invite(company, jane, "other@acme.com")

    with pytest.raises(Conflict):
        staff.accept_invitation(jane, token)

    db.session.rollback()
    [invitation] = invitations()
    assert invitation.accepted_at is None


def test_a_company_page_named_invitations_cannot_shadow_the_links(client):
    # "invitations" is a reserved company slug; a link segment is never read as a company.
    response = client.get("/companies/invitations/staff")

    assert response.status_code in (302, 303)  # an anonymous visitor signs in first
    login_as(client, make_user())
    save()
    assert client.get("/companies/invitations/staff").status_code == 400


def test_after_signing_in_the_invitee_is_back_on_the_invitation(client):
    company, jane = acme()
    make_user("bob", email="bob@gmail.example")
    token = invite(company, jane, "bob@acme.com")
    save()
    sign_in_url = client.get(f"/companies/invitations/{token}").location

    response = client.post(sign_in_url, data={"login": "bob", "password": PASSWORD})

    assert response.status_code in (302, 303)
    assert response.location == f"/companies/invitations/{token}"
    assert "Acme invites you to join its staff as agent." in text(client.get(response.location))
