"""Claim pages: ask to claim a company, verify the work e-mail."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.companies import bp, claim_queries, claims, proofs
from app.companies.claim_forms import ClaimForm, VerifyClaimForm
from app.companies.queries import get_company
from app.errors import RateLimited, ValidationError
from app.forms import refused, show_errors
from app.i18n import _
from app.policy import Permission, require


def _acting_user() -> Any:
    """The signed-in user (or the anonymous one) itself, not the proxy."""
    return current_user._get_current_object()


@bp.route("/<slug>/claim", methods=["GET", "POST"])
def claim(slug: str) -> Response | tuple[str, int, dict[str, str]]:
    company = get_company(slug)
    # Anonymous visitors are sent to sign in (and back here) by the error handler.
    require(current_user, Permission.CLAIM_CREATE, company)
    user = _acting_user()
    form = ClaimForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            new_claim = claims.request_claim(user, company, work_email=form.work_email.data)
        except (ValidationError, RateLimited) as error:
            show_errors(form, error)
            status, headers = refused(error)
        else:
            flash(
                _(
                    "We sent a link to %(email)s. It works for %(hours)s hours.",
                    email=new_claim.work_email,
                    hours=claims.CLAIM_LINK_HOURS,
                ),
                "success",
            )
            return redirect(url_for("companies.claim", slug=company.slug), 303)
    elif form.is_submitted():
        status = 422
    return _render_claim(company, form=form, status=status, headers=headers)


def _render_claim(
    company: Any,
    *,
    form: ClaimForm | None = None,
    proof_problem: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> tuple[str, int, dict[str, str]]:
    """The claim page: the e-mail route, and beside it "prove the domain" with the
    claimant's token. The company (by the caller), the live claim (1), the token (1)."""
    user = _acting_user()
    proof = proofs.get_proof(user, company)
    body = render_template(
        "companies/claim.html",
        form=form or ClaimForm(formdata=None),
        company=company,
        live=claim_queries.live_claim(user, company),
        hours=claims.CLAIM_LINK_HOURS,
        proof=proof,
        proof_record=proofs.record_for(proof) if proof else "",
        proof_url=proofs.proof_url(company),
        proof_problem=proof_problem,
        button=FlaskForm(),
    )
    return body, status, headers or {}


@bp.post("/<slug>/claim/proof")
def start_proof(slug: str) -> Response:
    """Get a token to publish on the company's domain (the same one when asked again)."""
    company = get_company(slug)
    require(current_user, Permission.CLAIM_CREATE, company)
    if not FlaskForm().validate_on_submit():
        abort(400)
    proofs.start_proof(_acting_user(), company)
    return redirect(url_for("companies.claim", slug=company.slug) + "#prove-heading", 303)


@bp.post("/<slug>/claim/proof/check")
def check_proof(slug: str) -> Response | tuple[str, int, dict[str, str]]:
    """ "Check now": look for the token; approve the claim when it is found."""
    company = get_company(slug)
    require(current_user, Permission.CLAIM_CREATE, company)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        proven = proofs.check_proof(_acting_user(), company)
    except (proofs.ProofNotFound, RateLimited) as error:
        status, headers = refused(error)
        return _render_claim(company, proof_problem=error.message, status=status, headers=headers)
    if proven.how == "DNS":
        message = _(
            "Proven by its DNS record: you are now %(company)s's admin on Helpsquare. Invite "
            "your colleagues from the staff page.",
            company=company.name,
        )
    else:
        message = _(
            "Proven by %(url)s: you are now %(company)s's admin on Helpsquare. Invite your "
            "colleagues from the staff page.",
            url=proven.how,
            company=company.name,
        )
    flash(message, "success")
    return redirect(url_for("companies.show", slug=company.slug), 303)


def _link_refused(error: claims.ClaimLinkInvalid) -> tuple[str, int]:
    if isinstance(error, claims.ClaimAwaitingReview):
        # Used already, and nothing is wrong: the claim waits for a site admin.
        page = render_template(
            "companies/claim_waiting.html", message=error.message, company=error.claim.company
        )
        return page, 200
    return render_template("companies/claim_link_invalid.html", message=error.message), 400


@bp.route("/claims/verify/<token>", methods=["GET", "POST"])
def verify_claim(token: str) -> Response | tuple[str, int]:
    """GET shows what the link is for and a button; only the POST changes anything
    (mail scanners and link previews follow links, and a GET never writes)."""
    if request.method in ("GET", "HEAD"):  # HEAD: a GET without the body
        try:
            pending = claims.claim_for_token(token)
        except claims.ClaimLinkInvalid as error:
            return _link_refused(error)
        body = render_template(
            "companies/claim_verify.html",
            claim=pending,
            form=VerifyClaimForm(formdata=None, token=token),
            for_this_account=claims.link_is_for(current_user, pending),
        )
        return body, 200

    form = VerifyClaimForm()
    if not form.validate_on_submit() or form.token.data != token:
        return _link_refused(claims.ClaimLinkInvalid(str(claims.LINK_INVALID)))
    try:
        verified = claims.verify_claim(_acting_user(), form.token.data)
    except claims.ClaimLinkInvalid as error:
        return _link_refused(error)
    flash(
        _(
            "Thanks — %(email)s is verified. A site admin will review your claim on "
            "%(company)s; we will e-mail you the decision.",
            email=verified.work_email,
            company=verified.company.name,
        ),
        "success",
    )
    return redirect(url_for("companies.show", slug=verified.company.slug), 303)
