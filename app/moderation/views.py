"""Site admin pages: the claim review queue and the audit log."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.companies import claim_queries, claims
from app.companies.models import ClaimStatus
from app.companies.queries import get_company
from app.errors import DomainError, NotFound, ValidationError
from app.forms import show_errors
from app.i18n import _, _l
from app.moderation import bp
from app.moderation.forms import APPROVE, AuditFilterForm, decision_form
from app.moderation.queries import ACTION_LABELS, list_audit_entries
from app.pagination import BAD_PAGE_LINK, BadCursor, cursor_from
from app.policy import Permission, require

# The queue's tabs, in the order shown; the first is where a reviewer starts.
QUEUE_TABS = [
    (ClaimStatus.EMAIL_VERIFIED, _l("Waiting for review")),
    (ClaimStatus.PENDING_EMAIL, _l("Waiting for e-mail")),
    (ClaimStatus.APPROVED, _l("Approved")),
    (ClaimStatus.REJECTED, _l("Rejected")),
    (ClaimStatus.EXPIRED, _l("Expired")),
]


def _acting_user() -> Any:
    return current_user._get_current_object()


def _tab_from(value: str | None) -> ClaimStatus:
    """The tab asked for; anything unknown shows the claims waiting for review."""
    try:
        return ClaimStatus(value) if value else ClaimStatus.EMAIL_VERIFIED
    except ValueError:
        return ClaimStatus.EMAIL_VERIFIED


@bp.get("/claims", endpoint="claims")
def claims_queue() -> str:
    """The review queue: a fixed number of SELECTs whatever the number of claims (the
    signed-in admin, the tab counts, the page of claims with everything it shows)."""
    require(current_user, Permission.CLAIM_LIST)
    status = _tab_from(request.args.get("status"))
    try:
        page = claim_queries.list_claims(
            status, cursor=cursor_from(request.args), limit=current_app.config["PAGE_SIZE"]
        )
    except BadCursor:
        raise DomainError(BAD_PAGE_LINK) from None
    forms = {
        row.claim.id: decision_form(row.claim.id, formdata=None)
        for row in page.items
        if row.status is ClaimStatus.EMAIL_VERIFIED
    }
    return render_template(
        "moderation/claims.html",
        page=page,
        status=status,
        tabs=QUEUE_TABS,
        counts=claim_queries.count_claims(),
        forms=forms,
    )


@bp.get("/claims/<id:claim_id>", endpoint="claim")
def claim_page(claim_id: int) -> str:
    """One claim on a page of its own: the link a reviewer opens from the queue, and the
    address a refused decision is shown again at (so reloading it is not a 405). Two
    SELECTs: the signed-in admin, and the claim with everything it shows."""
    require(current_user, Permission.CLAIM_LIST)
    row = claim_queries.get_claim_row(claim_id)
    forms = {}
    if row.status is ClaimStatus.EMAIL_VERIFIED:
        forms[row.claim.id] = decision_form(row.claim.id, formdata=None)
    return render_template("moderation/claim.html", row=row, forms=forms)


@bp.post("/claims/<id:claim_id>")
def decide_claim(claim_id: int) -> Response | tuple[str, int]:
    # Permission first: to anybody else, an id says nothing about whether a claim exists.
    require(current_user, Permission.CLAIM_REVIEW)
    claim = claim_queries.get_claim(claim_id)
    form = decision_form(claim.id)
    if form.validate_on_submit():
        admin = _acting_user()
        try:
            if form.decision.data == APPROVE:
                claims.approve_claim(admin, claim, note=form.note.data)
                message = _(
                    "Approved: %(name)s is now an admin of %(company)s, which is claimed. "
                    "We e-mailed %(name)s the decision.",
                    name=claim.user.label,
                    company=claim.company.name,
                )
            else:
                claims.reject_claim(admin, claim, note=form.note.data)
                message = _(
                    "Rejected the claim of %(name)s on %(company)s. "
                    "We e-mailed %(name)s the decision.",
                    name=claim.user.label,
                    company=claim.company.name,
                )
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("moderation.claims"), 303)
    # Shown again on a page of its own, with the note as typed and the reason next to it.
    body = render_template(
        "moderation/claim.html", row=claim_queries.get_claim_row(claim.id), forms={claim.id: form}
    )
    return body, 422


@bp.get("/audit")
def audit() -> tuple[str, int]:
    """The audit log, newest first, optionally for one company: who, what, when, note."""
    require(current_user, Permission.AUDIT_READ)
    form = AuditFilterForm(formdata=request.args)
    company = None
    status = 200
    if not form.validate():
        status = 400
    elif form.company.data:
        try:
            company = get_company(form.company.data)
        except NotFound:
            form.company.errors = [
                *form.company.errors,
                _("There is no company with that address name (the part after /companies/)."),
            ]
            status = 404
    page = None
    if status == 200:
        try:
            page = list_audit_entries(
                company_id=company.id if company else None,
                cursor=cursor_from(request.args),
                limit=current_app.config["PAGE_SIZE"],
            )
        except BadCursor:
            raise DomainError(BAD_PAGE_LINK) from None
    body = render_template(
        "moderation/audit.html", form=form, page=page, company=company, labels=ACTION_LABELS
    )
    return body, status
