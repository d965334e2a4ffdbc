"""Removing staff and withdrawing invitations."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app.accounts.models import User
from app.companies import staff
from app.companies.models import StaffRole
from app.companies.queries import forget_staff_roles
from app.db import utcnow
from app.errors import Conflict, NotFound, PermissionDenied
from app.extensions import db
from app.policy import Permission, can, is_company_staff
from tests.api.helpers import Api, error_of
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
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


def _revoke_url(user: User) -> str:
    return f"/companies/acme/staff/{user.id}/revoke"


def test_an_admin_removes_an_agent(client):
    company, jane = acme()
    bob = make_staff(company, make_user("bob", display_name="Bob Stone")).user
    save()
    login_as(client, jane)
    page = text(client.get("/companies/acme/staff"))
    assert "Remove Bob Stone (@bob) from Acme staff" in page

    response = client.post(_revoke_url(bob))

    assert response.status_code == 303
    assert response.location == "/companies/acme/staff"
    membership = membership_of(company, bob)
    assert membership is not None  # the row stays: earlier answers keep badge and title
    assert membership.revoked_at is not None and membership.revoked_by_id == jane.id
    assert audit_actions() == [("staff.revoked", company.id, bob.id)]
    page = text(client.get(response.location))
    assert "Bob Stone (@bob) is no longer on Acme's staff." in page
    assert "Remove Bob Stone" not in page
    assert "1 staff member" in page


def test_a_removed_member_loses_staff_rights_at_once():
    company, jane = acme()
    bob = make_staff(company).user
    question = make_question(company)
    answer = make_answer(question)
    # Asked once, so the request's remembered roles are in play.
    assert can(bob, Permission.ANSWER_ENDORSE, answer)
    assert can(bob, Permission.QUESTION_SET_STATUS, question)
    assert is_company_staff(bob, company)

    staff.revoke_staff(jane, company, bob)

    assert not can(bob, Permission.ANSWER_ENDORSE, answer)
    assert not can(bob, Permission.QUESTION_SET_STATUS, question)
    assert not can(bob, Permission.COMPANY_VIEW_UNANSWERED, company)
    assert not is_company_staff(bob, company)


def test_a_removed_admin_loses_the_right_to_manage():
    company, jane = acme()
    other_admin = make_staff(company, role="admin").user
    assert can(other_admin, Permission.STAFF_MANAGE, company)

    staff.revoke_staff(jane, company, other_admin)

    assert not can(other_admin, Permission.STAFF_MANAGE, company)
    assert not can(other_admin, Permission.COMPANY_EDIT, company)
    with pytest.raises(PermissionDenied):
        staff.invite_staff(other_admin, company, email="x@acme.com")


@pytest.mark.parametrize("who", ["company admin", "site admin", "herself"])
def test_the_last_admin_cannot_be_removed(client, who):
    company, jane = acme()
    make_staff(company, role="agent")
    actor = make_user("moderator1", is_admin=True) if who == "site admin" else jane
    save()
    login_as(client, actor)
    before = snapshot()

    response = client.post(_revoke_url(jane))

    assert response.status_code == 409
    assert "Jane Doe (@jane) is Acme's only admin." in text(response)
    assert snapshot() == before


def test_the_staff_page_offers_no_remove_button_for_the_only_admin(client):
    company, jane = acme()
    make_staff(company, make_user("bob", display_name="Bob Stone"))
    save()
    login_as(client, jane)

    page = text(client.get("/companies/acme/staff"))

    assert "Remove Jane Doe" not in page
    assert "The only admin" in page
    assert "Remove Bob Stone (@bob) from Acme staff" in page


def test_one_of_two_admins_may_remove_the_other(client):
    company, jane = acme()
    bob = make_staff(company, make_user("bob"), role="admin").user
    save()
    login_as(client, bob)

    response = client.post(_revoke_url(jane))

    assert response.status_code == 303
    assert not membership_of(company, jane).is_active
    with pytest.raises(Conflict):
        staff.revoke_staff(bob, company, bob)


@pytest.mark.parametrize("who", ["agent", "plain user", "admin of another company"])
def test_only_admin_staff_remove_staff(client, who):
    company, _jane = acme()
    bob = make_staff(company).user
    if who == "agent":
        actor = make_staff(company).user
    elif who == "plain user":
        actor = make_user()
    else:
        actor = make_staff(make_company("Globex", domain="globex.com"), role="admin").user
    save()
    login_as(client, actor)
    before = snapshot()

    response = client.post(_revoke_url(bob))

    assert response.status_code == 403
    assert snapshot() == before


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    company, _jane = acme()
    bob = make_staff(company).user
    save()
    before = snapshot()

    response = client.post(_revoke_url(bob))

    assert response.status_code == 303
    assert urlsplit(response.location).path.endswith("sign-in")
    assert snapshot() == before


def test_removing_someone_who_is_not_staff_is_not_found(client):
    company, jane = acme()
    stranger = make_user()
    former = make_staff(company).user
    staff.revoke_staff(jane, company, former)
    save()
    login_as(client, jane)
    before = snapshot()

    assert client.post(_revoke_url(stranger)).status_code == 404
    assert client.post(_revoke_url(former)).status_code == 404
    assert client.post("/companies/acme/staff/99999999999/revoke").status_code == 404
    assert snapshot() == before


def test_reinviting_a_removed_member_reactivates_their_row(client):
    company, jane = acme()
    bob_membership = make_staff(company, make_user("bob"), role="agent", title="Support")
    bob = bob_membership.user
    row_id = bob_membership.id
    staff.revoke_staff(jane, company, bob)
    token = invite(company, jane, "bob.stone@acme.com", role="admin")
    save()
    login_as(client, bob)

    response = client.post(f"/companies/invitations/{token}", data={"token": token})

    assert response.status_code == 303
    membership = membership_of(company, bob)
    assert membership.id == row_id
    assert membership.is_active and membership.revoked_by_id is None
    assert (membership.role, membership.work_email) == (StaffRole.ADMIN, "bob.stone@acme.com")
    assert [a[0] for a in audit_actions()] == ["staff.revoked", "staff.invited", "staff.joined"]


# Withdrawing invitations ----------------------------------------------------------------


def test_an_admin_withdraws_an_invitation_and_its_link_stops_working(client):
    company, jane = acme()
    invite(company, jane, "bob@acme.com")
    token = token_sent_to("bob@acme.com")
    [invitation] = invitations()
    save()
    login_as(client, jane)

    response = client.post(f"/companies/acme/staff/invitations/{invitation.id}/revoke")

    assert response.status_code == 303
    [invitation] = invitations()
    assert invitation.revoked_at is not None
    assert [a[0] for a in audit_actions()] == ["staff.invited", "invitation.revoked"]
    page = text(client.get("/companies/acme/staff"))
    assert "The invitation to bob@acme.com is withdrawn" in page
    assert "No invitations are waiting." in page
    login_as(client, make_user("bob"))
    save()
    assert client.get(f"/companies/invitations/{token}").status_code == 400


@pytest.mark.parametrize("who", ["agent", "plain user"])
def test_only_admin_staff_withdraw_invitations(client, who):
    company, jane = acme()
    invite(company, jane, "bob@acme.com")
    [invitation] = invitations()
    actor = make_staff(company).user if who == "agent" else make_user()
    save()
    login_as(client, actor)
    before = snapshot()

    response = client.post(f"/companies/acme/staff/invitations/{invitation.id}/revoke")

    assert response.status_code == 403
    assert snapshot() == before


def test_an_invitation_of_another_company_is_not_found_here(client):
    company, jane = acme()
    globex = make_company("Globex", domain="globex.com")
    globex_admin = make_staff(globex, role="admin").user
    invite(globex, globex_admin, "bob@globex.com")
    [invitation] = invitations()
    save()
    login_as(client, jane)
    before = snapshot()

    response = client.post(f"/companies/acme/staff/invitations/{invitation.id}/revoke")

    assert response.status_code == 404
    assert snapshot() == before


def test_an_accepted_invitation_cannot_be_withdrawn_and_twice_is_harmless():
    company, jane = acme()
    token = invite(company, jane, "bob@acme.com")
    invite(company, jane, "carol@acme.com")
    accepted, waiting = invitations()
    staff.accept_invitation(make_user("bob"), token)

    with pytest.raises(Conflict):
        staff.revoke_invitation(jane, accepted)
    staff.revoke_invitation(jane, waiting)
    staff.revoke_invitation(jane, waiting)

    assert [a[0] for a in audit_actions()].count("invitation.revoked") == 1


def test_the_service_refuses_unknown_rows():
    company, jane = acme()
    with pytest.raises(NotFound):
        staff.get_invitation(123456)
    with pytest.raises(NotFound):
        staff.revoke_staff(jane, company, make_user())
    db.session.rollback()


# Power ends when the role ends: a removed admin's invitations --------------------------------


def test_removing_an_admin_withdraws_the_invitations_they_sent_and_only_those(client, monkeypatch):
    company, jane = acme()
    bob = make_staff(company, make_user("bob", display_name="Bob Stone"), role="admin").user
    used = invite(company, bob, "used@acme.com")
    staff.accept_invitation(make_user("used"), used)
    invite(company, bob, "stale@acme.com")
    [*_, stale] = invitations()
    stale.expires_at = utcnow() - timedelta(minutes=1)  # expired: nothing left to withdraw
    bobs = invite(company, bob, "carol@acme.com")
    janes = invite(company, jane, "dave@acme.com")
    globex = make_company("Globex", domain="globex.com")
    make_staff(globex, bob, role="admin")
    forget_staff_roles(bob.id)  # the factory writes the row behind the remembered roles
    elsewhere = invite(globex, bob, "erin@globex.com")  # his power at Globex is untouched
    save()
    login_as(client, jane)

    response = client.post(_revoke_url(bob))

    assert response.status_code == 303
    by_email = {invitation.email: invitation for invitation in invitations()}
    assert by_email["carol@acme.com"].revoked_at is not None
    for untouched in ("used@acme.com", "stale@acme.com", "dave@acme.com", "erin@globex.com"):
        assert by_email[untouched].revoked_at is None, untouched
    assert [entry for entry in audit_actions() if entry[0].endswith("revoked")] == [
        ("staff.revoked", company.id, bob.id),
        ("invitation.revoked", company.id, bob.id),
    ]
    page = text(client.get("/companies/acme/staff"))
    assert "carol@acme.com" not in page and "dave@acme.com" in page
    carol, dave, erin = make_user("carol"), make_user("dave"), make_user("erin")
    save()
    login_as(client, carol)
    refused = client.post(f"/companies/invitations/{bobs}", data={"token": bobs})
    assert refused.status_code == 400
    assert "withdrawn by Acme's admins" in text(refused)
    assert membership_of(company, carol) is None
    login_as(client, dave)
    assert client.post(f"/companies/invitations/{janes}", data={"token": janes}).status_code == 303
    login_as(client, erin)
    assert (
        client.post(f"/companies/invitations/{elsewhere}", data={"token": elsewhere}).status_code
        == 303
    )


def test_removing_staff_through_the_api_withdraws_their_invitations_too(client):
    company, jane = acme()
    bob = make_staff(company, make_user("bob"), role="admin").user
    token = invite(company, bob, "carol@acme.com")
    save()

    response = Api(client, jane).delete(f"/companies/acme/staff/{bob.id}")
    accepted = Api(client, make_user("carol")).post("/invitations/accept", {"token": token})

    assert response.status_code == 204
    assert [invitation.revoked_at is not None for invitation in invitations()] == [True]
    assert accepted.status_code == 400
    assert error_of(accepted)["code"] == "invalid_token"


@pytest.mark.parametrize(
    "how", ["admin row revoked before this rule", "site admin no more", "deleted"]
)
def test_an_invitation_counts_only_while_its_sender_may_still_invite(client, how):
    # Invitations pending from before revoking withdrew them, or from a site admin who is
    # one no more, or from an account since deleted: accepting checks the sender again.
    company, jane = acme()
    if how == "site admin no more":
        sender = make_user("keeper", is_admin=True)
    else:
        sender = make_staff(company, make_user("bob"), role="admin").user
    token = invite(company, sender, "carol@acme.com")
    if how == "admin row revoked before this rule":
        membership_of(company, sender).revoked_at = utcnow()
    elif how == "site admin no more":
        sender.is_admin = False
    else:
        [invitation] = invitations()
        invitation.invited_by_id = None
    forget_staff_roles(sender.id)  # changed behind the roles this test's context remembers
    carol = make_user("carol")
    api = Api(client, carol)
    save()
    login_as(client, carol)
    before = snapshot()

    shown = client.get(f"/companies/invitations/{token}")
    joined = client.post(f"/companies/invitations/{token}", data={"token": token})
    through_api = api.post("/invitations/accept", {"token": token})

    for response in (shown, joined):
        assert response.status_code == 400
        assert "no longer manages Acme's staff" in text(response)
        assert "Ask Acme's admins to invite you again." in text(response)
    assert through_api.status_code == 400
    assert "no longer manages Acme's staff" in error_of(through_api)["message"]
    assert snapshot() == before
    with pytest.raises(staff.InvitationUnusable):
        staff.accept_invitation(carol, token)


def test_a_site_admins_invitation_counts_while_they_are_one(client):
    company, _jane = acme()
    keeper = make_user("keeper", is_admin=True)
    token = invite(company, keeper, "carol@acme.com")
    carol = make_user("carol")
    save()

    membership = staff.accept_invitation(carol, token)

    assert membership.is_active and membership.company_id == company.id
