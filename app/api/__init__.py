"""JSON API v1 (docs/api.md): a second door into the same services and queries.

The blueprint ``api`` serves ``/api/v1``. flask-smorest parses each request with the
marshmallow schemas of ``app.api.schemas`` and builds the OpenAPI 3.1 document from those
same schemas and the routes, served at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import http
from typing import Any

import flask_smorest
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app, jsonify
from flask_smorest.utils import prepare_response
from werkzeug.routing import BaseConverter

from app.api import errors, openapi
from app.api.auth import BEARER_SCHEME, authenticate_request
from app.api.bodies import read_back_property
from app.api.parsing import JsonParser
from app.api.schemas import ErrorSchema, Link
from app.db import MAX_ID
from app.extensions import csrf
from app.templating import IdConverter

URL_PREFIX = "/api/v1"
EXTENSION = "helpsquare-api"

DESCRIPTION = """\
Helpsquare's JSON API: the same rules as the web pages, for help desks, status pages and
apps. Authenticate with `Authorization: Bearer <token>` (a token comes from
`POST /api/v1/tokens`). Errors always have the shape
`{"error": {"code", "message", "fields"}}`. Lists are
`{"items": [...], "next_cursor": ...}`: pass `next_cursor` back as `?cursor=` for the
next page, and `?limit=` (1–100, default 20). Times are ISO 8601 in UTC.
"""

# What each error status means here; every one has the error shape.
ERROR_DESCRIPTIONS = {
    400: "Malformed: the body is not JSON, the cursor was not issued by this server, or a "
    "link token is unknown, expired, used or tampered (code invalid_token).",
    401: "No token, or a token that is malformed, unknown or revoked (or wrong credentials).",
    403: "Not allowed for this account.",
    404: "No such object.",
    405: "That method is not allowed on this path.",
    409: "Conflicts with what exists: a duplicate, an already claimed company, …",
    413: "The request body is too large.",
    422: "A field is not valid: `fields` names each one and says why.",
    429: "Rate limited: wait the seconds Retry-After says.",
    500: "An error of the server's own.",
    503: "The database cannot be reached right now: try again after Retry-After seconds.",
}
HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}}},
    405: {"Allow": {"schema": {"type": "string"}}},
    429: {"Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait."}},
    503: {"Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait."}},
}


SLUG_MAX = 110  # the longest company or product slug


class SlugConverter(BaseConverter):
    """A company or product slug: lowercase a–z, 0–9 and hyphens. Anything else cannot
    be one, so it is not found without asking the database."""

    regex = rf"[a-z0-9-]{{1,{SLUG_MAX}}}"


def _slug_parameter(converter: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": "^[a-z0-9-]+$", "minLength": 1, "maxLength": SLUG_MAX}


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()


class HelpsquareApi(flask_smorest.Api):
    """flask-smorest's Api, keeping error handling to ``app.api.errors``."""

    ERROR_SCHEMA = ErrorSchema
    # Every status an operation may answer is listed; no catch-all "default".
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        """The site's pages keep their HTML error pages (app/errors.py); the API blueprint
        registers its own JSON handlers."""

    def _register_responses(self) -> None:
        """An error response for each status, by its HTTP name (NOT_FOUND, …), listed in the
        document only where an operation uses it."""
        for status in http.HTTPStatus:
            if status < 400:
                continue
            response: dict[str, Any] = {
                "description": ERROR_DESCRIPTIONS.get(status, status.phrase),
                "schema": self.ERROR_SCHEMA,
            }
            if status in HEADERS:
                response["headers"] = HEADERS[status]
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)


bp = ApiBlueprint("api", __name__, url_prefix=URL_PREFIX, description="Helpsquare's JSON API v1")
# The document is served beside the API; it is not an operation of its own.
docs_bp = FlaskBlueprint("api_docs", __name__, url_prefix=URL_PREFIX)


@docs_bp.get("/openapi.json")
def openapi_json() -> Any:
    """The OpenAPI 3.1 document, generated from the routes and schemas (app.api.openapi)."""
    return jsonify(openapi.served(current_app))


def _id_parameter(converter: Any) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def init_app(app: Flask) -> None:
    """Register the API on ``app``, with its own OpenAPI document."""
    from app.api import views  # noqa: F401 - registers the routes on ``bp``

    app.config.setdefault("API_TITLE", "Helpsquare")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": DESCRIPTION}})
    app.url_map.converters["slug"] = SlugConverter
    plugin = MarshmallowPlugin(schema_name_resolver=openapi.schema_name)
    api = HelpsquareApi(app, spec_kwargs={"marshmallow_plugin": plugin})
    api.register_converter(IdConverter, _id_parameter)
    api.register_converter(SlugConverter, _slug_parameter)
    api.register_field(Link, "string", "uri")
    # Resource fields a request body may send back: their own type, readOnly.
    api.ma_plugin.converter.add_attribute_function(read_back_property)
    # Each enum a shared component (app.api.openapi).
    api.ma_plugin.converter.add_attribute_function(openapi.shared_enum)
    api.spec.components.security_scheme(
        BEARER_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from POST /api/v1/tokens.",
        },
    )
    api.register_blueprint(bp)
    app.register_blueprint(docs_bp)
    app.extensions[EXTENSION] = api
    # No cookies are read: a token proves the request was meant (see app.api.auth).
    csrf.exempt(bp)
    csrf.exempt(docs_bp)


bp.before_request(authenticate_request)
errors.register(bp)
