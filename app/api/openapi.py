"""The OpenAPI document as client generators read it (openapi-python-client, and the like).

flask-smorest and apispec build the document from the routes and schemas; this module holds
what makes it generate good code, for every operation and schema at once, not route by route:

- Schema names never equal one of their own properties (``Error.error`` and ``Status.status``
  make generated code that fails ``mypy --strict``): such a schema is named ``…Request`` or
  ``…Response`` (``schema_name``).
- Each Python enum is one shared component (``Kind``, ``Status``, ``Feeling``…) that every
  field of it refers to, null written as ``anyOf`` with ``{"type": "null"}``; so a question's
  ``status`` is the very type the status operation takes (``shared_enum`` marks the fields,
  ``polish`` moves them).
- Tags by area (the module of the view), each described; a ``servers`` entry (this server).
- The rate-limit headers (``X-RateLimit-*``) on the answers of the operations that send them;
  ``Retry-After`` only on 429 and 503 (``app.limits.drop_stray_retry_after`` keeps the
  server to it).
- No schema that nothing refers to.
"""

from __future__ import annotations

import copy
import sys
from typing import Any

import marshmallow as ma
from apispec.ext.marshmallow import resolver
from flask import Flask, request
from flask_limiter.util import get_qualified_name

ENUM_MARK = "x-helpsquare-enum"
VIEWS_PACKAGE = "app.api.views"
SCHEMAS = "#/components/schemas/"

RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed in the current window.",
    "X-RateLimit-Remaining": "Requests left in the current window.",
    "X-RateLimit-Reset": "When the current window ends (seconds since the epoch).",
}


def schema_name(schema: type[ma.Schema] | ma.Schema) -> str:
    """apispec's name (the class name less "Schema"), unless a property has that name."""
    from app.api.bodies import RequestSchema  # app.api.bodies → auth → this module

    name = resolver(schema)  # type: ignore[arg-type] - apispec takes a class or an instance
    cls = schema if isinstance(schema, type) else type(schema)
    own = {
        (field.data_key or attr).replace("_", "").lower()
        for attr, field in cls._declared_fields.items()
    }
    if name.lower() not in own:
        return name
    return name + ("Request" if issubclass(cls, RequestSchema) else "Response")


def _shared_enums() -> dict[frozenset[str], str]:
    """The sets of values the API shares, by their values: name."""
    from app.companies.models import ClaimStatus, StaffRole
    from app.moderation.flag_models import FlagReason, FlagStatus
    from app.moderation.models import ModerationAction, TargetType
    from app.questions.models import Feeling, Kind, Status

    shared = (Kind, Status, Feeling, ClaimStatus, StaffRole)
    shared += (FlagReason, FlagStatus, TargetType, ModerationAction)
    return {frozenset(member.value for member in each): each.__name__ for each in shared}


def shared_enum(self: Any, field: ma.fields.Field, **kwargs: Any) -> dict[str, Any]:
    """apispec attribute function: a field whose values are one of the shared enums (an
    ``Enum`` field, or a string that must be one of its values) names it, for ``polish``."""
    if isinstance(field, ma.fields.Enum):
        return {ENUM_MARK: field.enum.__name__}
    for validator in field.validators:
        if isinstance(validator, ma.validate.OneOf):
            name = _shared_enums().get(frozenset(validator.choices) - {None})
            if name:
                return {ENUM_MARK: name}
    return {}


def _enum_values(name: str, found: dict[str, Any]) -> list[Any]:
    values = [value for value in found.get("enum", []) if value is not None]
    if values:
        return values
    raise ValueError(f"the enum field {name} lists no values")


def _refer_to_enums(node: Any, enums: dict[str, list[Any]]) -> Any:
    """``node`` with every marked enum property replaced by a reference to its component."""
    if isinstance(node, list):
        return [_refer_to_enums(item, enums) for item in node]
    if not isinstance(node, dict):
        return node
    if ENUM_MARK in node:
        name = node[ENUM_MARK]
        enums.setdefault(name, _enum_values(name, node))
        nullable = None in node.get("enum", []) or "null" in (node.get("type") or [])
        kept = {
            key: value
            for key, value in node.items()
            if key not in {ENUM_MARK, "enum", "type"} and not (key == "default" and value is None)
        }
        reference = {"$ref": SCHEMAS + name}
        if nullable:
            return {"anyOf": [reference, {"type": "null"}], **kept}
        return {**reference, **kept}
    return {key: _refer_to_enums(value, enums) for key, value in node.items()}


def _references(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_references(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set().union(*(_references(value) for value in node.values())) if node else set()
    reference = node.get("$ref")
    if isinstance(reference, str) and reference.startswith(SCHEMAS):
        found.add(reference.removeprefix(SCHEMAS))
    return found


def _without_unused_schemas(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    used: set[str] = set()
    frontier = _references({key: value for key, value in document.items() if key != "components"})
    frontier |= _references({k: v for k, v in document["components"].items() if k != "schemas"})
    while frontier - used:
        name = (frontier - used).pop()
        used.add(name)
        frontier |= _references(schemas.get(name, {}))
    for name in set(schemas) - used:
        del schemas[name]


def _tags(document: dict[str, Any]) -> list[dict[str, str]]:
    """One tag per area used, described by the first paragraph of its views' module."""
    used = sorted(
        {
            tag
            for item in document["paths"].values()
            for operation in item.values()
            if isinstance(operation, dict)
            for tag in operation.get("tags", [])
        }
    )
    tags = []
    for name in used:
        module = sys.modules.get(f"{VIEWS_PACKAGE}.{name}")
        first_paragraph = ((module.__doc__ if module else None) or "").strip().split("\n\n")[0]
        summary = " ".join(first_paragraph.split())
        tags.append({"name": name, "description": summary} if summary else {"name": name})
    return tags


def _rate_limited_operations(app: Flask) -> set[str]:
    """The operationIds (view names) of the API views flask-limiter limits."""
    from app.extensions import limiter

    return {
        view.__name__
        for endpoint, view in app.view_functions.items()
        if endpoint.startswith("api.")
        and limiter.limit_manager.decorated_limits(get_qualified_name(view))
    }


def _rate_limit_headers() -> dict[str, Any]:
    return {
        name: {"description": why, "schema": {"type": "integer"}}
        for name, why in RATE_LIMIT_HEADERS.items()
    }


def _document_rate_limits(document: dict[str, Any], limited: set[str]) -> None:
    headers = _rate_limit_headers()
    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or operation.get("operationId") not in limited:
                continue
            for status, response in operation["responses"].items():
                if status.startswith("2") and "$ref" not in response:
                    response.setdefault("headers", {}).update(copy.deepcopy(headers))
    too_many = document["components"].get("responses", {}).get("TOO_MANY_REQUESTS")
    if too_many is not None:
        too_many.setdefault("headers", {}).update(copy.deepcopy(headers))


def polish(document: dict[str, Any], app: Flask) -> dict[str, Any]:
    """The generated document made ready for client generators (see the module's doc)."""
    document = copy.deepcopy(document)
    enums: dict[str, list[Any]] = {}
    document["paths"] = _refer_to_enums(document["paths"], enums)
    components = document["components"]
    components["schemas"] = _refer_to_enums(components["schemas"], enums)
    for name, values in sorted(enums.items()):
        if name in components["schemas"]:
            raise ValueError(f"the enum {name} and a schema share a name")
        components["schemas"][name] = {"type": "string", "enum": values}
    _without_unused_schemas(document)
    document["tags"] = _tags(document)
    _document_rate_limits(document, _rate_limited_operations(app))
    return document


def served(app: Flask) -> dict[str, Any]:
    """The document for this request: polished once per app, with this server's address."""
    key = "helpsquare-openapi"
    if key not in app.extensions:
        spec = app.extensions["helpsquare-api"].spec
        app.extensions[key] = polish(spec.to_dict(), app)
    document = dict(app.extensions[key])
    document["servers"] = [{"url": request.host_url.rstrip("/"), "description": "This server."}]
    return document


def area(view: Any) -> str:
    """The tag of a view: the area its module serves (accounts, questions, …)."""
    return view.__module__.removeprefix(VIEWS_PACKAGE + ".")
