"""What responses hold: users, companies, products, questions, answers, claims, staff,
champions, tokens, revisions, the moderation log, status history, and the page of any of
them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import url_for
from marshmallow import fields

from app.api.schemas.base import Link, ResponseSchema
from app.companies.models import (
    ClaimStatus,
    StaffRole,
)
from app.moderation.models import ModerationAction, TargetType
from app.moderation.revision_queries import version_cursor
from app.policy import Permission, can
from app.questions.models import (
    Feeling,
    Kind,
    Status,
)
from app.reputation.queries import by_champion
from app.visibility import can_read_private_details, request_viewer, sees_hidden

# Resources ---------------------------------------------------------------------------------


def _user_url(user: Any) -> str | None:
    if user.is_former_member:  # no profile any more
        return None
    return url_for("accounts.profile", username=user.username, _external=True)


def _suspended_until(user: Any) -> str | None:
    end = user.suspension_end
    return end if end is None or isinstance(end, str) else end.isoformat()


def _company_url(company: Any) -> str:
    return url_for("companies.show", slug=company.slug, _external=True)


def _widget_origins(company: Any) -> list[str] | None:
    if not can(request_viewer(), Permission.COMPANY_EDIT, company):
        return None
    return company.widget_origin_list


def _product_url(product: Any) -> str:
    return url_for(
        "products.show",
        company_slug=product.company.slug,
        product_slug=product.slug,
        _external=True,
    )


def _question_url(question: Any) -> str:
    return url_for("questions.show", question_id=question.id, slug=question.slug, _external=True)


def _answer_url(answer: Any) -> str:
    # Its own address, which leads to the page of answers that holds it when followed.
    return url_for("answers.show", answer_id=answer.id, _external=True)


def _hidden_field() -> fields.Function:
    return fields.Function(
        lambda post: sees_hidden(request_viewer(), post),
        required=True,
        metadata={
            "type": "boolean",
            "description": "Hidden by a moderator (or deleted by its author): true only for "
            "its author and moderators, false for everyone else (who cannot read it at all).",
        },
    )


def _hidden_reason_field() -> fields.Function:
    return fields.Function(
        lambda post: post.hidden_reason if sees_hidden(request_viewer(), post) else "",
        required=True,
        metadata={
            "type": "string",
            "description": 'Why it is hidden (public); "" unless ``hidden`` is true.',
        },
    )


def _private_details_field(question_of: Any) -> fields.Function:
    """The post's private details (Markdown), present only for whom
    ``app.visibility.can_read_private_details`` names on the post's question; left out of
    the object for everyone else, and of every list of questions (``ListedQuestionSchema``).
    """

    def shown(post: Any) -> Any:
        if not can_read_private_details(request_viewer(), question_of(post)):
            return ma.missing
        return post.private_details

    return fields.Function(
        shown,
        allow_none=True,
        metadata={
            "type": "string",
            "description": "Markdown, as written; null when there are none. Only for the "
            "question's asker, its company's active staff and moderators: the field is left "
            "out for everyone else, and from every list of questions.",
        },
    )


class UserSchema(ResponseSchema):
    """A person. An account its owner deleted reads "a former member" (its ``display_name``),
    under a placeholder ``username``, with ``url`` null."""

    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.Function(
        lambda user: user.name if user.is_former_member else user.display_name,
        required=True,
        metadata={"type": "string", "description": "May be empty; “a former member”."},
    )
    created_at = fields.DateTime(required=True)
    is_admin = fields.Boolean(required=True)
    is_moderator = fields.Function(
        lambda user: bool(user.is_admin or user.is_moderator),
        required=True,
        metadata={"type": "boolean", "description": "A moderator (site admins are)."},
    )
    reputation = fields.Integer(
        required=True,
        metadata={
            "description": "Points earned helping others (helpful votes, best answers, "
            "endorsements, me too); official answers earn none."
        },
    )
    suspended_until = fields.Function(
        _suspended_until,
        required=True,
        allow_none=True,
        metadata={
            "type": "string",
            "nullable": True,
            "description": 'While suspended: when it ends (a time) or "forever"; else null.',
        },
    )
    url = Link(
        _user_url,
        allow_none=True,
        metadata={"description": "The person's page; null for a former member."},
    )


class MeSchema(UserSchema):
    """The account a token belongs to: a user, and whether its e-mail address is verified
    (until it is, its writes are refused with 403 ``email_unverified``)."""

    email_verified = fields.Boolean(attribute="is_email_verified", required=True)


class CompanySchema(ResponseSchema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    domain = fields.String(required=True)
    description = fields.String(required=True)
    website = fields.String(required=True)
    claimed = fields.Boolean(attribute="is_claimed", required=True)
    claimed_at = fields.DateTime(required=True, allow_none=True)
    product_count = fields.Integer(required=True)
    question_count = fields.Integer(required=True)
    widget_origins = fields.Function(
        _widget_origins,
        required=True,
        allow_none=True,
        metadata={
            "type": "array",
            "items": {"type": "string"},
            "description": "The origins allowed to frame the company's widget, for those "
            "who may edit the company (its admin staff, site admins); null for everyone else.",
        },
    )
    url = Link(_company_url)


class ScorecardSchema(ResponseSchema):
    """The public scorecard (app/insights/scorecard.py): over the last ``window_days`` (90),
    from listed posts only. No company can switch it off or edit it.

    For an unclaimed company nobody answers officially: ``answered_officially_share`` and
    ``median_first_official_answer_seconds`` are null and ``active_staff_30d`` is 0;
    ``customers_answered`` says how many of the questions customers answered instead.
    """

    window_days = fields.Integer(required=True, metadata={"description": "Always 90."})
    claimed = fields.Boolean(required=True)
    questions = fields.Integer(
        required=True, metadata={"description": "Listed questions asked in the window."}
    )
    answered_officially_share = fields.Float(
        required=True,
        allow_none=True,
        metadata={
            "description": "The fraction (0–1) of those with a listed official answer; null "
            "when no question was asked or the company is unclaimed."
        },
    )
    median_first_official_answer_seconds = fields.Integer(
        required=True,
        allow_none=True,
        metadata={
            "description": "Median seconds from asking to the first listed official answer, "
            "over the questions answered officially; null when none was, or unclaimed."
        },
    )
    problems_solved = fields.Integer(
        required=True, metadata={"description": "Problems asked in the window, solved now."}
    )
    active_staff_30d = fields.Integer(
        required=True,
        metadata={
            "description": "Active staff who posted a listed official answer or changed a "
            "question's status in the last 30 days; 0 while unclaimed."
        },
    )
    customers_answered = fields.Integer(
        required=True,
        metadata={
            "description": "Questions with a listed answer by someone other than the asker "
            "that is not official (shown instead of the official figures while unclaimed)."
        },
    )


class ProductSchema(ResponseSchema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    company = fields.String(
        attribute="company.slug", required=True, metadata={"description": "The company's slug."}
    )
    claimed = fields.Boolean(attribute="is_claimed", required=True)
    question_count = fields.Integer(required=True)
    url = Link(_product_url)


class QuestionSchema(ResponseSchema):
    id = fields.Integer(required=True)
    kind = fields.Enum(Kind, by_value=True, required=True)
    title = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown, as written."})
    body_html = fields.String(
        required=True, metadata={"description": "The body rendered and sanitized."}
    )
    feeling = fields.Enum(Feeling, by_value=True, required=True, allow_none=True)
    status = fields.Enum(Status, by_value=True, required=True)
    author = fields.Nested(UserSchema, required=True)
    company = fields.String(
        attribute="company.slug", required=True, metadata={"description": "The company's slug."}
    )
    product = fields.String(
        attribute="product.slug",
        required=True,
        allow_none=True,
        dump_default=None,
        metadata={"description": "The product's slug, or null."},
    )
    me_too_count = fields.Integer(
        required=True, metadata={"description": "For a problem: its affected users."}
    )
    answer_count = fields.Integer(required=True)
    fixed_in = fields.String(
        required=True,
        metadata={"description": 'The version a solved problem was fixed in; "" if none.'},
    )
    still_broken_count = fields.Integer(
        required=True,
        metadata={"description": '"Still broken" reports since the problem was last solved.'},
    )
    best_answer_id = fields.Integer(required=True, allow_none=True)
    has_official_answer = fields.Boolean(required=True)
    locked = fields.Boolean(required=True)
    lock_reason = fields.String(
        required=True, metadata={"description": 'Why it is locked (public); "" if not.'}
    )
    hidden = _hidden_field()
    hidden_reason = _hidden_reason_field()
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    last_activity_at = fields.DateTime(required=True)
    merged_into = fields.Integer(
        attribute="merged_into_id",
        required=True,
        allow_none=True,
        metadata={
            "description": "The question this one was merged into as a duplicate (its address "
            "redirects there), or null."
        },
    )
    private_details = _private_details_field(lambda question: question)
    url = Link(_question_url)


class ListedQuestionSchema(QuestionSchema):
    """A question in a list (questions, search, similar): the same for every reader, so never
    its private details, whoever asks."""

    class Meta(QuestionSchema.Meta):
        exclude = ("private_details",)


class AnswerSchema(ResponseSchema):
    id = fields.Integer(required=True)
    question_id = fields.Integer(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown, as written."})
    body_html = fields.String(
        required=True, metadata={"description": "The body rendered and sanitized."}
    )
    author = fields.Nested(UserSchema, required=True)
    is_official = fields.Boolean(
        required=True,
        metadata={"description": "Its author was the company's staff when posting it."},
    )
    is_endorsed = fields.Boolean(required=True)
    helpful_count = fields.Integer(required=True)
    is_best = fields.Function(
        lambda answer: answer.id == answer.question.best_answer_id,
        required=True,
        metadata={"type": "boolean"},
    )
    by_champion = fields.Function(
        by_champion,
        required=True,
        metadata={
            "type": "boolean",
            "description": "Its author is a champion of the question's company (named by its "
            "admins) and it is not official.",
        },
    )
    hidden = _hidden_field()
    hidden_reason = _hidden_reason_field()
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    private_details = _private_details_field(lambda answer: answer.question)
    url = Link(_answer_url)


class ClaimSchema(ResponseSchema):
    """Dumped from ``app.api.views.claims.claim_data`` (a claim and the status to show)."""

    id = fields.Integer(required=True)
    company = fields.String(required=True, metadata={"description": "The company's slug."})
    user = fields.Nested(UserSchema, required=True)
    work_email = fields.String(required=True)
    status = fields.Enum(ClaimStatus, by_value=True, required=True)
    created_at = fields.DateTime(required=True)
    decided_at = fields.DateTime(required=True, allow_none=True)
    note = fields.String(required=True)
    url = fields.String(
        required=True,
        metadata={"description": "The company's claim page.", "format": "uri"},
    )


def _staff_url(membership: Any) -> str:
    return url_for("companies.staff", slug=membership.company.slug, _external=True)


class StaffSchema(ResponseSchema):
    user = fields.Nested(UserSchema, required=True)
    role = fields.Enum(StaffRole, by_value=True, required=True)
    since = fields.DateTime(attribute="created_at", required=True)
    url = Link(_staff_url, metadata={"description": "The company's staff page."})


def _champions_url(champion: Any) -> str:
    return url_for("reputation.champions", slug=champion.company.slug, _external=True)


class ChampionSchema(ResponseSchema):
    """A champion of a company: a fellow customer its admins named."""

    user = fields.Nested(UserSchema, required=True)
    since = fields.DateTime(attribute="created_at", required=True)
    url = Link(_champions_url, metadata={"description": "The company's champions page."})


class InvitationSchema(ResponseSchema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    role = fields.Enum(StaffRole, by_value=True, required=True)
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    url = Link(_staff_url, metadata={"description": "The company's staff page."})


class SsoSecretSchema(ResponseSchema):
    secret = fields.String(
        required=True,
        metadata={
            "description": "The HS256 key (its UTF-8 bytes) the company's site signs SSO "
            "tokens with. Shown once; a new one replaces it."
        },
    )


class TokenSchema(ResponseSchema):
    token = fields.String(
        required=True,
        metadata={"description": "Send it as `Authorization: Bearer <token>`. Shown once."},
    )


def _revision_url(version: Any) -> str:
    """The version on its history page: the page that starts with it, at its heading."""
    endpoint, argument = (
        ("revisions.question", "question_id")
        if version.post_type == "question"
        else ("revisions.answer", "answer_id")
    )
    cursor = None if version.is_current else version_cursor(version.number + 1, version.post_id)
    return url_for(
        endpoint,
        **{argument: version.post_id},
        cursor=cursor,
        _anchor=f"version-{version.number}",
        _external=True,
    )


def _editor_field() -> fields.Nested:
    return fields.Nested(
        UserSchema,
        required=True,
        allow_none=True,
        metadata={"description": "Who wrote this version (null: an account that is gone)."},
    )


class QuestionRevisionSchema(ResponseSchema):
    """One version of a question: 1 is the original, the highest is the question as it is
    now."""

    number = fields.Integer(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown, as written."})
    kind = fields.Enum(Kind, by_value=True, required=True)
    product = fields.String(
        attribute="product.slug",
        required=True,
        allow_none=True,
        dump_default=None,
        metadata={"description": "The product's slug, or null."},
    )
    editor = _editor_field()
    created_at = fields.DateTime(required=True)
    url = Link(_revision_url, metadata={"description": "The version on its history page."})


class AnswerRevisionSchema(ResponseSchema):
    """One version of an answer: 1 is the original, the highest is the answer as it is now."""

    number = fields.Integer(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown, as written."})
    editor = _editor_field()
    created_at = fields.DateTime(required=True)
    url = Link(_revision_url, metadata={"description": "The version on its history page."})


def page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The schema of one page of a list: ``{"items": [...], "next_cursor": ...}``."""
    return type(
        name,
        (ResponseSchema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(
                required=True,
                allow_none=True,
                metadata={"description": "Pass as ?cursor= for the next page; null at the end."},
            ),
            "__doc__": f"One page of a list of {name.removesuffix('PageSchema').lower()}s.",
        },
    )


CompanyPageSchema = page_of(CompanySchema, "CompanyPageSchema")
ProductPageSchema = page_of(ProductSchema, "ProductPageSchema")
QuestionPageSchema = page_of(ListedQuestionSchema, "QuestionPageSchema")
AnswerPageSchema = page_of(AnswerSchema, "AnswerPageSchema")
ClaimPageSchema = page_of(ClaimSchema, "ClaimPageSchema")
StaffPageSchema = page_of(StaffSchema, "StaffPageSchema")
ChampionPageSchema = page_of(ChampionSchema, "ChampionPageSchema")
QuestionRevisionPageSchema = page_of(QuestionRevisionSchema, "QuestionRevisionPageSchema")
AnswerRevisionPageSchema = page_of(AnswerRevisionSchema, "AnswerRevisionPageSchema")


class ModerationLogEntrySchema(ResponseSchema):
    """One line of the public moderation log (never the hidden text)."""

    action = fields.Enum(ModerationAction, by_value=True, required=True)
    target_type = fields.Enum(TargetType, by_value=True, required=True)
    target_id = fields.Integer(required=True)
    moderator = fields.Nested(
        UserSchema,
        required=True,
        allow_none=True,
        metadata={"description": "Null for what no person did by hand (flags hiding a post)."},
    )
    reason = fields.String(required=True, metadata={"description": "The public reason."})
    at = fields.DateTime(attribute="created_at", required=True)


class StatusChangeSchema(ResponseSchema):
    """One change of a question's status."""

    status = fields.Enum(
        Status, by_value=True, required=True, metadata={"description": "The new status."}
    )
    fixed_in = fields.String(
        required=True, metadata={"description": 'With solved: the version; else "".'}
    )
    by = fields.Nested(
        UserSchema,
        required=True,
        allow_none=True,
        metadata={"description": "Null for an automatic change (answered when an answer arrives)."},
    )
    at = fields.DateTime(required=True)


StatusChangePageSchema = page_of(StatusChangeSchema, "StatusChangePageSchema")
ModerationLogPageSchema = page_of(ModerationLogEntrySchema, "ModerationLogPageSchema")


class QuestionListSchema(ResponseSchema):
    """A list that is not paged: the few best matches (``next_cursor`` is always null)."""

    items = fields.List(fields.Nested(ListedQuestionSchema), required=True)
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "Always null: one page."}
    )
