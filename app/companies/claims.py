"""The claim workflow: ask to speak for a company, verify the work e-mail, a site admin decides.

1. A signed-in user asks to claim an unclaimed company with a work e-mail at its domain;
   Helpsquare e-mails a single-use link that works for 48 hours to that address.
2. Following the link (and pressing the button it shows) verifies the address.
3. A site admin approves or rejects the verified claim, with a note. Approval claims the
   company and makes the claimant its admin staff, in one transaction.

Every step goes into the audit log. The services are here, with the verification link
they check; the reads the claim pages and the review queue need are in
``app.companies.claim_queries``.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.companies.models import NOTE_MAX, Claim, ClaimStatus, Company, Membership, StaffRole
from app.companies.queries import forget_staff_roles
from app.companies.services import NUL_MESSAGE, check_work_email, too_long
from app.db import utcnow
from app.errors import Conflict, DomainError, PermissionDenied, RateLimited, ValidationError
from app.extensions import db
from app.i18n import _, _l
from app.mail import queue_message
from app.moderation import audit
from app.notifications.models import NotificationKind
from app.notifications.services import Event, add_follow, notify
from app.policy import Permission, is_company_staff, require
from app.tokens import InvalidToken, Purpose, make_token, read_token

# How long the verification link works (and the pending claim lives).
CLAIM_LINK_AGE = timedelta(hours=48)
CLAIM_LINK_HOURS = 48
# The verification e-mail goes to an address the user typed: a cap per user keeps
# Helpsquare from being used to send mail to strangers.
CLAIMS_PER_DAY = 5
# Fixed subjects: the verification e-mail goes to an address not yet proven to be the
# claimant's, and a subject is what an inbox shows before anyone opens the mail; a company
# name anyone can type ("Your account is locked – act now") has no place there. The decision
# goes to the account's own address; it names no company either, so it cannot be misused
# while e-mail verification is switched off. The bodies name the company.
CLAIM_VERIFY_SUBJECT = _l("Verify your work e-mail address for Helpsquare")
CLAIM_APPROVED_SUBJECT = _l("Your claim on Helpsquare is approved")
CLAIM_REJECTED_SUBJECT = _l("Your claim on Helpsquare was not approved")

LINK_INVALID = _l(
    "That link does not work. It may be cut short or mistyped: copy the whole link from the "
    "e-mail, or ask to claim the company again to get a new one."
)
LINK_EXPIRED = _l(
    "That link has expired: verification links work for %(hours)s hours. "
    "Ask to claim the company again to get a new one.",
    hours=CLAIM_LINK_HOURS,
)
WRONG_ACCOUNT = _l(
    "This link verifies a claim made from another Helpsquare account. Sign out (or sign in "
    "as the person who asked to claim the company) and follow the link again."
)


DECIDED_MEANWHILE = _l("This claim was decided meanwhile by someone else. Nothing was changed.")


class ClaimLinkInvalid(DomainError):
    """A verification link that is unknown, tampered, expired, used, or made for something
    else. Nothing changes (apart from an expired claim being marked so)."""

    status = 400
    code = "invalid_link"


class ClaimAwaitingReview(ClaimLinkInvalid):
    """A used link whose claim is verified and waiting for a site admin's review: nothing to
    do with the link, and nothing wrong either (its page says so, not "invalid link")."""

    def __init__(self, message: str, claim: Claim) -> None:
        super().__init__(message)
        self.claim = claim


class TooManyClaims(RateLimited):
    """More claims in a day than anybody needs; ``retry_after`` counts the seconds until
    the oldest claim of the last 24 hours leaves them."""


# Services --------------------------------------------------------------------------------


def request_claim(user: Any, company: Company, *, work_email: Any) -> Claim:
    """A signed-in user asks to claim a company, giving a work e-mail at its domain.

    The address must be at the company's domain or a subdomain of it (``jane@acme.com``,
    ``jane@support.acme.com``). Refused: a company that is already claimed (its admins
    invite staff instead), someone already on its staff, someone whose verified claim on it
    is already waiting for review, and more than ``CLAIMS_PER_DAY`` claims by one user
    within 24 hours. Earlier unverified claims by the same user on the same company expire,
    so each user has one live claim per company. A link that works once, for 48 hours, is
    e-mailed to the work address.
    """
    require(user, Permission.CLAIM_CREATE, company)
    if is_company_staff(user, company):
        raise Conflict(_("You are already on %(company)s's staff.", company=company.name))
    if company.is_claimed:
        raise Conflict(
            _(
                "%(company)s is already claimed. Its admins can invite you to join its staff.",
                company=company.name,
            )
        )
    if isinstance(work_email, str) and not work_email.strip():
        why = _(
            "Enter your work e-mail at %(domain)s, like jane@%(domain)s.", domain=company.domain
        )
        raise ValidationError(why, fields={"work_email": why})
    email = check_work_email(work_email, company.domain)

    now = utcnow()
    waiting = db.session.execute(
        sa.select(Claim.work_email)
        .where(
            Claim.user_id == user.id,
            Claim.company_id == company.id,
            Claim.status == ClaimStatus.EMAIL_VERIFIED,
        )
        .limit(1)
    ).scalar_one_or_none()
    if waiting is not None:
        raise Conflict(
            _(
                "Your claim on %(company)s (%(email)s) is already verified and waiting for a "
                "site admin's review. We will e-mail you the decision.",
                company=company.name,
                email=waiting,
            )
        )
    recent = db.session.execute(
        sa.select(sa.func.count())
        .select_from(Claim)
        .where(Claim.user_id == user.id, Claim.created_at > now - timedelta(days=1))
    ).scalar_one()
    if recent >= CLAIMS_PER_DAY:
        # The day's allowance comes back when the CLAIMS_PER_DAY-th newest claim is a day old.
        oldest_counted = db.session.execute(
            sa.select(Claim.created_at)
            .where(Claim.user_id == user.id)
            .order_by(Claim.created_at.desc())
            .offset(CLAIMS_PER_DAY - 1)
            .limit(1)
        ).scalar_one()
        raise TooManyClaims(
            _(
                "You have asked to claim companies %(num)s times in the last 24 hours, the "
                "most we allow. Please use the links we sent, or try again tomorrow.",
                num=recent,
            ),
            retry_after=math.ceil((oldest_counted + timedelta(days=1) - now).total_seconds()),
        )

    # One live claim per user per company: a new request replaces an unverified one.
    db.session.execute(
        sa.update(Claim)
        .where(
            Claim.user_id == user.id,
            Claim.company_id == company.id,
            Claim.status == ClaimStatus.PENDING_EMAIL,
        )
        .values(status=ClaimStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    claim = Claim(
        company_id=company.id,
        user_id=user.id,
        work_email=email,
        status=ClaimStatus.PENDING_EMAIL,
        created_at=now,
        expires_at=now + CLAIM_LINK_AGE,
    )
    db.session.add(claim)
    db.session.flush()
    audit.record(
        user,
        "claim.requested",
        company_id=company.id,
        subject_user_id=user.id,
        note=f"Work e-mail: {email}",
    )
    # The token's version is the status it was issued in: once the claim moves on, the
    # link is spent.
    token = make_token(Purpose.CLAIM_VERIFY, claim.id, ClaimStatus.PENDING_EMAIL.value)
    queue_message(
        email,
        CLAIM_VERIFY_SUBJECT,
        "claim_verify",
        user=user,
        company=company,
        work_email=email,
        link=url_for("companies.verify_claim", token=token, _external=True),
        hours=CLAIM_LINK_HOURS,
        language=user.email_language,  # the claimant's own, at their work address
    )
    db.session.commit()
    return claim


def link_is_for(user: Any, claim: Claim) -> bool:
    """Whether ``user`` may follow the claim's link: anybody who is not signed in (the link
    proves control of the work address), or the claimant themself."""
    if user is None or not user.is_authenticated:
        return True
    return bool(user.id == claim.user_id)


def verify_claim(user: Any, token: Any) -> Claim:
    """Following the e-mailed link marks the claim's work e-mail verified.

    The link works once, for 48 hours, whether or not the person following it is signed
    in (it proves control of the address), but not for a different signed-in account.
    Only a claim still waiting for its e-mail is verified; a claim whose time ran out is
    marked expired. Any other link (tampered, reused, made for something else) changes
    nothing.
    """
    claim = claim_for_token(token, check_expiry=False)
    if not link_is_for(user, claim):
        raise PermissionDenied(str(WRONG_ACCOUNT))
    now = utcnow()
    company = claim.company
    if claim.expires_at <= now or company.is_claimed:
        claim.status = ClaimStatus.EXPIRED
        db.session.commit()
        if company.is_claimed:
            raise Conflict(
                _(
                    "%(company)s was claimed meanwhile. Its admins can invite you to join "
                    "its staff.",
                    company=company.name,
                )
            )
        raise ClaimLinkInvalid(str(LINK_EXPIRED))
    # Conditional, so two clicks at once verify (and log) it once.
    changed = db.session.execute(
        sa.update(Claim)
        .where(Claim.id == claim.id, Claim.status == ClaimStatus.PENDING_EMAIL)
        .values(status=ClaimStatus.EMAIL_VERIFIED, email_verified_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise ClaimLinkInvalid(LINK_INVALID)
    audit.record(
        claim.user,
        "claim.verified",
        company_id=claim.company_id,
        subject_user_id=claim.user_id,
        note=f"Work e-mail: {claim.work_email}",
    )
    db.session.commit()
    return claim


def approve_claim(admin: Any, claim: Claim, *, note: Any = "") -> Claim:
    """A site admin approves a verified claim, optionally with a note (up to 2,000 characters).

    In one transaction: the claim is approved (who, when, note), the company is marked
    claimed, the claimant becomes its admin staff (a revoked membership comes back rather
    than a second one), the company's other open claims expire, and the audit log records
    it. The claimant is told by e-mail and in a notification, and follows the company's
    new questions from now on. A claim that is not verified, or already decided,
    or on a company claimed meanwhile, is refused and nothing changes, also when two admins
    decide at the same moment.
    """
    require(admin, Permission.CLAIM_REVIEW, claim)
    _check_decidable(claim)
    note = _clean_note(note, required=False)
    company_name = claim.company.name
    now = utcnow()
    # Lock the company row first, whatever else happens: concurrent approvals of the same
    # claim, or of two claims on one company, then queue up instead of deadlocking.
    # FOR NO KEY UPDATE still lets new claims reference the company meanwhile.
    db.session.execute(
        sa.select(Company.id).where(Company.id == claim.company_id).with_for_update(key_share=True)
    )
    if not _decide(claim, ClaimStatus.APPROVED, admin, note, now):
        db.session.rollback()
        raise Conflict(str(DECIDED_MEANWHILE))
    _grant_company(
        claim,
        now,
        meanwhile=_(
            "%(company)s was claimed meanwhile by another claim. Nothing was changed: "
            "reject this one, or leave it for its admins to invite the claimant.",
            company=company_name,
        ),
    )
    audit.record(
        admin,
        "claim.approved",
        company_id=claim.company_id,
        subject_user_id=claim.user_id,
        note=note,
    )
    add_follow(claim.user_id, company_id=claim.company_id)
    _tell_claimant(claim, approved=True, note=note)
    db.session.commit()
    forget_staff_roles(claim.user_id)
    return claim


def _grant_company(claim: Claim, now: datetime, *, meanwhile: str) -> None:
    """Within the caller's transaction (the company row locked): mark the company claimed,
    make the claimant its admin staff, expire its other open claims. ``Conflict`` with
    ``meanwhile`` (all rolled back) when the company was claimed first."""
    claimed = db.session.execute(
        sa.update(Company)
        .where(Company.id == claim.company_id, Company.claimed_at.is_(None))
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise Conflict(meanwhile)
    _make_admin_staff(claim)
    db.session.execute(
        sa.update(Claim)
        .where(
            Claim.company_id == claim.company_id,
            Claim.id != claim.id,
            Claim.status.in_([ClaimStatus.PENDING_EMAIL, ClaimStatus.EMAIL_VERIFIED]),
        )
        .values(status=ClaimStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )


def approve_by_proof(user: Any, company: Company, *, how: str) -> Claim:
    """The claimant proved the company's domain (``app.companies.proofs``): the claim is
    approved at once, without a work e-mail or a site admin. ``how`` is "DNS" or the proof
    file's address.

    In one transaction, as ``approve_claim``: an approved claim is recorded (no decider, the
    note saying how it was proven), the company is marked claimed, the claimant becomes its
    admin staff, its other open claims expire, the audit log records "approved by DNS
    proof" (or by the file), and the claimant follows the company. A company claimed
    meanwhile is refused and nothing changes. The caller has checked the proof and the
    permission (``proofs.check_proof``).
    """
    require(user, Permission.CLAIM_CREATE, company)
    now = utcnow()
    db.session.execute(
        sa.select(Company.id).where(Company.id == company.id).with_for_update(key_share=True)
    )
    note = "approved by DNS proof" if how == "DNS" else f"approved by proof at {how}"
    claim = Claim(
        company_id=company.id,
        user_id=user.id,
        work_email="",
        status=ClaimStatus.APPROVED,
        created_at=now,
        expires_at=now,
        decided_at=now,
        note=note,
    )
    db.session.add(claim)
    db.session.flush()
    _grant_company(
        claim,
        now,
        meanwhile=_(
            "%(company)s was claimed meanwhile. Its admins can invite you to join.",
            company=company.name,
        ),
    )
    audit.record(user, "claim.approved", company_id=company.id, subject_user_id=user.id, note=note)
    add_follow(user.id, company_id=company.id)
    db.session.commit()
    forget_staff_roles(user.id)
    return claim


def reject_claim(admin: Any, claim: Claim, *, note: Any) -> Claim:
    """A site admin rejects a verified claim, saying why (1–2,000 characters).

    The claim is rejected (who, when, note), the audit log records it, and the claimant is
    told by e-mail with the note (and in a notification). It grants nothing. A claim that
    is not verified or was already decided is refused and nothing changes.
    """
    require(admin, Permission.CLAIM_REVIEW, claim)
    _check_decidable(claim)
    note = _clean_note(note, required=True)
    if not _decide(claim, ClaimStatus.REJECTED, admin, note, utcnow()):
        db.session.rollback()
        raise Conflict(str(DECIDED_MEANWHILE))
    audit.record(
        admin,
        "claim.rejected",
        company_id=claim.company_id,
        subject_user_id=claim.user_id,
        note=note,
    )
    _tell_claimant(claim, approved=False, note=note)
    db.session.commit()
    return claim


def _check_decidable(claim: Claim) -> None:
    """Only a claim whose work e-mail is verified waits for a decision."""
    if claim.status is ClaimStatus.EMAIL_VERIFIED:
        return
    if claim.status is ClaimStatus.PENDING_EMAIL:
        raise Conflict(
            _(
                "This claim cannot be decided yet: %(email)s has not been verified.",
                email=claim.work_email,
            )
        )
    if claim.status is ClaimStatus.EXPIRED:
        raise Conflict(_("This claim has expired; there is nothing to decide."))
    raise Conflict(
        _("This claim was already decided: %(status)s.", status=claim.status.label.lower())
    )


def note_problems(value: Any, *, required: bool) -> dict[str, str]:
    """What deciding a claim would refuse in its note (empty when nothing): for the API.
    ``required`` for a rejection, which must say why."""
    try:
        _clean_note(value, required=required)
    except ValidationError as error:
        return error.fields
    return {}


def work_email_problems(company: Company, work_email: Any) -> dict[str, str]:
    """What ``request_claim`` would refuse in the work e-mail for ``company``: for the API."""
    try:
        check_work_email(work_email, company.domain)
    except ValidationError as error:
        return error.fields
    return {}


def _clean_note(value: Any, *, required: bool) -> str:
    """The decision note: plain text, stripped, at most NOTE_MAX characters, no NUL."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        why = _("The note must be text.")
        raise ValidationError(why, fields={"note": why})
    note = value.replace("\r\n", "\n").strip()
    why = None
    if "\x00" in note:
        why = str(NUL_MESSAGE)
    elif required and not note:
        why = _("Say why the claim is rejected: the claimant receives this note.")
    elif len(note) > NOTE_MAX:
        why = too_long(NOTE_MAX, len(note))
    if why:
        raise ValidationError(why, fields={"note": why})
    return note


def _decide(claim: Claim, status: ClaimStatus, admin: Any, note: str, now: datetime) -> bool:
    """Move a verified claim to ``status``; False when someone else decided it first.

    The condition on the current status makes the database settle a race: of two
    concurrent decisions, exactly one UPDATE matches the row.
    """
    changed = db.session.execute(
        sa.update(Claim)
        .where(Claim.id == claim.id, Claim.status == ClaimStatus.EMAIL_VERIFIED)
        .values(status=status, decided_at=now, decided_by_id=admin.id, note=note)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed == 1:
        # Keep the object in step with the row (for the e-mail and the caller) without
        # writing it a second time.
        values = {"status": status, "decided_at": now, "decided_by_id": admin.id, "note": note}
        for name, value in values.items():
            set_committed_value(claim, name, value)
    return changed == 1


def _make_admin_staff(claim: Claim) -> None:
    """The claimant becomes the company's admin staff; a revoked membership comes back."""
    membership = db.session.execute(
        sa.select(Membership).where(
            Membership.company_id == claim.company_id, Membership.user_id == claim.user_id
        )
    ).scalar_one_or_none()
    if membership is None:
        db.session.add(
            Membership(
                company_id=claim.company_id,
                user_id=claim.user_id,
                role=StaffRole.ADMIN,
                title="",
                work_email=claim.work_email,
            )
        )
    else:
        membership.role = StaffRole.ADMIN
        membership.work_email = claim.work_email
        membership.revoked_at = None
        membership.revoked_by_id = None


def _tell_claimant(claim: Claim, *, approved: bool, note: str) -> None:
    """The decision e-mail, and the in-app notification (which is not e-mailed again)."""
    company = claim.company
    notify(
        Event(
            NotificationKind.CLAIM_DECISION,
            actor_id=claim.decided_by_id,
            company_id=claim.company_id,
            claim_id=claim.id,
            recipient_id=claim.user_id,
            detail="approved" if approved else "rejected",
        )
    )
    queue_message(
        claim.user.email,
        CLAIM_APPROVED_SUBJECT if approved else CLAIM_REJECTED_SUBJECT,
        "claim_decision",
        language=claim.user.email_language,
        user=claim.user,
        company=company,
        approved=approved,
        note=note,
        work_email=claim.work_email,
        link=url_for("companies.show", slug=company.slug, _external=True),
    )


# The verification link ------------------------------------------------------------------


def claim_for_token(token: Any, *, check_expiry: bool = True) -> Claim:
    """The claim a verification link is for, if the link still works; reads only.

    ``ClaimLinkInvalid`` for a link that is tampered, made for another purpose, older
    than 48 hours, already used, or (with ``check_expiry``) for a claim past its time.
    """
    try:
        claim_id, version = read_token(token, Purpose.CLAIM_VERIFY, max_age=CLAIM_LINK_AGE)
    except InvalidToken as error:
        expired = "expired" in str(error)
        raise ClaimLinkInvalid(str(LINK_EXPIRED if expired else LINK_INVALID)) from error
    claim = db.session.execute(
        sa.select(Claim)
        .options(joinedload(Claim.company), joinedload(Claim.user))
        .where(Claim.id == claim_id)
    ).scalar_one_or_none()
    if claim is not None and claim.status is ClaimStatus.EMAIL_VERIFIED:
        raise ClaimAwaitingReview(_spent_message(claim), claim)
    if claim is None or version != claim.status.value:
        raise ClaimLinkInvalid(_spent_message(claim))
    if claim.status is not ClaimStatus.PENDING_EMAIL:
        raise ClaimLinkInvalid(_spent_message(claim))
    if check_expiry and claim.expires_at <= utcnow():
        raise ClaimLinkInvalid(str(LINK_EXPIRED))
    return claim


def _spent_message(claim: Claim | None) -> str:
    if claim is None:
        return str(LINK_INVALID)
    if claim.status is ClaimStatus.EMAIL_VERIFIED:
        return _(
            "Your address %(email)s is verified; your claim on %(company)s is waiting for "
            "a site admin's review. We will e-mail you the decision.",
            email=claim.work_email,
            company=claim.company.name,
        )
    if claim.status is ClaimStatus.EXPIRED:
        return _(
            "This link no longer works: the claim it was for has expired or was replaced by "
            "a newer one. Use the link in the most recent e-mail, or ask to claim again."
        )
    if claim.status is ClaimStatus.APPROVED:
        return _("This link was already used, and the claim has been approved.")
    if claim.status is ClaimStatus.REJECTED:
        return _("This link was already used, and the claim has been rejected.")
    return str(LINK_INVALID)


__all__ = [
    "CLAIMS_PER_DAY",
    "CLAIM_LINK_AGE",
    "ClaimAwaitingReview",
    "ClaimLinkInvalid",
    "TooManyClaims",
    "approve_by_proof",
    "approve_claim",
    "claim_for_token",
    "link_is_for",
    "reject_claim",
    "request_claim",
    "verify_claim",
]
