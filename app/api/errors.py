"""How the API answers when something is refused: always ``{"error": {code, message, fields}}``.

Domain errors from the services keep their status (404, 403, 409, 422…); a refusal to an
anonymous client is 401. Request parsing answers 400 for a body that is not JSON and 422
for one of the wrong shape. Unknown paths and methods under ``/api/`` answer in JSON too,
although no API view ran. Nothing a client sends ends in a 500: anything unexpected is
logged and answered 500 in the same shape, and a database that cannot be reached is 503.
"""

from __future__ import annotations

import logging
import math
import re
import time
from typing import Any

from flask import Response, current_app, g, jsonify, request
from flask_babel.speaklater import LazyString
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from app.companies.claims import ClaimLinkInvalid
from app.companies.staff import InvitationUnusable
from app.errors import DomainError, PermissionDenied, RateLimited, Suspended
from app.extensions import db, limiter
from app.i18n import _, _l

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

UNAVAILABLE_RETRY_AFTER = 5

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Send a valid token: Authorization: Bearer <token>."),
    403: _l("You are not allowed to do that."),
    404: _l("There is nothing here."),
    405: _l("That method is not allowed here."),
    409: _l("That conflicts with what is already there."),
    413: _l("The request body is too large."),
    422: _l("Please correct the fields named in `fields`."),
    429: _l("Too many requests in a short time. Please wait and try again."),
    500: _l("We could not complete that. Nothing you sent caused it; please try again shortly."),
    503: _l("Helpsquare cannot reach its database right now. Please try again in a moment."),
}

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


class Unauthenticated(DomainError):
    """No token, or one that is malformed, unknown or revoked, where the API needs one."""

    status = 401
    code = "unauthorized"


class NotJson(DomainError):
    """A request body that is not JSON: malformed, not UTF-8, or sent as something else."""

    status = 400
    code = "malformed_json"


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The one shape of every API error."""
    fields = {name: str(why) for name, why in (fields or {}).items()}
    response = jsonify({"error": {"code": code, "message": str(message), "fields": fields}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _retry_after() -> str:
    """Seconds until the rate limit that was hit lets the client in again."""
    limit = limiter.current_limit
    seconds = limit.reset_at - time.time() if limit is not None else 60
    return str(max(1, math.ceil(seconds)))


def _first_message(value: Any) -> str:
    """The first message in marshmallow's nested messages (lists, dicts of lists…), in the
    request's language (``marshmallow_message``)."""
    if isinstance(value, str | LazyString):
        return marshmallow_message(str(value))
    if isinstance(value, dict):
        for item in value.values():
            return _first_message(item)
    if isinstance(value, list | tuple):
        for item in value:
            return _first_message(item)
    return _("This is not valid.")


# marshmallow's own messages (the defaults of the fields and validators the schemas use),
# each marked for translation as marshmallow writes it: English stays as it always was. The
# schemas' own messages come through ``_l`` already.
_KNOWN = (
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Invalid value."),
    _l("Not a valid string."),
    _l("Not a valid integer."),
    _l("Not a valid number."),
    _l("Number too large."),
    _l("Not a valid boolean."),
    _l("Not a valid list."),
    _l("Not a valid mapping type."),
    _l("Not a valid datetime."),
    _l("Not a valid email address."),
    _l("Not a valid URL."),
    _l("Invalid input type."),
    _l("Unknown field."),
)
MARSHMALLOW_MESSAGES = {message._args[0]: message for message in _KNOWN}
# Default validator messages with values in them: (pattern, the message with those names).
MARSHMALLOW_PATTERNS = (
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"), _l("Must be one of: %(choices)s.")),
    (
        re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"),
        _l("Longer than maximum length %(max)s."),
    ),
    (
        re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"),
        _l("Shorter than minimum length %(min)s."),
    ),
    (
        re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
        _l("Length must be between %(min)s and %(max)s."),
    ),
    (
        re.compile(
            r"^Must be greater than or equal to (?P<min>\S+) "
            r"and less than or equal to (?P<max>\S+)\.$"
        ),
        _l("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    ),
    (
        re.compile(r"^Must be greater than or equal to (?P<min>\S+)\.$"),
        _l("Must be greater than or equal to %(min)s."),
    ),
    (
        re.compile(r"^Must be less than or equal to (?P<max>\S+)\.$"),
        _l("Must be less than or equal to %(max)s."),
    ),
)


def marshmallow_message(message: str) -> str:
    """One of marshmallow's own English messages in the request's language; any other
    message (the schemas' own, already translated) as it is."""
    if message in MARSHMALLOW_MESSAGES:
        return str(MARSHMALLOW_MESSAGES[message])
    for pattern, translated in MARSHMALLOW_PATTERNS:
        match = pattern.match(message)
        if match:
            return str(translated) % match.groupdict()
    return message


def _is_marshmallow(value: Any, message: str) -> bool:
    """Whether marshmallow's nested messages start with its own ``message``."""
    while isinstance(value, list | tuple | dict):
        if not value:
            return False
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return value == message


def _validation_fields(messages: Any) -> tuple[dict[str, str], list[str]]:
    """Per-field messages, and messages about the request as a whole, from webargs."""
    fields: dict[str, str] = {}
    general: list[str] = []
    if not isinstance(messages, dict):
        return fields, [_first_message(messages)]
    for location, by_field in messages.items():
        if not isinstance(by_field, dict):
            general.append(_first_message(by_field))
            continue
        for name, why in by_field.items():
            if name == "_schema":
                whole = _first_message(why)
                if location == "json" and _is_marshmallow(why, "Invalid input type."):
                    whole = _("The request body must be a JSON object.")
                general.append(whole)
            else:
                fields[str(name)] = _first_message(why)
    return fields, general


def domain_error(error: DomainError) -> Response:
    db.session.rollback()
    status, code = error.status, error.code
    headers: dict[str, str] = {}
    message = error.message or MESSAGES.get(status, "")
    if status == 422 and error.fields:
        # The services word their refusals for the web forms ("…the fields marked below");
        # here ``fields`` says what is wrong with each, in the API's own words.
        message = MESSAGES[422]
    anonymous = g.get("api_user") is None
    if isinstance(error, PermissionDenied) and not isinstance(error, Suspended) and anonymous:
        # Refused because nobody is signed in: a token would change the answer. (A suspended
        # account's token or password is refused for what it is: 403 suspended.)
        status, code, message = 401, "unauthorized", _("Sign in first: send a valid token.")
    if isinstance(error, ClaimLinkInvalid | InvitationUnusable):
        code = "invalid_token"
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="helpsquare"'
    return error_response(status, code, message, error.fields, headers)


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status < 400:
        return error  # type: ignore[return-value] - a redirect, answered as it is
    db.session.rollback()
    headers: dict[str, str] = {}
    code = CODES.get(status, (error.name or "error").lower().replace(" ", "_"))
    message = MESSAGES.get(status) or error.description or ""
    fields: dict[str, str] = {}
    data = getattr(error, "data", None) or {}
    if status == 422 and "messages" in data:
        fields, general = _validation_fields(data["messages"])
        if general:
            message = " ".join(general)
    elif status == 400 and "messages" in data:
        code, message = "malformed_json", _("The request body is not valid JSON.")
    if isinstance(error, RateLimitExceeded):
        message = _("%(limit)s Please wait and try again.", limit=error.description)
        headers["Retry-After"] = _retry_after()
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return error_response(status, code, message, fields, headers)


def database_unavailable(error: OperationalError) -> Response:
    db.session.rollback()
    log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
    return error_response(
        503, "unavailable", MESSAGES[503], headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER)}
    )


def unexpected(error: Exception) -> Response:
    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "server_error", MESSAGES[500])


def routing_error() -> Response | None:
    """Unknown paths and methods under /api/ answer in JSON: no API view runs for them,
    so the blueprint's handlers never see them (``before_app_request``)."""
    failure = request.routing_exception
    if failure is None or isinstance(failure, RequestRedirect):
        return None
    if not (request.path + "/").startswith(API_PREFIX):
        return None
    if isinstance(failure, MethodNotAllowed) and not _path_exists(failure):
        # Werkzeug says 405 when another method's rule matched the path, even when this
        # method's rule refused the value (an id too large to exist): that is a 404.
        return http_error(NotFound())
    if isinstance(failure, HTTPException):
        return http_error(failure)
    return None


def _path_exists(failure: MethodNotAllowed) -> bool:
    """Whether the path leads anywhere with one of the methods the 405 offers."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in failure.valid_methods or ():
        try:
            adapter.match(method=method)
        except HTTPException:
            continue
        return True
    return False


def register(blueprint: Any) -> None:
    blueprint.register_error_handler(DomainError, domain_error)
    blueprint.register_error_handler(HTTPException, http_error)
    blueprint.register_error_handler(OperationalError, database_unavailable)
    blueprint.register_error_handler(Exception, unexpected)
    blueprint.before_app_request(routing_error)
