"""Site admins decide verified claims: approve (the company is claimed, the claimant its
admin) or reject with a note. Nothing else grants anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.companies import claims
from app.companies.models import NOTE_MAX, ClaimStatus, Membership, StaffRole
from app.companies.queries import forget_staff_roles
from app.db import utcnow
from app.errors import Conflict, PermissionDenied, ValidationError
from app.extensions import db
from app.policy import Permission, can
from tests.checks import snapshot
from tests.claims.helpers import audit_trail, make_claim, memberships, save, sent_to, text
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user


@pytest.fixture
def keeper():
    return make_user("keeper", is_admin=True)


@pytest.fixture
def acme():
    return make_company("Acme", domain="acme.com")


@pytest.fixture
def jane():
    return make_user("jane", display_name="Jane Doe")


# Approving ---------------------------------------------------------------------------------


def test_approval_claims_the_company_and_makes_the_claimant_its_admin(keeper, acme, jane):
    claim = make_claim(acme, jane, work_email="jane@support.acme.com")
    rival = make_claim(acme, status=ClaimStatus.EMAIL_VERIFIED)
    unverified = make_claim(acme, status=ClaimStatus.PENDING_EMAIL)
    elsewhere = make_claim(status=ClaimStatus.EMAIL_VERIFIED)

    claims.approve_claim(keeper, claim)

    db.session.expire_all()
    assert acme.claimed_at is not None
    (membership,) = memberships(acme)
    assert (membership.user_id, membership.role, membership.work_email) == (
        jane.id,
        StaffRole.ADMIN,
        "jane@support.acme.com",
    )
    assert (claim.status, claim.decided_by_id, claim.note) == (ClaimStatus.APPROVED, keeper.id, "")
    assert claim.decided_at is not None
    assert rival.status is ClaimStatus.EXPIRED
    assert unverified.status is ClaimStatus.EXPIRED
    assert elsewhere.status is ClaimStatus.EMAIL_VERIFIED
    assert audit_trail(acme) == [("claim.approved", keeper.id, jane.id, "")]
    (message,) = sent_to("jane@example.org")
    assert message.subject == "Your claim on Helpsquare is approved"
    assert can(jane, Permission.STAFF_MANAGE, acme)
    assert can(jane, Permission.COMPANY_EDIT, acme)


def test_approval_brings_back_a_revoked_membership_instead_of_a_second_one(keeper, acme, jane):
    old = Membership(
        company_id=acme.id,
        user_id=jane.id,
        role=StaffRole.AGENT,
        title="Support",
        work_email="jane@old.acme.com",
        revoked_at=utcnow() - timedelta(days=30),
        revoked_by_id=keeper.id,
    )
    db.session.add(old)
    claim = make_claim(acme, jane, work_email="jane@acme.com")

    claims.approve_claim(keeper, claim, note="Back again.")

    (membership,) = memberships(acme)
    assert membership.id == old.id
    assert membership.is_active
    assert (membership.role, membership.work_email, membership.revoked_by_id) == (
        StaffRole.ADMIN,
        "jane@acme.com",
        None,
    )


def test_the_note_is_optional_for_approval_but_bounded(keeper, acme, jane):
    claim = make_claim(acme, jane)
    save()
    before = snapshot()

    for note, why in [
        ("x" * (NOTE_MAX + 1), f"Use at most 2,000 characters (this has {NOTE_MAX + 1:,})."),
        ("ok\x00", "This contains a NUL character (\\0), which is not allowed."),
    ]:
        with pytest.raises(ValidationError) as refused:
            claims.approve_claim(keeper, claim, note=note)
        assert refused.value.fields == {"note": why}
        assert snapshot() == before

    claims.approve_claim(keeper, claim, note="  " + "y" * NOTE_MAX + "  ")
    assert claim.note == "y" * NOTE_MAX


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (ClaimStatus.PENDING_EMAIL, "cannot be decided yet: jane@acme.com has not been verified"),
        (ClaimStatus.APPROVED, "already decided: approved"),
        (ClaimStatus.REJECTED, "already decided: rejected"),
        (ClaimStatus.EXPIRED, "has expired"),
    ],
)
@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_only_a_verified_claim_can_be_decided(keeper, acme, jane, status, why, decide):
    claim = make_claim(acme, jane, status=status, work_email="jane@acme.com")
    save()
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        if decide == "approve":
            claims.approve_claim(keeper, claim)
        else:
            claims.reject_claim(keeper, claim, note="No.")

    assert why in refused.value.message
    assert snapshot() == before


def test_a_company_claimed_meanwhile_refuses_the_approval_and_changes_nothing(keeper, acme, jane):
    claim = make_claim(acme, jane)
    save()
    # Claimed by a path that did not expire this claim (a race, or staff set up by hand).
    db.session.execute(sa.update(type(acme)).values(claimed_at=utcnow()))
    save()
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        claims.approve_claim(keeper, claim)

    assert "Acme was claimed meanwhile by another claim" in refused.value.message
    assert snapshot() == before


def test_approving_twice_in_a_row_is_refused_the_second_time(keeper, acme, jane):
    claim = make_claim(acme, jane)
    claims.approve_claim(keeper, claim)
    before = snapshot()

    with pytest.raises(Conflict):
        claims.approve_claim(keeper, claim)

    assert snapshot() == before
    assert len(memberships(acme)) == 1


# Rejecting ---------------------------------------------------------------------------------


def test_rejection_needs_a_reason_and_tells_the_claimant(keeper, acme, jane):
    claim = make_claim(acme, jane)
    save()
    before = snapshot()

    for note in ("", "   ", None):
        with pytest.raises(ValidationError) as refused:
            claims.reject_claim(keeper, claim, note=note)
        assert refused.value.fields == {
            "note": "Say why the claim is rejected: the claimant receives this note."
        }
    assert snapshot() == before

    claims.reject_claim(keeper, claim, note="We could not confirm you work at Acme.")

    db.session.expire_all()
    assert (claim.status, claim.decided_by_id) == (ClaimStatus.REJECTED, keeper.id)
    assert claim.note == "We could not confirm you work at Acme."
    assert acme.claimed_at is None
    assert memberships(acme) == []
    assert audit_trail(acme) == [
        ("claim.rejected", keeper.id, jane.id, "We could not confirm you work at Acme.")
    ]
    (message,) = sent_to("jane@example.org")
    assert message.subject == "Your claim on Helpsquare was not approved"
    assert "We could not confirm you work at Acme." in message.body_text
    assert "We could not confirm you work at Acme." in message.body_html


# Claims grant nothing until approved -------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        ClaimStatus.PENDING_EMAIL,
        ClaimStatus.EMAIL_VERIFIED,
        ClaimStatus.EXPIRED,
        ClaimStatus.REJECTED,
    ],
)
@pytest.mark.parametrize("claimed", [False, True], ids=["unclaimed", "claimed by others"])
def test_a_claim_that_is_not_approved_grants_nothing(acme, jane, status, claimed):
    if claimed:
        make_staff(acme, role="admin")
    make_claim(acme, jane, status=status)
    answer = make_answer(make_question(acme), author=make_user())
    membership = make_staff(make_company("Other"), jane, role="admin")  # admin elsewhere only
    forget_staff_roles(jane.id)

    assert not can(jane, Permission.ANSWER_ENDORSE, answer)
    assert not can(jane, Permission.QUESTION_SET_STATUS, answer.question)
    assert not can(jane, Permission.STAFF_MANAGE, acme)
    assert not can(jane, Permission.COMPANY_EDIT, acme)
    assert not can(jane, Permission.COMPANY_VIEW_UNANSWERED, acme)
    assert can(jane, Permission.STAFF_MANAGE, membership.company)


# Who may decide ----------------------------------------------------------------------------


def test_only_site_admins_decide_claims_in_the_service(acme, jane):
    claim = make_claim(acme, jane)
    company_admin = make_staff(make_company("Other"), role="admin").user
    save()
    before = snapshot()

    for user in (jane, make_user("stranger"), company_admin):
        with pytest.raises(PermissionDenied):
            claims.approve_claim(user, claim)
        with pytest.raises(PermissionDenied):
            claims.reject_claim(user, claim, note="No.")

    assert len(snapshot()["users"]) == len(before["users"]) + 1
    assert {k: v for k, v in snapshot().items() if k != "users"} == {
        k: v for k, v in before.items() if k != "users"
    }


ADMIN_PAGES = [
    ("get", "/admin/claims", {}),
    ("get", "/admin/claims?status=approved", {}),
    ("get", "/admin/audit", {}),
    ("get", "/admin/claims/{id}", {}),
    ("post", "/admin/claims/{id}", {"claim-{id}-decision": "approve"}),
    ("post", "/admin/claims/{id}", {"claim-{id}-decision": "reject", "claim-{id}-note": "No."}),
]


@pytest.mark.parametrize(
    "role", ["anonymous", "user", "claimant", "company staff", "company admin"]
)
@pytest.mark.parametrize(("method", "url", "data"), ADMIN_PAGES)
def test_only_site_admins_see_the_queue_decide_and_read_the_log(
    client, acme, jane, role, method, url, data
):
    claim = make_claim(acme, jane)
    other = make_company("Other", domain="other.com")
    people = {
        "user": make_user("stranger"),
        "claimant": jane,
        "company staff": make_staff(other).user,
        "company admin": make_staff(other, role="admin").user,
    }
    save()
    if role != "anonymous":
        login_as(client, people[role])
    before = snapshot()

    url = url.format(id=claim.id)
    data = {key.format(id=claim.id): value for key, value in data.items()}
    response = getattr(client, method)(url, data=data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response.location.startswith("/sign-in")
    else:
        assert response.status_code == 403
    assert snapshot() == before


def test_an_unknown_claim_is_not_found(client, keeper):
    save()
    login_as(client, keeper)

    for claim_id in ("999999", "99999999999999999999"):
        response = client.post(f"/admin/claims/{claim_id}", data={"decision": "approve"})
        assert response.status_code == 404
        assert client.get(f"/admin/claims/{claim_id}").status_code == 404


# One claim on its own page -----------------------------------------------------------------


def test_the_queue_opens_a_claim_on_its_own_page_with_the_decision_form(
    client, keeper, acme, jane, count_queries
):
    claim = make_claim(acme, jane)
    save()
    login_as(client, keeper)
    queue = text(client.get("/admin/claims"))
    assert f'<a href="/admin/claims/{claim.id}">Open the claim on Acme</a>' in queue

    with count_queries() as statements:
        response = client.get(f"/admin/claims/{claim.id}")

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Claim on Acme</h1>" in page and "jane@acme.com" in page
    assert f'action="/admin/claims/{claim.id}"' in page
    assert "Approve: make Jane Doe (@jane) admin of Acme" in page
    assert "Open the claim on Acme" not in page  # no link to the page it is on
    # The signed-in admin, the claim with all it shows, and the moderators' header count.
    assert len(statements) == 3, statements


def test_a_refused_decision_can_be_reloaded_and_a_decided_claim_has_no_form(
    client, keeper, acme, jane
):
    claim = make_claim(acme, jane)
    save()
    login_as(client, keeper)
    refused = client.post(
        f"/admin/claims/{claim.id}",
        data={f"claim-{claim.id}-decision": "reject", f"claim-{claim.id}-note": ""},
    )
    assert refused.status_code == 422
    # The browser shows the refused decision at the claim's address; opening it again
    # (reload, back, a kept link) reads the same claim, not "method not allowed".
    assert client.get(f"/admin/claims/{claim.id}").status_code == 200

    claims.reject_claim(keeper, claim, note="Not an Acme address we know.")
    save()
    page = text(client.get(f"/admin/claims/{claim.id}"))
    assert "Note: Not an Acme address we know." in page
    assert f'action="/admin/claims/{claim.id}"' not in page


# Deciding through the queue ----------------------------------------------------------------


def test_a_rejection_without_a_reason_is_shown_again_with_the_field_error(
    client, keeper, acme, jane
):
    claim = make_claim(acme, jane)
    save()
    login_as(client, keeper)
    before = snapshot()

    response = client.post(
        f"/admin/claims/{claim.id}",
        data={f"claim-{claim.id}-decision": "reject", f"claim-{claim.id}-note": "   "},
    )

    assert response.status_code == 422
    page = text(response)
    assert (
        f'<p class="field__error" id="claim-{claim.id}-note-error">'
        "Say why the claim is rejected: the claimant receives this note.</p>"
    ) in page
    assert "jane@acme.com" in page
    assert snapshot() == before


def test_a_rejection_through_the_queue(client, keeper, acme, jane):
    claim = make_claim(acme, jane)
    save()
    login_as(client, keeper)

    response = client.post(
        f"/admin/claims/{claim.id}",
        data={
            f"claim-{claim.id}-decision": "reject",
            f"claim-{claim.id}-note": "Not an Acme address we know.",
        },
    )

    assert response.status_code == 303
    assert "Rejected the claim of Jane Doe (@jane) on Acme." in text(client.get(response.location))
    db.session.expire_all()
    assert (claim.status, claim.note) == (ClaimStatus.REJECTED, "Not an Acme address we know.")
    rejected_tab = text(client.get("/admin/claims?status=rejected"))
    assert "Note: Not an Acme address we know." in rejected_tab


def test_a_decision_on_a_claim_already_decided_says_so(client, keeper, acme, jane):
    claim = make_claim(acme, jane, status=ClaimStatus.APPROVED)
    save()
    login_as(client, keeper)
    before = snapshot()

    response = client.post(
        f"/admin/claims/{claim.id}", data={f"claim-{claim.id}-decision": "approve"}
    )

    assert response.status_code == 409
    assert "This claim was already decided: approved." in text(response)
    assert snapshot() == before


def test_an_unknown_decision_changes_nothing(client, keeper, acme, jane):
    claim = make_claim(acme, jane)
    save()
    login_as(client, keeper)
    before = snapshot()

    response = client.post(
        f"/admin/claims/{claim.id}", data={f"claim-{claim.id}-decision": "delete"}
    )

    assert response.status_code == 422
    assert snapshot() == before
