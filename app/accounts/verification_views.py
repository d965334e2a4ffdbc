"""Verification pages: the e-mailed link (GET shows a button, POST verifies) and "Resend
the link"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.accounts import bp, verification
from app.accounts.forms import ResendVerificationForm, VerifyEmailForm
from app.accounts.views import safe_next
from app.errors import Conflict
from app.i18n import _, ngettext


def _next() -> str | None:
    """The ``next`` the e-mailed link carries, if it is a path on this site."""
    return safe_next(request.args.get("next"))


def _link_refused(error: verification.VerificationLinkInvalid) -> tuple[str, int]:
    page = render_template("accounts/verify_email_invalid.html", message=error.message)
    return page, 400


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
def verify_email(token: str) -> Response | tuple[str, int]:
    """GET (and HEAD) show whose address the link verifies and a button; only the POST
    changes anything (mail scanners and link previews follow links)."""
    if request.method in ("GET", "HEAD"):  # HEAD is a GET without the body: it reads only
        try:
            user = verification.user_for_token(token)
        except verification.VerificationLinkInvalid as error:
            return _link_refused(error)
        form = VerifyEmailForm(formdata=None, token=token)
        page = render_template("accounts/verify_email.html", user=user, form=form, next_url=_next())
        return page, 200

    form = VerifyEmailForm()
    if not form.validate_on_submit() or form.token.data != token:
        return _link_refused(verification.VerificationLinkInvalid(verification.LINK_INVALID))
    try:
        user = verification.verify_email(form.token.data)
    except verification.VerificationLinkInvalid as error:
        return _link_refused(error)
    # The page the person signed up from (the link carries it), checked as a local path.
    next_url = _next()
    if current_user.is_authenticated and current_user.id == user.id:
        flash(_("Thanks — %(email)s is verified. You can post now.", email=user.email), "success")
        return redirect(next_url or url_for("questions.home"), 303)
    flash(
        _(
            "Thanks — %(email)s is verified. Sign in as @%(username)s to post.",
            email=user.email,
            username=user.username,
        ),
        "success",
    )
    if current_user.is_authenticated:
        return redirect(url_for("questions.home"), 303)
    return redirect(url_for("accounts.sign_in", next=next_url), 303)


@bp.post("/account/verify-email/resend")
@login_required
def resend_verification() -> Response:
    """Send a new link to the signed-in account's address (at most three an hour: the
    service refuses the fourth with a 429 page saying when to ask again)."""
    form = ResendVerificationForm()
    if not form.validate_on_submit():
        abort(400)
    back = safe_next(form.next.data) or url_for("questions.home")
    user = current_user._get_current_object()
    try:
        verification.resend_link(user)
    except Conflict as error:
        flash(error.message, "info")
        return redirect(back, 303)
    flash(
        ngettext(
            "We sent a new link to %(email)s. It works for %(num)d hour; earlier links no "
            "longer do.",
            "We sent a new link to %(email)s. It works for %(num)d hours; earlier links no "
            "longer do.",
            verification.LINK_HOURS,
            email=user.email,
        ),
        "success",
    )
    return redirect(back, 303)
