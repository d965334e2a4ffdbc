"""Field types, the base schemas and the error shape every operation documents."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import format_number
from marshmallow import fields, validate

from app.i18n import _l
from app.moderation import merging

PAGE_LIMIT_MIN, PAGE_LIMIT_MAX, PAGE_LIMIT_DEFAULT = 1, 100, 20
# Free-text filters (company names, search words) longer than this find nothing anyway.
FILTER_MAX = 200
SLUG_PARAM_MAX = 200
SEARCH_MAX = 500


# Field types ---------------------------------------------------------------------------


class WholeNumber(fields.Integer):
    """A JSON integer: ``true`` (a bool is an int to Python), ``1.0`` and ``"1"`` are refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class Link(fields.Function):
    """The absolute URL of an object's HTML page (documented as a string of format uri)."""

    def __init__(self, to_url: Any, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {"description": "The object's HTML page."})
        super().__init__(serialize=to_url, required=True, **kwargs)


class _Number(int):
    """A bound in a lazy message, written as the reader's language writes numbers (2,000 /
    2.000) when the message is shown."""

    def __str__(self) -> str:
        return format_number(int(self))


def _length(minimum: int | None, maximum: int) -> validate.Length:
    if minimum:
        return validate.Length(
            min=minimum,
            max=maximum,
            error=_l(
                "Use %(min)s to %(max)s characters.", min=_Number(minimum), max=_Number(maximum)
            ),
        )
    return validate.Length(
        max=maximum, error=_l("Use at most %(max)s characters.", max=_Number(maximum))
    )


def _one_of(choices: list[str]) -> validate.OneOf:
    return validate.OneOf(
        choices, error=_l("Choose one of: %(choices)s.", choices=", ".join(choices))
    )


def _values(enum: Any) -> list[str]:
    return [member.value for member in enum]


NO_SUCH_PRODUCT = _l("The company has no product with this slug.")
NO_SUCH_ANSWER = _l("There is no such answer.")
NO_SUCH_QUESTION = merging.NO_SUCH_QUESTION


class QuerySchema(ma.Schema):
    """A query string: parameters it does not name are left alone (webargs' default)."""

    class Meta:
        unknown = ma.EXCLUDE


class ResponseSchema(ma.Schema):
    class Meta:
        ordered = True


# Errors ------------------------------------------------------------------------------------


class ErrorBodySchema(ResponseSchema):
    code = fields.String(
        required=True, metadata={"description": "A word a program can test, e.g. not_found."}
    )
    message = fields.String(required=True, metadata={"description": "A sentence for a person."})
    # "fields" is a Schema attribute of marshmallow's own: named through data_key.
    field_errors = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        data_key="fields",
        metadata={"description": "What is wrong with each named field (may be empty)."},
    )


class ErrorSchema(ResponseSchema):
    """Every error the API answers has this shape."""

    error = fields.Nested(ErrorBodySchema, required=True)
