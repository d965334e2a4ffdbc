"""Account pages: sign up, sign in and out, change or reset the password, profiles."""

from __future__ import annotations

import time

from flask import (
    Response,
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse

from app import content
from app.accounts import access_tokens, bp, deletion, queries, services, sign_in
from app.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from app.accounts.models import EMAIL_MAX, User
from app.accounts.suspension import suspension_message
from app.accounts.throttle import wait_in_words
from app.answers.queries import list_answers_by_author
from app.errors import Conflict, DomainError, Suspended, ValidationError
from app.extensions import limiter
from app.forms import refused, show_errors
from app.i18n import _, _l, current_language
from app.moderation.forms import SuspendForm
from app.pagination import BAD_PAGE_LINK, BadCursor
from app.policy import Permission, can
from app.questions.queries import Sort, list_questions
from app.reputation import queries as reputation_queries
from app.tokens import InvalidToken

# Never says whether the account exists: the same words for a wrong password and for
# an unknown username or e-mail.
SIGN_IN_FAILED = _l("That username/e-mail and password do not match.")
SIGN_UP_THROTTLED = _l("Too many new accounts from your network.")
RESET_THROTTLED = _l("Too many requests for a new password.")
# The same words whether or not an account uses the address.
RESET_LINK_SENT = _l(
    "If an account uses %(email)s, we have sent it a link to choose a new password. "
    "The link works for one hour. No e-mail? Check your spam folder, or ask again."
)


# Where to go next ---------------------------------------------------------------------


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None.

    Only a relative path starting with one "/" is accepted: no scheme (``javascript:``,
    ``https:``), no host (``//evil.com``), no backslash (browsers read ``/\\evil.com`` as
    ``//evil.com``) and no control characters or spaces (browsers drop tabs and newlines,
    which turns ``/\\t/evil.com`` into ``//evil.com``).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(
        char.isspace() or ord(char) < 32 or ord(char) == 127 for char in target
    ):
        return None
    return target


def _home() -> str:
    return url_for("questions.home")


# Rate limits: read from the config at each request, so the config decides. -------------


def _sign_up_limits_per_address() -> str:
    return current_app.config["SIGNUP_LIMITS_PER_ADDRESS"]


def _password_reset_limits_per_address() -> str:
    return current_app.config["PASSWORD_RESET_LIMITS_PER_ADDRESS"]


def _password_reset_limits_per_email() -> str:
    return current_app.config["PASSWORD_RESET_LIMITS_PER_EMAIL"]


def _typed_email_key() -> str:
    """The e-mail address a reset was asked for, as typed: one inbox, one budget."""
    return "reset-email:" + (request.form.get("email") or "").strip().lower()[:EMAIL_MAX]


@bp.errorhandler(RateLimitExceeded)
def too_many_attempts(error: RateLimitExceeded) -> tuple[str, int]:
    """The friendly 429 page, saying what was limited and how long to wait.

    Registered on this blueprint because the site-wide handler shows one generic text;
    Flask-Limiter still adds its Retry-After header to this response.
    """
    limit = limiter.current_limit
    seconds = limit.reset_at - time.time() if limit is not None else 60
    message = _(
        "%(limit)s Please wait %(wait)s and try again.",
        limit=error.description,
        wait=wait_in_words(seconds),
    )
    page = render_template("errors/error.html", status=429, title=_("Slow down"), message=message)
    return page, 429


# Forms ----------------------------------------------------------------------------------


def _form_status(form: FlaskForm) -> int:
    """A form shown again after a refused POST answers 422; a fresh one 200."""
    return 422 if form.is_submitted() else 200


def _start_session(user: User, *, remember: bool = False) -> None:
    """Sign the user in on a brand-new session: nothing set before carries over.

    The browser is remembered as one where this account has signed in (the
    ``signed_in_before`` cookie), so other people's failed sign-ins never hold its owner
    back here (``app.accounts.sign_in``).
    """
    session.clear()
    login_user(user, remember=remember)
    cookie = sign_in.browser_cookie_after_sign_in(request.cookies.get(sign_in.BROWSER_COOKIE), user)

    @after_this_request
    def remember_this_browser(response: Response) -> Response:
        response.set_cookie(
            sign_in.BROWSER_COOKIE,
            cookie,
            max_age=int(sign_in.BROWSER_MAX_AGE.total_seconds()),
            # Only the sign-in page reads it: no other request carries it.
            path=url_for("accounts.sign_in"),
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response


# Views ----------------------------------------------------------------------------------


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(
    _sign_up_limits_per_address,
    methods=["POST"],
    scope="sign-up-address",
    error_message=SIGN_UP_THROTTLED,
)
def sign_up() -> BaseResponse | tuple[str, int]:
    next_url = safe_next(request.args.get("next"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = services.sign_up(
                username=form.username.data,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
                language=current_language(),
                next_url=next_url,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            _start_session(user)
            flash(
                _(
                    "Welcome to Helpsquare, %(name)s! We sent a link to %(email)s: "
                    "follow it to verify your address.",
                    name=user.label,
                    email=user.email,
                )
            )
            return redirect(next_url or _home())
    page = render_template("accounts/sign_up.html", form=form, next_url=next_url)
    return page, _form_status(form)


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page() -> BaseResponse | tuple[str, int]:
    """Sign in; failures are limited (429) by ``app.accounts.sign_in``."""
    next_url = safe_next(request.args.get("next"))
    if request.method in ("GET", "HEAD") and current_user.is_authenticated:
        return redirect(next_url or _home())
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = sign_in.sign_in(
                form.login.data,
                form.password.data,
                address=request.remote_addr,
                browser_cookie=request.cookies.get(sign_in.BROWSER_COOKIE),
            )
        except Suspended as refused:
            form.form_errors.append(refused.message)
            page = render_template("accounts/sign_in.html", form=form, next_url=next_url)
            return page, 403
        if user is not None:
            _start_session(user, remember=bool(form.remember.data))
            flash(_("Welcome back, %(name)s.", name=user.label))
            return redirect(next_url or _home())
        form.form_errors.append(SIGN_IN_FAILED)
    page = render_template("accounts/sign_in.html", form=form, next_url=next_url)
    return page, _form_status(form)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> BaseResponse:
    """Sign out: every session of the account ends, here and on every other device (a
    session is a signed cookie, so ending one means ending all). API tokens keep
    working; "Sign out everywhere" on the account page revokes them too."""
    was_signed_in = current_user.is_authenticated
    if was_signed_in:
        services.sign_out(current_user._get_current_object())
    session.clear()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion
    if was_signed_in:
        flash(_("You are signed out, on this device and every other one."))
    return redirect(_home())


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> BaseResponse:
    """Sign out everywhere: every session of the account ends and every API token of it is
    revoked, for when a password or a token may have leaked."""
    services.sign_out_everywhere(current_user._get_current_object())
    session.clear()
    logout_user()
    flash(
        _(
            "You are signed out everywhere, and every API token of yours is revoked: programs "
            "that used one need a new token."
        )
    )
    return redirect(_home(), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> BaseResponse | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(
                current_user._get_current_object(),
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            # The new session version is in the new cookie: this browser stays signed in,
            # every other session (and every copied cookie) has ended.
            _start_session(user, remember=remember_cookie in request.cookies)
            flash(
                _(
                    "Your password is changed. You were signed out on every other device, and "
                    "your API tokens are revoked."
                )
            )
            return redirect(url_for("accounts.profile", username=user.username))
    page = render_template("accounts/change_password.html", form=form)
    return page, _form_status(form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(
    _password_reset_limits_per_address,
    methods=["POST"],
    scope="password-reset-address",
    error_message=RESET_THROTTLED,
)
@limiter.limit(
    _password_reset_limits_per_email,
    key_func=_typed_email_key,
    methods=["POST"],
    scope="password-reset-email",
    error_message=RESET_THROTTLED,
)
def forgot_password() -> BaseResponse | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            services.request_password_reset(form.email.data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(RESET_LINK_SENT % {"email": form.email.data.strip()})
            return redirect(url_for("accounts.sign_in"))
    page = render_template("accounts/forgot_password.html", form=form)
    return page, _form_status(form)


def _reset_link_refused(error: InvalidToken) -> tuple[str, int]:
    page = render_template("accounts/reset_password.html", problem=str(error), form=None)
    return page, 400


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> BaseResponse | tuple[str, int]:
    try:
        user = services.password_reset_user(token)
    except InvalidToken as error:
        return _reset_link_refused(error)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.new_password.data)
        except InvalidToken as error:
            return _reset_link_refused(error)
        except ValidationError as error:
            show_errors(form, error)
        else:
            if user.is_suspended:
                # The password is set, but a suspended account signs nobody in.
                flash(
                    _(
                        "Your new password is set. %(suspension)s",
                        suspension=suspension_message(user),
                    )
                )
                return redirect(url_for("accounts.sign_in"), 303)
            _start_session(user)
            flash(
                _(
                    "Your new password is set and you are signed in. Every other session has "
                    "ended, and your API tokens are revoked."
                )
            )
            return redirect(_home())
    page = render_template("accounts/reset_password.html", form=form, user=user, token=token)
    return page, _form_status(form)


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile() -> BaseResponse | tuple[str, int]:
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_profile(
                user,
                display_name=form.display_name.data,
                bio=form.bio.data,
                language=form.language.data,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(_("Your profile is saved."))
            return redirect(url_for("accounts.profile", username=user.username))
    page = render_template("accounts/edit_profile.html", form=form)
    return page, _form_status(form)


@bp.route("/users/<username>")
def profile(username: str) -> BaseResponse | str:
    user = queries.get_user_by_username(username)
    if username != user.username:
        return redirect(url_for("accounts.profile", username=user.username), code=301)
    page_size = current_app.config["PAGE_SIZE"]
    try:
        questions = list_questions(
            author_id=user.id,
            sort=Sort.NEWEST,
            cursor=request.args.get("questions") or None,
            limit=page_size,
        )
        answers = list_answers_by_author(
            user.id, cursor=request.args.get("answers") or None, limit=page_size
        )
    except BadCursor:
        raise DomainError(BAD_PAGE_LINK) from None
    excerpts = {answer.id: content.to_text(answer.body, 160) for answer in answers.items}
    return render_template(
        "accounts/profile.html",
        user=user,
        questions=questions,
        answers=answers,
        excerpts=excerpts,
        badges=reputation_queries.badges_of(user.id),
        championed=reputation_queries.championed_by(user.id),
        is_own_profile=current_user.is_authenticated and current_user.id == user.id,
        moderation_form=(
            SuspendForm(formdata=None) if can(current_user, Permission.USER_SUSPEND, user) else None
        ),
    )


@bp.get("/account/tokens")
@login_required
def tokens() -> str:
    """The user's API tokens: when each was made and last used; revoke any of them."""
    user = current_user._get_current_object()
    return render_template(
        "accounts/tokens.html",
        tokens=access_tokens.tokens_of(user),
    )


@bp.post("/account/tokens/<id:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> BaseResponse:
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = access_tokens.revoke_token(current_user._get_current_object(), token_id)
    flash(_("The token %(hint)s… is revoked: it no longer works anywhere.", hint=token.hint))
    return redirect(url_for("accounts.tokens"), 303)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account() -> BaseResponse | tuple[str, int]:
    """Delete one's own account, with the password: it becomes "a former member"."""
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            deletion.delete_account(current_user._get_current_object(), form.password.data)
        except (ValidationError, Conflict) as error:
            show_errors(form, error)
            status = refused(error)[0]
        else:
            session.clear()
            logout_user()
            flash(
                _(
                    "Your account is deleted. Your posts stay, signed “a former member”; your "
                    "e-mail address, sessions and API tokens are gone."
                )
            )
            return redirect(_home(), 303)
    elif form.is_submitted():
        status = 400 if "csrf_token" in form.errors else 422
    page = render_template("accounts/delete_account.html", form=form)
    return page, status
