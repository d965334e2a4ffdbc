"""What a JSON request body may hold (api.md Part 2), for every request schema.

- The fields its schema names; nothing else: a field the resource does not have at all is a
  422 naming it (``RequestSchema``: marshmallow's ``unknown = RAISE``, which the OpenAPI
  document shows as ``additionalProperties: false``).
- The other fields of the resource the request acts on, so a client may send back what it
  read (``reads_back``): the ones the server owns (ids, counts, times, links, what it
  derives) are ignored; in an edit the others must equal the object's current value, or
  the 422 names them. The document lists them ``readOnly``, with their type.
- A refused body is checked by the service's own rules too (``RequestSchema.problems``), so
  a 422 names every bad field at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import fields, post_load

from app.api.target import current
from app.i18n import _, _l

NO_SUCH_FIELD = _l("There is no such field here.")


class RequestSchema(ma.Schema):
    """A JSON request body. A field it does not name is a 422 naming that field (and the
    document says ``additionalProperties: false``), except the resource's own fields that
    ``reads_back`` adds."""

    class Meta:
        unknown = ma.RAISE

    error_messages = {"unknown": NO_SUCH_FIELD}

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        """What the service's own checks find wrong in the body, field by field: asked only
        when the body is refused anyway, so that the 422 names every bad field at once. The
        body is as sent (any JSON values); each schema passes on what its service takes."""
        return {}

    def handle_error(self, error: ma.ValidationError, data: Any, **kwargs: Any) -> None:
        """Add the service's findings in the fields the schema did not refuse itself."""
        if not isinstance(data, dict) or not isinstance(error.messages, dict):
            return
        found = self.problems(data)
        extra = {name: why for name, why in found.items() if name not in error.messages}
        if extra:
            raise ma.ValidationError(
                {**error.messages, **extra}, data=data, valid_data=error.valid_data
            )

    @post_load
    def _without_read_back(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The view gets the fields it acts on, never the ones sent back."""
        return {
            name: value
            for name, value in data.items()
            if not isinstance(self.fields.get(name), ReadBack)
        }


def text_in(raw: dict[str, Any], name: str) -> str | None:
    """The body's ``name`` if it is text, else None (a wrong type the schema reports)."""
    value = raw.get(name)
    return value if isinstance(value, str) else None


# Fields of a resource the server owns: ignored in any request body, so a client may send
# back an object as it read it (api.md Part 2): ids, counts, times, links, and what the
# server derives from other fields or decides itself.
SERVER_OWNED = frozenset(
    {
        "id",
        "url",
        "is_official",
        "created_at",
        "updated_at",
        "last_activity_at",
        "claimed_at",
        "decided_at",
        "since",
        "expires_at",
        "body_html",
        "author",
        "user",
        "claimed",
        "has_official_answer",
        "is_best",
    }
)
# Why a field of the resource cannot be changed by an edit, where there is more to say.
READ_ONLY_HINTS = {
    "status": _l("Set a status with PUT /questions/{id}/status."),
    "best_answer_id": _l("Choose the best answer with PUT /questions/{id}/best-answer."),
    "locked": _l("Only moderators lock and unlock questions."),
    "is_endorsed": _l("Endorse with POST /answers/{id}/endorse."),
    "domain": _l("A company's domain does not change: its staff are verified by it."),
    "name": _l("A company's name does not change."),
    "slug": _l("Slugs do not change: links to the page keep working."),
}


def server_owned(name: str) -> bool:
    """Whether the server owns a resource field (``SERVER_OWNED``, or any count)."""
    return name in SERVER_OWNED or name.endswith("_count")


def _same(sent: Any, now: Any) -> bool:
    """The same JSON value (``1`` is not ``true``, nor ``1.0``)."""
    return json.dumps(sent, sort_keys=True) == json.dumps(now, sort_keys=True)


class ReadBack(fields.Field):
    """A field of the resource that the request does not set, accepted so that a client may
    send back what it read: ignored when the server owns it or the request is no edit; in an
    edit, refused (422) unless it equals the object's current value."""

    def __init__(self, resource: type[ma.Schema], name: str, *, compare: bool) -> None:
        self.resource, self.resource_field, self.compare = resource, name, compare
        self.original = resource._declared_fields[name]
        self.hint = READ_ONLY_HINTS.get(name, "")
        if compare:
            described = "Read-only: sent back unchanged it is ignored; another value is a 422."
        else:
            described = "Read-only: ignored (the server decides it)."
        super().__init__(data_key=self.original.data_key, metadata={"description": described})

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any):  # noqa: ANN201 - any JSON value
        if value is ma.missing or not self.compare:
            return value
        if not _same(value, current(self.resource, self.resource_field)):
            why = _("This cannot be changed here: send it as it is, or leave it out.")
            raise ma.ValidationError(f"{why} {self.hint}".rstrip())
        return value


def reads_back(
    resource: type[ma.Schema], *, edit: bool = False
) -> Callable[[type[RequestSchema]], type[RequestSchema]]:
    """Accept in the body the fields of ``resource`` the request schema does not name (see
    ``ReadBack``). ``edit``: the request edits the object ``acting_on`` loaded, so fields the
    server does not own must equal its current value."""

    def decorate(schema: type[RequestSchema]) -> type[RequestSchema]:
        own = {field.data_key or name for name, field in schema._declared_fields.items()}
        extra = {
            name: ReadBack(resource, name, compare=edit and not server_owned(name))
            for name, field in resource._declared_fields.items()
            if (field.data_key or name) not in own
        }
        schema._declared_fields = {**schema._declared_fields, **extra}
        return schema

    return decorate


def read_back_property(self: Any, field: fields.Field, **kwargs: Any) -> dict[str, Any]:
    """apispec attribute function: a ``ReadBack`` is documented as its resource field's
    type, ``readOnly``, with its own description."""
    if not isinstance(field, ReadBack):
        return {}
    shown = {k: v for k, v in self.field2property(field.original).items() if k != "description"}
    return {**shown, "readOnly": True}
