"""A company's insights (issue 14), for its staff and moderators: the query string and the
response, kept together (``app.insights.queries`` says what each figure counts)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import fields, validate

from app.api.schemas.base import Link, QuerySchema, ResponseSchema
from app.api.schemas.resources import UserSchema
from app.companies.models import StaffRole
from app.i18n import _l
from app.insights.queries import DAYS, DEFAULT_DAYS
from app.questions.models import Status


class InsightsArgsSchema(QuerySchema):
    days = fields.Integer(
        load_default=DEFAULT_DAYS,
        validate=validate.OneOf(DAYS, error=_l("Choose 30, 90 or 365.")),
        metadata={"description": "The window: the last 30 (the default), 90 or 365 days."},
    )


def _seconds(description: str) -> fields.Integer:
    return fields.Integer(required=True, allow_none=True, metadata={"description": description})


def _share(description: str) -> fields.Float:
    return fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": f"{description}: a fraction 0–1; null when none was asked."},
    )


class ResponseFiguresSchema(ResponseSchema):
    """How a group of the window's questions was answered."""

    questions = fields.Integer(required=True, metadata={"description": "Listed questions asked."})
    answered_officially = fields.Integer(
        required=True, metadata={"description": "Those with a listed official answer."}
    )
    answered_officially_share = _share("Answered officially")
    answered_officially_within_24h = fields.Integer(
        required=True,
        metadata={"description": "Those whose first official answer came within 24 hours."},
    )
    answered_officially_within_24h_share = _share("Answered officially within 24 hours")
    best_answers = fields.Integer(
        required=True, metadata={"description": "Those with a best answer."}
    )
    best_answer_share = _share("With a best answer")
    median_first_official_answer_seconds = _seconds(
        "Median seconds from asking to the first listed official answer, over those answered "
        "officially; null when none was."
    )
    p90_first_official_answer_seconds = _seconds(
        "90th percentile of the same (as percentile_cont: interpolated); null when none was."
    )


class KindCountsSchema(ResponseSchema):
    question = fields.Integer(required=True)
    problem = fields.Integer(required=True)
    idea = fields.Integer(required=True)
    praise = fields.Integer(required=True)


class FeelingCountsSchema(ResponseSchema):
    happy = fields.Integer(required=True)
    excited = fields.Integer(required=True)
    confused = fields.Integer(required=True)
    frustrated = fields.Integer(required=True)
    sad = fields.Integer(required=True)
    none = fields.Function(
        lambda counts: counts[None],
        required=True,
        metadata={"type": "integer", "description": "The asker said no feeling."},
    )


class WeekSchema(ResponseSchema):
    week = fields.Date(required=True, metadata={"description": "The week's Monday (UTC)."})
    kinds = fields.Nested(
        KindCountsSchema,
        required=True,
        metadata={"description": "The questions asked that week, by kind."},
    )
    feelings = fields.Nested(
        FeelingCountsSchema,
        required=True,
        metadata={"description": "The same questions, by the asker's feeling."},
    )
    total = fields.Integer(required=True)


def _problem_url(problem: Any) -> str:
    return url_for("questions.show", question_id=problem.id, slug=problem.slug, _external=True)


class TopProblemSchema(ResponseSchema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.Enum(Status, by_value=True, required=True)
    affected_users = fields.Integer(required=True, metadata={"description": "Its me-too count."})
    created_at = fields.DateTime(required=True)
    url = Link(_problem_url, metadata={"description": "The problem's page."})


class ProductFiguresSchema(ResponseSchema):
    product = fields.String(
        attribute="slug",
        required=True,
        allow_none=True,
        metadata={"description": "The product's slug; null for questions with no product."},
    )
    name = fields.String(required=True, allow_none=True)
    response = fields.Nested(ResponseFiguresSchema, required=True)


class StaffFiguresSchema(ResponseSchema):
    user = fields.Nested(UserSchema, required=True)
    role = fields.Enum(StaffRole, by_value=True, required=True)
    active = fields.Boolean(
        required=True, metadata={"description": "False: no longer on the staff."}
    )
    official_answers = fields.Integer(
        required=True, metadata={"description": "Listed official answers to the questions."}
    )
    first_official_answers = fields.Integer(
        required=True, metadata={"description": "Questions whose first official answer it was."}
    )
    median_first_official_answer_seconds = _seconds(
        "Median seconds from asking to those first official answers; null when none."
    )
    best_answers = fields.Integer(
        required=True, metadata={"description": "Of the answers, those chosen as best."}
    )


class InsightsSchema(ResponseSchema):
    """A company's insights over the last ``days`` days: every figure is about the listed
    questions asked in the window (hidden and merged ones count nowhere) and their listed
    answers."""

    days = fields.Integer(required=True)
    since = fields.DateTime(required=True, metadata={"description": "The window's start."})
    until = fields.DateTime(required=True, metadata={"description": "Now: the window's end."})
    response = fields.Nested(ResponseFiguresSchema, required=True)
    weeks = fields.List(fields.Nested(WeekSchema), required=True)
    top_problems = fields.List(
        fields.Nested(TopProblemSchema),
        required=True,
        metadata={"description": "Open problems with the most affected users (at most 10)."},
    )
    products = fields.List(
        fields.Nested(ProductFiguresSchema),
        required=True,
        metadata={"description": "Per product, the busiest first; product null: no product."},
    )
    staff = fields.List(
        fields.Nested(StaffFiguresSchema),
        required=True,
        metadata={"description": "Active staff, and former staff who answered the questions."},
    )
