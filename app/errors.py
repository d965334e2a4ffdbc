"""Domain errors raised by services, and how the HTML pages answer them.

Services raise these; views catch ``ValidationError`` to show it at the form's
fields, and every other error reaches the handlers registered here.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager
from app.i18n import _, _l, current_language
from app.in_place import error as json_error
from app.in_place import sign_in_needed, wants_json
from app.ops import request_id

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A request the rules of Helpsquare refuse; ``status`` is its HTTP answer."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, str] | None = None) -> None:
        # Messages may be lazy (``_l`` constants): made text here, in the language of the
        # request that raised them, so a flash or a JSON body can carry them.
        message = str(message)
        super().__init__(message)
        self.message = message
        self.fields = {name: str(why) for name, why in (fields or {}).items()}


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class EmailUnverified(PermissionDenied):
    """A write by an account whose e-mail address is not verified yet (product.md,
    "Keeping it clean")."""

    code = "email_unverified"


class Suspended(PermissionDenied):
    """Anything by an account a moderator suspended."""

    code = "suspended"


class RateLimited(DomainError):
    """Over a limit on writing; ``retry_after`` is the number of seconds until it lets the
    writer in again, and the message says when in a sentence."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int, fields: dict[str, str] | None = None):
        super().__init__(message, fields)
        self.retry_after = max(1, int(retry_after))


class ValidationError(DomainError):
    """Input that breaks a rule; ``fields`` maps each field name to what is wrong with it."""

    status = 422
    code = "invalid"


class Conflict(DomainError):
    status = 409
    code = "conflict"


_TITLES = {
    400: _l("Bad request"),
    401: _l("Please sign in"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not allowed here"),
    409: _l("Already done"),
    413: _l("Too much at once"),
    422: _l("Something is not right"),
    429: _l("Slow down"),
    500: _l("Something went wrong"),
    503: _l("Back in a moment"),
}

_MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to do that."),
    404: _l("There is nothing here. It may have been moved or never existed."),
    405: _l("That action is not available here."),
    413: _l("That was more than we accept in one request. Please shorten it and try again."),
    429: _l("Too many attempts in a short time. Please wait a minute and try again."),
    500: _l("We could not complete that. Nothing you did caused it; please try again shortly."),
    503: _l("Helpsquare cannot reach its database right now. Please try again in a moment."),
}


def _render(status: int, message: str | None = None):
    title = str(_TITLES.get(status) or _("Error"))
    text = str(message or _MESSAGES.get(status, ""))
    headers = {"Retry-After": "5"} if status == 503 else {}
    reference = request_id()
    try:
        body = render_template("errors/error.html", status=status, title=title, message=text)
    except Exception:
        # The page itself needs the database (the signed-in user) or a template that
        # broke: answer with a page that needs nothing.
        log.exception("error page %s could not be rendered", status)
        body = (
            f"<!doctype html><html lang={current_language()}>"
            f"<title>{escape(title)} · Helpsquare</title>"
            f"<h1>{escape(title)}</h1><p>{escape(text)}</p>"
            f"<p>{escape(_('Reference:'))} <code>{escape(reference)}</code></p></html>"
        )
    return body, status, headers


# A stale or missing CSRF token, said to the in-place script (app/in_place.py) in words a
# reader can act on; the page answer keeps the generic 400.
CSRF_MESSAGE = _l("This page was open too long to do that from it. Reload the page and try again.")


def _json(status: int, message: str | None = None, code: str | None = None, **extra: object):
    """The JSON answer of a refusal, for a request that asked for JSON (the in-place
    actions' script): ``{"error": {"status", "code", "title", "message"}}``."""
    title = str(_TITLES.get(status) or _("Error"))
    text = str(message or _MESSAGES.get(status, ""))
    return json_error(status, code or str(status), title, text, **extra)


def _route() -> str:
    """The URL rule, for the logs: the path itself may hold a token (a reset link)."""
    return request.url_rule.rule if request.url_rule is not None else "(no route)"


def register_error_handlers(app: Flask) -> None:
    """HTML answers for domain and HTTP errors; a 500 rolls the session back."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if wants_json():
            if isinstance(error, PermissionDenied) and not current_user.is_authenticated:
                return sign_in_needed()
            response = _json(error.status, error.message or None, error.code)
            if isinstance(error, RateLimited):
                response.headers["Retry-After"] = str(error.retry_after)
            return response
        if isinstance(error, PermissionDenied) and not current_user.is_authenticated:
            return login_manager.unauthorized()
        if isinstance(error, EmailUnverified):
            # Says what to do, with the button that sends a new link.
            page = render_template("accounts/email_unverified.html", message=error.message)
            return page, error.status
        body, status, headers = _render(error.status, error.message or None)
        if isinstance(error, RateLimited):
            headers["Retry-After"] = str(error.retry_after)
        return body, status, headers

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if wants_json():
            if isinstance(error, CSRFError):
                return _json(400, str(CSRF_MESSAGE), "csrf")
            response = _json(error.code, _MESSAGES.get(error.code) or error.description)
            retry_after = dict(error.get_headers()).get("Retry-After")
            if retry_after:
                response.headers["Retry-After"] = retry_after
            return response
        return _render(error.code, _MESSAGES.get(error.code) or error.description)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        db.session.rollback()
        log.warning("database unavailable on %s %s: %s", request.method, _route(), error)
        return _json(503) if wants_json() else _render(503)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, _route())
        return _json(500) if wants_json() else _render(500)
