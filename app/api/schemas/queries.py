"""Query strings: paging, filters, sorts, search."""

from __future__ import annotations

from marshmallow import fields, validate

from app.api.schemas.base import (
    FILTER_MAX,
    PAGE_LIMIT_DEFAULT,
    PAGE_LIMIT_MAX,
    PAGE_LIMIT_MIN,
    SEARCH_MAX,
    SLUG_PARAM_MAX,
    QuerySchema,
    _length,
    _one_of,
    _values,
)
from app.companies.models import (
    ClaimStatus,
)
from app.questions.models import (
    TITLE_MAX,
    Kind,
    Status,
)
from app.questions.queries import Sort

# Query strings -----------------------------------------------------------------------------


class PageArgsSchema(QuerySchema):
    limit = fields.Integer(
        load_default=PAGE_LIMIT_DEFAULT,
        validate=validate.Range(
            min=PAGE_LIMIT_MIN,
            max=PAGE_LIMIT_MAX,
            error=f"Use a whole number from {PAGE_LIMIT_MIN} to {PAGE_LIMIT_MAX}.",
        ),
        metadata={"description": "How many items a page holds."},
    )
    cursor = fields.String(
        load_default=None,
        metadata={"description": "The next_cursor of the previous page."},
    )


class CompanyListArgsSchema(PageArgsSchema):
    q = fields.String(
        load_default="",
        validate=_length(None, FILTER_MAX),
        metadata={"description": "Only companies whose name contains this."},
    )


class CompanyProductArgsSchema(PageArgsSchema):
    """A page of questions narrowed to a company, or to one of its products."""

    company = fields.String(
        load_default=None,
        validate=_length(None, SLUG_PARAM_MAX),
        metadata={"description": "A company's slug."},
    )
    product = fields.String(
        load_default=None,
        validate=_length(None, SLUG_PARAM_MAX),
        metadata={"description": "A product's slug (with company)."},
    )


class QuestionListArgsSchema(CompanyProductArgsSchema):
    kind = fields.String(load_default=None, validate=_one_of(_values(Kind)))
    status = fields.String(load_default=None, validate=_one_of(_values(Status)))
    sort = fields.String(load_default=Sort.ACTIVE.value, validate=_one_of(_values(Sort)))


class ClaimListArgsSchema(PageArgsSchema):
    status = fields.String(
        load_default=None,
        validate=_one_of(_values(ClaimStatus)),
        metadata={"description": "Without it, every claim: the ones waiting for review first."},
    )


class SearchArgsSchema(CompanyProductArgsSchema):
    q = fields.String(
        required=True,
        validate=_length(None, SEARCH_MAX),
        metadata={"description": 'Words; "a phrase" in quotes; -word to exclude.'},
    )


class SimilarArgsSchema(QuerySchema):
    title = fields.String(
        required=True,
        validate=_length(None, TITLE_MAX),
        metadata={"description": "The title of a question about to be asked."},
    )
    company = fields.String(
        load_default=None,
        validate=_length(None, SLUG_PARAM_MAX),
        metadata={"description": "Only this company's questions."},
    )
