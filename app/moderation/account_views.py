"""Pages that moderate accounts: the moderator list (site admins), suspending and lifting
a suspension from a profile (moderators). Parsing only: ``app.moderation.accounts``
decides."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.accounts import queries as account_queries
from app.accounts.suspension import format_until
from app.errors import NotFound, ValidationError
from app.forms import refused, show_errors
from app.i18n import _, _l
from app.moderation import accounts, bp
from app.moderation.forms import GrantModeratorForm, SuspendForm
from app.policy import Permission, require

NO_SUCH_ACCOUNT = _l("There is no account with that username.")


def _acting_user() -> Any:
    return current_user._get_current_object()


def _check_csrf() -> None:
    """A one-button form: its CSRF token is all it carries (400 without it)."""
    if not FlaskForm().validate_on_submit():
        abort(400)


def _moderators_page(form: GrantModeratorForm, status: int = 200) -> tuple[str, int]:
    body = render_template(
        "moderation/moderators.html", form=form, moderators=accounts.list_moderators()
    )
    return body, status


@bp.get("/moderators", endpoint="moderators")
def moderators() -> tuple[str, int]:
    """Who holds the moderator role; grant it by @username, withdraw it."""
    require(current_user, Permission.MODERATOR_GRANT)
    return _moderators_page(GrantModeratorForm(formdata=None))


@bp.post("/moderators")
def grant_moderator() -> Response | tuple[str, int]:
    require(current_user, Permission.MODERATOR_GRANT)
    form = GrantModeratorForm()
    if form.validate_on_submit():
        try:
            user = account_queries.get_user_by_username(form.username.data or "")
        except NotFound:
            form.username.errors = [*form.username.errors, str(NO_SUCH_ACCOUNT)]
        else:
            try:
                accounts.set_moderator(_acting_user(), user, True)
            except ValidationError as error:
                form.username.errors = [*form.username.errors, *error.fields.values()]
            else:
                flash(_("%(name)s is a moderator now.", name=user.label), "success")
                return redirect(url_for("moderation.moderators"), 303)
        return _moderators_page(form, 422)
    if "csrf_token" in form.errors:
        abort(400)
    return _moderators_page(form, 422)


@bp.post("/moderators/<username>/withdraw")
def withdraw_moderator(username: str) -> Response:
    require(current_user, Permission.MODERATOR_GRANT)
    user = account_queries.get_user_by_username(username)
    _check_csrf()
    accounts.set_moderator(_acting_user(), user, False)
    flash(_("%(name)s is no longer a moderator.", name=user.label), "success")
    return redirect(url_for("moderation.moderators"), 303)


def suspended_message(user: Any) -> str:
    """What the moderator reads once the suspension holds: whom, until when, and why (one
    sentence each way, so every language orders its own words)."""
    reason = (user.suspension_reason or "").strip()
    if user.suspended_until is None:
        if reason:
            return _(
                "%(name)s is suspended for good. The moderator's reason: %(reason)s",
                name=user.label,
                reason=reason,
            )
        return _("%(name)s is suspended for good.", name=user.label)
    until = format_until(user.suspended_until)
    if reason:
        return _(
            "%(name)s is suspended until %(until)s. The moderator's reason: %(reason)s",
            name=user.label,
            until=until,
            reason=reason,
        )
    return _("%(name)s is suspended until %(until)s.", name=user.label, until=until)


def _suspend_page(user: Any, form: SuspendForm, status: int) -> tuple[str, int]:
    body = render_template("moderation/suspend.html", user=user, form=form)
    return body, status


@bp.get("/users/<username>/suspend", endpoint="suspend_form")
def suspend_form(username: str) -> tuple[str, int]:
    """The suspend form on a page of its own: where a refused form is shown again."""
    user = account_queries.get_user_by_username(username)
    require(current_user, Permission.USER_SUSPEND, user)
    return _suspend_page(user, SuspendForm(formdata=None), 200)


@bp.post("/users/<username>/suspend")
def suspend(username: str) -> Response | tuple[str, int]:
    user = account_queries.get_user_by_username(username)
    require(current_user, Permission.USER_SUSPEND, user)
    form = SuspendForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _suspend_page(user, form, 422)
    spammer = bool(form.delete_spammer.data)
    forever = bool(form.forever.data) or spammer
    if form.days.data is not None and forever:
        form.days.errors = [*form.days.errors, str(accounts.UNTIL_OR_FOREVER)]
        return _suspend_page(user, form, 422)
    until = accounts.until_in_days(form.days.data) if form.days.data is not None else None
    try:
        accounts.suspend_user(
            _acting_user(),
            user,
            reason=form.reason.data,
            until=until,
            forever=forever,
            delete_spammer=spammer,
        )
    except ValidationError as error:
        if "until" in error.fields:
            error.fields["days"] = error.fields.pop("until")
        show_errors(form, error)
        return _suspend_page(user, form, refused(error)[0])
    flash(suspended_message(user), "success")
    return redirect(url_for("accounts.profile", username=user.username), 303)


@bp.post("/users/<username>/unsuspend")
def lift_suspension(username: str) -> Response:
    user = account_queries.get_user_by_username(username)
    require(current_user, Permission.USER_SUSPEND, user)
    _check_csrf()
    accounts.lift_suspension(_acting_user(), user)
    flash(_("%(name)s may sign in again.", name=user.label), "success")
    return redirect(url_for("accounts.profile", username=user.username), 303)
