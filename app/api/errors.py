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
import time
from typing import Any

from flask import Response, current_app, g, jsonify, request
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from app.companies.claims import ClaimLinkInvalid
from app.companies.staff import InvitationUnusable
from app.errors import DomainError, PermissionDenied, RateLimited, Suspended
from app.extensions import db, limiter

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

UNAVAILABLE_RETRY_AFTER = 5

MESSAGES = {
    400: "The request could not be understood.",
    401: "Send a valid token: Authorization: Bearer <token>.",
    403: "You are not allowed to do that.",
    404: "There is nothing here.",
    405: "That method is not allowed here.",
    409: "That conflicts with what is already there.",
    413: "The request body is too large.",
    422: "Please correct the fields named in `fields`.",
    429: "Too many requests in a short time. Please wait and try again.",
    500: "We could not complete that. Nothing you sent caused it; please try again shortly.",
    503: "Helpsquare cannot reach its database right now. Please try again in a moment.",
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
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
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
    """The first message in marshmallow's nested messages (lists, dicts of lists…)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for item in value.values():
            return _first_message(item)
    if isinstance(value, list | tuple):
        for item in value:
            return _first_message(item)
    return "This is not valid."


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
                if location == "json" and whole == "Invalid input type.":
                    whole = "The request body must be a JSON object."
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
        status, code, message = 401, "unauthorized", "Sign in first: send a valid token."
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
        code, message = "malformed_json", "The request body is not valid JSON."
    if isinstance(error, RateLimitExceeded):
        message = f"{error.description} Please wait and try again."
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
