"""The API's shapes: what requests may carry and what responses hold.

These marshmallow schemas do two jobs from one definition: the request schemas parse and
check every request (types, required fields, the bounds of docs/api.md, taken from the
models' constants), and both kinds are turned into the OpenAPI document served at
``/api/v1/openapi.json``, so the document cannot drift from the code.

The services still check every rule themselves (they are the same ones the HTML pages
call); the schemas only refuse what is not even the right shape, with the same bounds. When
a body is refused, each schema adds what the service's own checks find in the other fields
(``RequestSchema.problems``), so a 422 names every bad field at once (api.md Part 2).

What a body may hold besides its own fields (api.md Part 2) is ``app.api.bodies``: each
request schema names the resource whose fields a client may send back (``reads_back``).

One room, past 400 lines: every shape of the contract, requests beside the resources they
return, so the document and the code are read (and reviewed) together.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import url_for
from marshmallow import fields, validate

from app.accounts import services as account_services
from app.accounts.models import (
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
)
from app.answers import queries as answer_queries
from app.answers import services as answer_services
from app.api.bodies import RequestSchema, reads_back, text_in
from app.api.target import target
from app.companies import claims as claim_services
from app.companies import services as company_services
from app.companies import staff as staff_services
from app.companies.models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    WEBSITE_MAX,
    ClaimStatus,
    StaffRole,
)
from app.companies.models import NAME_MAX as COMPANY_NAME_MAX
from app.companies.models import NAME_MIN as COMPANY_NAME_MIN
from app.db import MAX_ID
from app.errors import NotFound, ValidationError
from app.moderation import accounts as moderation_accounts
from app.moderation import flags as flag_services
from app.moderation import hiding as hiding_services
from app.moderation import merging
from app.moderation.flag_models import FlagReason, FlagStatus
from app.moderation.models import ModerationAction, TargetType
from app.moderation.revision_queries import version_cursor
from app.products import queries as product_queries
from app.products import services as product_services
from app.products.models import NAME_MAX as PRODUCT_NAME_MAX
from app.products.models import NAME_MIN as PRODUCT_NAME_MIN
from app.questions import queries as question_queries
from app.questions import services as question_services
from app.questions.models import (
    BODY_MAX,
    BODY_MIN,
    FIXED_IN_MAX,
    REASON_MAX,
    TITLE_MAX,
    TITLE_MIN,
    VERSION_MAX,
    Feeling,
    Kind,
    Status,
)
from app.questions.queries import Sort
from app.visibility import request_viewer, sees_hidden

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


def _length(minimum: int | None, maximum: int) -> validate.Length:
    if minimum:
        return validate.Length(
            min=minimum, max=maximum, error=f"Use {minimum:,} to {maximum:,} characters."
        )
    return validate.Length(max=maximum, error=f"Use at most {maximum:,} characters.")


def _one_of(choices: list[str]) -> validate.OneOf:
    return validate.OneOf(choices, error="Choose one of: " + ", ".join(choices) + ".")


def _values(enum: Any) -> list[str]:
    return [member.value for member in enum]


NO_SUCH_PRODUCT = "The company has no product with this slug."
NO_SUCH_ANSWER = "There is no such answer."
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
    url = Link(_company_url)


class ScorecardSchema(ResponseSchema):
    """The public scorecard (app/companies/scorecard.py): over the last ``window_days`` (90),
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
    url = Link(_question_url)


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
    hidden = _hidden_field()
    hidden_reason = _hidden_reason_field()
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
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


class InvitationSchema(ResponseSchema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    role = fields.Enum(StaffRole, by_value=True, required=True)
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    url = Link(_staff_url, metadata={"description": "The company's staff page."})


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
            "__doc__": f"One page of a list of {item.__name__.removesuffix('Schema').lower()}s.",
        },
    )


CompanyPageSchema = page_of(CompanySchema, "CompanyPageSchema")
ProductPageSchema = page_of(ProductSchema, "ProductPageSchema")
QuestionPageSchema = page_of(QuestionSchema, "QuestionPageSchema")
AnswerPageSchema = page_of(AnswerSchema, "AnswerPageSchema")
ClaimPageSchema = page_of(ClaimSchema, "ClaimPageSchema")
StaffPageSchema = page_of(StaffSchema, "StaffPageSchema")
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

    items = fields.List(fields.Nested(QuestionSchema), required=True)
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "Always null: one page."}
    )


# Request bodies ------------------------------------------------------------------------------


@reads_back(UserSchema)
class SignUpSchema(RequestSchema):
    username = fields.String(
        required=True,
        validate=validate.Length(
            min=USERNAME_MIN, max=USERNAME_MAX, error=account_services.USERNAME_LENGTH
        ),
        metadata={"description": "Letters a–z, digits, - and _ (capitals are lowered)."},
    )
    email = fields.String(required=True, validate=_length(None, EMAIL_MAX))
    password = fields.String(
        required=True,
        validate=validate.Length(
            min=PASSWORD_MIN,
            max=PASSWORD_MAX,
            error=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters.",
        ),
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return account_services.sign_up_problems(
            text_in(raw, "username"), text_in(raw, "email"), text_in(raw, "password")
        )


@reads_back(UserSchema)
class ModeratorRoleSchema(RequestSchema):
    moderator = fields.Boolean(
        required=True,
        metadata={"description": "true grants the moderator role, false withdraws it."},
    )


class SuspendSchema(RequestSchema):
    until = fields.AwareDateTime(
        metadata={"description": "When the suspension ends (with its offset); or forever."},
    )
    forever = fields.Boolean(
        load_default=False, metadata={"description": "true: suspended for good."}
    )
    reason = fields.String(
        required=True,
        validate=_length(None, REASON_MAX),
        metadata={"description": "Plain text, public: the owner reads it at sign-in."},
    )
    delete_spammer = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Also hide every post of the account and refuse its e-mail "
            "address for new accounts; the suspension is for good."
        },
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        problem = moderation_accounts.clean_reason(raw.get("reason"))[1]
        return {"reason": problem} if problem else {}


class DeleteMeSchema(RequestSchema):
    password = fields.String(required=True, validate=_length(None, PASSWORD_MAX))


@reads_back(TokenSchema)
class TokenRequestSchema(RequestSchema):
    username = fields.String(
        required=True,
        validate=_length(None, EMAIL_MAX),
        metadata={"description": "The username, or the account's e-mail address."},
    )
    password = fields.String(required=True, validate=_length(None, PASSWORD_MAX))


@reads_back(CompanySchema)
class CompanyCreateSchema(RequestSchema):
    name = fields.String(required=True, validate=_length(COMPANY_NAME_MIN, COMPANY_NAME_MAX))
    domain = fields.String(
        required=True,
        validate=_length(None, WEBSITE_MAX),
        metadata={"description": "The company's web domain, like acme.com."},
    )
    description = fields.String(load_default="", validate=_length(None, DESCRIPTION_MAX))

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return company_services.company_problems(
            text_in(raw, "name"), text_in(raw, "domain"), text_in(raw, "description")
        )


@reads_back(CompanySchema, edit=True)
class CompanyEditSchema(RequestSchema):
    description = fields.String(validate=_length(None, DESCRIPTION_MAX))
    website = fields.String(
        validate=_length(None, WEBSITE_MAX),
        metadata={"description": "An http(s) address, or empty."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        given = {name: text_in(raw, name) for name in ("description", "website") if name in raw}
        return company_services.profile_problems(given)


@reads_back(ProductSchema)
class ProductCreateSchema(RequestSchema):
    name = fields.String(required=True, validate=_length(PRODUCT_NAME_MIN, PRODUCT_NAME_MAX))
    description = fields.String(load_default="", validate=_length(None, DESCRIPTION_MAX))

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return product_services.product_problems(text_in(raw, "name"), text_in(raw, "description"))


@reads_back(ClaimSchema)
class ClaimRequestSchema(RequestSchema):
    work_email = fields.String(
        required=True,
        validate=_length(None, EMAIL_MAX),
        metadata={"description": "An address at the company's domain or a subdomain of it."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return claim_services.work_email_problems(target(), text_in(raw, "work_email"))


class LinkTokenSchema(RequestSchema):
    """A token from an e-mailed link; the resource it yields depends on the link."""

    token = fields.String(
        required=True, metadata={"description": "The token from the link in the e-mail."}
    )


@reads_back(ClaimSchema)
class ClaimLinkTokenSchema(LinkTokenSchema):
    """The token from a claim's verification e-mail."""


@reads_back(StaffSchema)
class InvitationTokenSchema(LinkTokenSchema):
    """The token from a staff invitation e-mail."""


@reads_back(ClaimSchema)
class ApproveSchema(RequestSchema):
    note = fields.String(load_default="", validate=_length(None, NOTE_MAX))

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return claim_services.note_problems(raw.get("note", ""), required=False)


@reads_back(ClaimSchema)
class RejectSchema(RequestSchema):
    note = fields.String(
        required=True,
        validate=_length(None, NOTE_MAX),
        metadata={"description": "Why; the claimant receives it."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return claim_services.note_problems(raw.get("note"), required=True)


@reads_back(InvitationSchema)
class InvitationRequestSchema(RequestSchema):
    email = fields.String(
        required=True,
        validate=_length(None, EMAIL_MAX),
        metadata={"description": "A work address at the company's domain."},
    )
    role = fields.String(load_default=StaffRole.AGENT.value, validate=_one_of(_values(StaffRole)))

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return staff_services.invitation_problems(
            target(), email=text_in(raw, "email"), role=raw.get("role", StaffRole.AGENT.value)
        )


def product_problem(company: Any, slug: Any) -> dict[str, str]:
    """The ``product`` field's problem when ``slug`` names none of the company's products."""
    if not isinstance(slug, str):
        return {}
    try:
        product_queries.get_product(company.slug, slug)
    except NotFound:
        return {"product": NO_SUCH_PRODUCT}
    return {}


@reads_back(QuestionSchema)
class QuestionCreateSchema(RequestSchema):
    title = fields.String(required=True, validate=_length(TITLE_MIN, TITLE_MAX))
    body = fields.String(
        required=True,
        validate=_length(BODY_MIN, BODY_MAX),
        metadata={"description": "Markdown."},
    )
    kind = fields.String(load_default=Kind.QUESTION.value, validate=_one_of(_values(Kind)))
    product = fields.String(
        load_default=None,
        allow_none=True,
        validate=_length(None, SLUG_PARAM_MAX),
        metadata={"description": "The slug of one of the company's products."},
    )
    feeling = fields.String(load_default=None, allow_none=True, validate=_one_of(_values(Feeling)))

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return {
            **question_services.question_problems(
                title=raw.get("title"),
                body=raw.get("body"),
                kind=raw.get("kind"),
                feeling=raw.get("feeling"),
            ),
            **product_problem(target(), raw.get("product")),
        }


@reads_back(QuestionSchema, edit=True)
class QuestionEditSchema(RequestSchema):
    title = fields.String(validate=_length(TITLE_MIN, TITLE_MAX))
    body = fields.String(
        validate=_length(BODY_MIN, BODY_MAX), metadata={"description": "Markdown."}
    )
    kind = fields.String(
        validate=_one_of(_values(Kind)),
        metadata={"description": "The author, staff of the claimed company or a moderator."},
    )
    product = fields.String(
        allow_none=True,
        validate=_length(None, SLUG_PARAM_MAX),
        metadata={
            "description": "The slug of one of the company's products, or null for the "
            "company in general. The author, staff of the claimed company or a moderator."
        },
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return question_services.question_problems(title=raw.get("title"), body=raw.get("body"))


@reads_back(QuestionSchema)
class StatusSchema(RequestSchema):
    status = fields.String(
        required=True,
        validate=_one_of(_values(Status)),
        metadata={"description": "One of the statuses the question's kind has."},
    )

    fixed_in = fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "description": f"At most {FIXED_IN_MAX} characters, plain text: only with solved on "
            "a problem. Left out while it stays solved: the version stays."
        },
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        if "status" not in raw:
            return {}
        return question_services.status_problems(target(), raw["status"], raw.get("fixed_in"))


class StillBrokenSchema(RequestSchema):
    version = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": f"Your version, at most {VERSION_MAX} characters (optional)."},
    )


@reads_back(QuestionSchema)
class BestAnswerSchema(RequestSchema):
    answer_id = WholeNumber(
        required=True,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID, error=NO_SUCH_ANSWER),
        metadata={"description": "One of the question's answers; null unmarks the best answer."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return answer_problem(target(), raw.get("answer_id"))


def answer_problem(question: Any, answer_id: Any) -> dict[str, str]:
    """The ``answer_id`` field's problem when it names no answer of the question."""
    if isinstance(answer_id, bool) or not isinstance(answer_id, int):
        return {}
    try:
        answer = answer_queries.get_answer(answer_id) if 1 <= answer_id <= MAX_ID else None
    except NotFound:
        answer = None
    if answer is None:
        return {"answer_id": NO_SUCH_ANSWER}
    if answer.question_id != question.id:
        return {"answer_id": "Choose one of this question's answers."}
    return {}


class MergeSchema(RequestSchema):
    into = WholeNumber(
        required=True,
        validate=validate.Range(min=1, max=MAX_ID, error=NO_SUCH_QUESTION),
        metadata={
            "description": "The original: a question of the same company, asked before this "
            "one, shown to everyone and not merged itself."
        },
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return merge_problem(target(), raw.get("into"))


def merge_problem(question: Any, into_id: Any) -> dict[str, str]:
    """The ``into`` field's problem: no such question, or one this question cannot be
    merged into (``app.moderation.merging.merge_problems``)."""
    if isinstance(into_id, bool) or not isinstance(into_id, int):
        return {}
    try:
        into = question_queries.get_question(into_id) if 1 <= into_id <= MAX_ID else None
    except NotFound:
        into = None
    return merging.merge_problems(question, into)


class ReasonSchema(RequestSchema):
    """A moderator's public reason (hiding a post, locking a question): plain text with a
    visible character, at most 500 characters; its author and the moderation log show it."""

    reason = fields.String(
        required=True,
        validate=_length(None, REASON_MAX),
        metadata={"description": "Public: the author and the moderation log show it."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        try:
            hiding_services.clean_reason(raw.get("reason"))
        except ValidationError as error:
            return error.fields
        return {}


class AnswerBodySchema(RequestSchema):
    body = fields.String(
        required=True,
        validate=_length(BODY_MIN, BODY_MAX),
        metadata={"description": "Markdown."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return answer_services.answer_problems(raw.get("body"))


@reads_back(AnswerSchema)
class AnswerCreateSchema(AnswerBodySchema):
    """A new answer's body."""


@reads_back(AnswerSchema, edit=True)
class AnswerEditSchema(AnswerBodySchema):
    """An answer's new body."""


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


# Flags (issue 12) --------------------------------------------------------------------------


class FlagReportSchema(ResponseSchema):
    """One's own report of a post, as its reporter reads it back. Flags are private: a
    reporter never sees the others' flags."""

    id = fields.Integer(required=True)
    target_type = fields.String(required=True, validate=_one_of(["question", "answer"]))
    target_id = fields.Integer(required=True)
    reason = fields.Enum(FlagReason, by_value=True, required=True)
    note = fields.String(required=True)
    duplicate_of = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The original question's id."}
    )
    created_at = fields.DateTime(required=True)


class FlagSchema(ResponseSchema):
    """A flagged post, for moderators: every flag of its current round gathered. Dumped
    from ``app.api.views.flags.flag_data``."""

    id = fields.Integer(required=True)
    target_type = fields.String(required=True, validate=_one_of(["question", "answer"]))
    target_id = fields.Integer(required=True)
    status = fields.Enum(FlagStatus, by_value=True, required=True)
    reasons = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Each reason given in this round, with how many flags."},
    )
    count = fields.Integer(required=True, metadata={"description": "Flags in this round."})
    post_hidden = fields.Boolean(
        required=True, metadata={"description": "Whether the post is hidden now."}
    )
    note = fields.String(
        required=True, metadata={"description": "The moderator's reason or note, once resolved."}
    )
    created_at = fields.DateTime(
        required=True, metadata={"description": "When the first flag of this round came."}
    )
    resolved_at = fields.DateTime(required=True, allow_none=True)


FlagPageSchema = page_of(FlagSchema, "FlagPageSchema")


class FlagCreateSchema(RequestSchema):
    reason = fields.String(required=True, validate=_one_of(_values(FlagReason)))
    note = fields.String(
        load_default="",
        validate=_length(None, REASON_MAX),
        metadata={"description": "Required with reason other. Plain text."},
    )
    duplicate_of = WholeNumber(
        load_default=None,
        allow_none=True,
        metadata={"description": "Required with reason duplicate: the original question's id."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        errors, _ = flag_services.flag_problems(
            target(),
            reason=raw.get("reason"),
            note=raw.get("note", ""),
            duplicate_of=raw.get("duplicate_of"),
        )
        return errors


class FlagResolveSchema(RequestSchema):
    action = fields.String(required=True, validate=_one_of(list(flag_services.RESOLVE_ACTIONS)))
    note = fields.String(
        load_default="",
        validate=_length(None, REASON_MAX),
        metadata={"description": "To hide: the public reason its author sees (required)."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return flag_services.resolve_problems(action=raw.get("action"), note=raw.get("note", ""))


class FlagListArgsSchema(PageArgsSchema):
    status = fields.String(
        load_default=FlagStatus.OPEN.value,
        validate=_one_of(_values(FlagStatus)),
        metadata={"description": "open (the default: oldest first), hidden or dismissed."},
    )
