"""Staff pages: the staff list, invitations, joining, revoking, titles."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.companies import bp, staff
from app.companies.models import Company
from app.companies.queries import get_company
from app.companies.staff_forms import InviteForm, JoinForm, TitleForm
from app.errors import NotFound, PermissionDenied, ValidationError
from app.forms import show_errors
from app.i18n import _
from app.policy import Permission, can, is_company_staff, require


def _acting_user() -> Any:
    """The signed-in user (or the anonymous one) itself, not the proxy."""
    return current_user._get_current_object()


def _staff_url(company: Company) -> str:
    return url_for("companies.staff", slug=company.slug)


def _sign_in_then(next_path: str) -> Response:
    """Send an anonymous visitor to sign in, then back to ``next_path`` (a GET page)."""
    flash(_("Please sign in to do that."), "info")
    return redirect(url_for("accounts.sign_in", next=next_path), 303)


def _check_button(form: FlaskForm | None = None) -> None:
    """A one-button POST carries nothing but its CSRF token (and what ``form`` names)."""
    if not (form or FlaskForm()).validate_on_submit():
        abort(400)


def _render_staff_page(
    company: Company,
    *,
    invite_form: InviteForm | None = None,
    title_form: TitleForm | None = None,
    title_user_id: int | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The staff page: a fixed number of SELECTs whatever the number of staff.

    The company (by the caller), the staff with their users (1), the viewer's roles (1,
    remembered for the request) and, for those who manage staff, pending invitations (1).
    """
    viewer = _acting_user()
    members = staff.list_staff(company.id)
    may_manage = can(viewer, Permission.STAFF_MANAGE, company)
    invitations = staff.pending_invitations(company.id) if may_manage else []
    if may_manage and invite_form is None:
        invite_form = InviteForm(formdata=None)
    page = render_template(
        "companies/staff.html",
        company=company,
        members=members,
        sole_admin_id=staff.sole_admin_id(members),
        may_manage=may_manage,
        invitations=invitations,
        invite_form=invite_form,
        title_form=title_form,
        title_user_id=title_user_id,
    )
    return page, status


@bp.get("/<slug>/staff", endpoint="staff")
def staff_page(slug: str) -> tuple[str, int]:
    return _render_staff_page(get_company(slug))


@bp.post("/<slug>/staff/invitations")
def invite(slug: str) -> Response | tuple[str, int]:
    company = get_company(slug)
    if not current_user.is_authenticated:
        return _sign_in_then(_staff_url(company))
    user = _acting_user()
    # Asked before the form, so someone who may not invite hears that, not "enter an e-mail".
    require(user, Permission.STAFF_MANAGE, company)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = staff.invite_staff(
                user, company, email=form.email.data, role=form.role.data
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(
                _(
                    "Invitation sent to %(email)s. The link in it works for 48 hours, once.",
                    email=invitation.email,
                ),
                "success",
            )
            return redirect(_staff_url(company), 303)
    return _render_staff_page(company, invite_form=form, status=422)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Response | tuple[str, int]:
    """GET shows what the invitation is (and writes nothing); POST joins the staff."""
    if not current_user.is_authenticated:
        flash(_("Sign in, or create an account, to accept the invitation."), "info")
        return redirect(
            url_for("accounts.sign_in", next=url_for(".accept_invitation", token=token))
        )
    user = _acting_user()
    if request.method == "POST":
        form = JoinForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            membership = staff.accept_invitation(user, form.token.data)
        except staff.InvitationUnusable as error:
            return _unusable(error)
        company = membership.company
        flash(
            _(
                "Welcome to %(company)s's staff. Your answers here are now official.",
                company=company.name,
            ),
            "success",
        )
        return redirect(url_for("companies.show", slug=company.slug), 303)
    try:
        invitation = staff.invitation_from_token(token)
    except staff.InvitationUnusable as error:
        return _unusable(error)
    form = JoinForm(formdata=None, token=token)
    page = render_template(
        "companies/invitation.html",
        invitation=invitation,
        company=invitation.company,
        form=form,
        already_staff=is_company_staff(user, invitation.company),
        problem=None,
    )
    return page, 200


def _unusable(error: staff.InvitationUnusable) -> tuple[str, int]:
    invitation = error.invitation
    page = render_template(
        "companies/invitation.html",
        invitation=invitation,
        company=invitation.company if invitation else None,
        form=None,
        already_staff=False,
        problem=error.message,
    )
    return page, error.status


@bp.post("/<slug>/staff/<id:user_id>/revoke")
def revoke_staff(slug: str, user_id: int) -> Response:
    company = get_company(slug)
    if not current_user.is_authenticated:
        return _sign_in_then(_staff_url(company))
    user = _acting_user()
    require(user, Permission.STAFF_MANAGE, company)
    _check_button()
    membership = staff.get_active_membership(company.id, user_id)
    staff.revoke_staff(user, company, membership.user)
    flash(
        _(
            "%(name)s is no longer on %(company)s's staff.",
            name=membership.user.label,
            company=company.name,
        ),
        "success",
    )
    return redirect(_staff_url(company), 303)


@bp.post("/<slug>/staff/invitations/<id:invitation_id>/revoke")
def revoke_invitation(slug: str, invitation_id: int) -> Response:
    company = get_company(slug)
    if not current_user.is_authenticated:
        return _sign_in_then(_staff_url(company))
    user = _acting_user()
    require(user, Permission.STAFF_MANAGE, company)
    _check_button()
    invitation = staff.get_invitation(invitation_id)
    if invitation.company_id != company.id:
        raise NotFound(_("There is no such invitation."))
    staff.revoke_invitation(user, invitation)
    flash(
        _(
            "The invitation to %(email)s is withdrawn; its link no longer works.",
            email=invitation.email,
        ),
        "success",
    )
    return redirect(_staff_url(company), 303)


@bp.post("/<slug>/staff/title")
def staff_title(slug: str) -> Response | tuple[str, int]:
    company = get_company(slug)
    if not current_user.is_authenticated:
        return _sign_in_then(_staff_url(company))
    user = _acting_user()
    form = TitleForm()
    valid = form.validate_on_submit()
    if "user_id" in form.errors or "csrf_token" in form.errors:
        abort(400)
    whose = form.user_id.data or user.id
    try:
        membership = staff.get_active_membership(company.id, whose)
    except NotFound:
        if whose != user.id:
            raise
        raise PermissionDenied(
            _("Only %(company)s's staff have a title here.", company=company.name)
        ) from None
    # Asked before the field's own checks, so someone else hears "not allowed".
    require(user, Permission.STAFF_EDIT_TITLE, membership)
    if valid:
        try:
            staff.set_title(user, membership, title=form.title.data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(_title_set(membership, own=membership.user_id == user.id), "success")
            return redirect(_staff_url(company), 303)
    return _render_staff_page(company, title_form=form, title_user_id=whose, status=422)


def _title_set(membership: Any, *, own: bool) -> str:
    """What the flash says once a title is saved: one whole sentence for each case."""
    title, name = membership.title, membership.user.label
    if own:
        return (
            _("Your title is “%(title)s”.", title=title) if title else _("Your title is cleared.")
        )
    if title:
        return _("The title of %(name)s is “%(title)s”.", name=name, title=title)
    return _("The title of %(name)s is cleared.", name=name)
