"""The claim workflow and staff invitations through the API."""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.api import bp
from app.api.auth import api_user, operation, signed_in_user
from app.api.links import links
from app.api.schemas import (
    ApproveSchema,
    ClaimLinkTokenSchema,
    ClaimListArgsSchema,
    ClaimPageSchema,
    ClaimRequestSchema,
    ClaimSchema,
    InvitationTokenSchema,
    RejectSchema,
    StaffSchema,
)
from app.api.target import acting_on, target
from app.api.views.common import page_or_400
from app.companies import claim_queries, claims, queries, staff
from app.companies.models import Claim, ClaimStatus, Membership
from app.policy import Permission, require


def claim_data(claim: Claim, status: ClaimStatus | None = None) -> dict[str, Any]:
    """A claim as the API shows it; ``status`` is the one to show (the review queue
    reads an unverified claim past its time as expired before anybody marks it)."""
    return {
        "id": claim.id,
        "company": claim.company.slug,
        "user": claim.user,
        "work_email": claim.work_email,
        "status": status or claim.status,
        "created_at": claim.created_at,
        "decided_at": claim.decided_at,
        "note": claim.note,
        "url": url_for("companies.claim", slug=claim.company.slug, _external=True),
    }


@bp.route("/companies/<slug:slug>/claims", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422, 429))
@links(bp, 202, ("approve_claim", {"claim_id": "id"}), ("reject_claim", {"claim_id": "id"}))
@acting_on(queries.get_company, Permission.CLAIM_CREATE)
@bp.arguments(ClaimRequestSchema)
@bp.response(202, ClaimSchema)
def request_claim(body: dict[str, Any], slug: str) -> dict[str, Any]:
    """Ask to claim a company, with a work e-mail at its domain.

    The claim waits for its e-mail (status pending_email): the verification e-mail carries
    a token for ``POST /claims/verify`` that works once, for 48 hours. A claimed company is
    a 409 (its admins invite staff instead); more than a few claims a day is a 429.
    """
    return claim_data(
        claims.request_claim(signed_in_user(), target(), work_email=body["work_email"])
    )


@bp.route("/claims/verify", methods=["POST"])
@operation(bp, signed_in=False, errors=(400, 403, 409, 413, 422))
@bp.arguments(ClaimLinkTokenSchema)
@bp.response(200, ClaimSchema)
def verify_claim(body: dict[str, Any]) -> dict[str, Any]:
    """Verify a claim's work e-mail with the token from the verification e-mail.

    Anyone holding the token may (it proves control of the address), but not another
    signed-in account (403). An unknown, expired, used or tampered token is a 400 with the
    code invalid_token. The claim then waits for a site admin (status email_verified).
    """
    return claim_data(claims.verify_claim(api_user(), body["token"]))


@bp.route("/claims", methods=["GET"])
@operation(bp, signed_in=True, errors=(400, 403, 422))
@bp.arguments(ClaimListArgsSchema, location="query")
@bp.response(200, ClaimPageSchema)
def list_claims(args: dict[str, Any]) -> dict[str, Any]:
    """Claims, for site admins: those of one status, or all with the ones waiting first."""
    require(signed_in_user(), Permission.CLAIM_LIST)
    status = ClaimStatus(args["status"]) if args["status"] else None
    page = page_or_400(
        lambda: claim_queries.list_claims(status, cursor=args["cursor"], limit=args["limit"])
    )
    return {
        "items": [claim_data(row.claim, row.status) for row in page.items],
        "next_cursor": page.next_cursor,
    }


def _claim_to_review(claim_id: int) -> Claim:
    """The claim, for a site admin; anybody else hears 403 before whether it exists."""
    require(signed_in_user(), Permission.CLAIM_REVIEW)
    return claim_queries.get_claim(claim_id)


@bp.route("/claims/<id:claim_id>/approve", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422))
@acting_on(_claim_to_review)
@bp.arguments(ApproveSchema)
@bp.response(200, ClaimSchema)
def approve_claim(body: dict[str, Any], claim_id: int) -> dict[str, Any]:
    """Approve a verified claim (site admins): the company is claimed and the claimant
    becomes its admin staff. A claim not verified, or already decided, is a 409."""
    return claim_data(claims.approve_claim(signed_in_user(), target(), note=body["note"]))


@bp.route("/claims/<id:claim_id>/reject", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422))
@acting_on(_claim_to_review)
@bp.arguments(RejectSchema)
@bp.response(200, ClaimSchema)
def reject_claim(body: dict[str, Any], claim_id: int) -> dict[str, Any]:
    """Reject a verified claim (site admins), saying why in the note."""
    return claim_data(claims.reject_claim(signed_in_user(), target(), note=body["note"]))


@bp.route("/invitations/accept", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 409, 413, 422))
@bp.arguments(InvitationTokenSchema)
@bp.response(200, StaffSchema)
def accept_invitation(body: dict[str, Any]) -> Membership:
    """Join a company's staff with the token from an invitation e-mail.

    The token proves control of the invited work address, which need not be the account's
    own e-mail. An unknown, expired, used or withdrawn one, or one whose sender no longer
    manages the company's staff, is a 400 with the code invalid_token; someone already on
    the staff is a 409.
    """
    return staff.accept_invitation(signed_in_user(), body["token"])
