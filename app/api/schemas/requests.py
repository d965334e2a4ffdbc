"""What request bodies may carry, with the bounds of docs/api.md (the services check every
rule again)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from app.accounts import services as account_services
from app.accounts.models import (
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
)
from app.answers import queries as answer_queries
from app.answers import services as answer_services
from app.api.auth import signed_in_user
from app.api.bodies import RequestSchema, reads_back, text_in
from app.api.schemas.base import (
    NO_SUCH_ANSWER,
    NO_SUCH_PRODUCT,
    NO_SUCH_QUESTION,
    SLUG_PARAM_MAX,
    WholeNumber,
    _length,
    _one_of,
    _values,
)
from app.api.schemas.resources import (
    AnswerSchema,
    ClaimSchema,
    CompanySchema,
    InvitationSchema,
    ProductSchema,
    QuestionSchema,
    StaffSchema,
    TokenSchema,
    UserSchema,
)
from app.api.target import target
from app.companies import claims as claim_services
from app.companies import services as company_services
from app.companies import staff as staff_services
from app.companies.models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    WEBSITE_MAX,
    StaffRole,
)
from app.companies.models import NAME_MAX as COMPANY_NAME_MAX
from app.companies.models import NAME_MIN as COMPANY_NAME_MIN
from app.db import MAX_ID
from app.errors import NotFound, ValidationError
from app.i18n import _l
from app.moderation import accounts as moderation_accounts
from app.moderation import hiding as hiding_services
from app.moderation import merging
from app.products import queries as product_queries
from app.products import services as product_services
from app.products.models import NAME_MAX as PRODUCT_NAME_MAX
from app.products.models import NAME_MIN as PRODUCT_NAME_MIN
from app.questions import private_details as private
from app.questions import queries as question_queries
from app.questions import services as question_services
from app.questions.models import (
    BODY_MAX,
    BODY_MIN,
    FIXED_IN_MAX,
    PRIVATE_DETAILS_MAX,
    REASON_MAX,
    TITLE_MAX,
    TITLE_MIN,
    VERSION_MAX,
    Feeling,
    Kind,
    Status,
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
            error=_l("Use %(min)d to %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX),
        ),
    )
    display_name = fields.String(
        load_default="",
        validate=_length(None, DISPLAY_NAME_MAX),
        metadata={"description": "The name shown beside the @username; may be empty."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return account_services.sign_up_problems(
            text_in(raw, "username"),
            text_in(raw, "email"),
            text_in(raw, "password"),
            text_in(raw, "display_name") or "",
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
    widget_origins = fields.List(
        fields.String(validate=_length(None, company_services.WIDGET_ORIGIN_MAX)),
        validate=validate.Length(max=company_services.WIDGET_ORIGINS_MAX),
        allow_none=True,
        metadata={
            "description": "The sites that may frame the company's widget: https origins "
            "(`https://shop.example`), at most 10; the list replaces the one before. null "
            "(what others read) leaves them as they are."
        },
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        given = {name: text_in(raw, name) for name in ("description", "website") if name in raw}
        found = company_services.profile_problems(given)
        origins = raw.get("widget_origins")
        if isinstance(origins, list):
            company_services.clean_widget_origins(origins, found)
        return found


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


def _private_details_field(description: str) -> fields.String:
    return fields.String(
        allow_none=True,
        validate=_length(None, PRIVATE_DETAILS_MAX),
        metadata={
            "description": "Markdown, read only by the question's asker, its company's active "
            "staff and moderators. Claimed companies only (else 422). " + description
        },
    )


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
    private_details = _private_details_field("Empty or null: none.")

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return {
            **question_services.question_problems(
                title=raw.get("title"),
                body=raw.get("body"),
                kind=raw.get("kind"),
                feeling=raw.get("feeling"),
            ),
            **product_problem(target(), raw.get("product")),
            **private.problems(target(), raw.get("private_details")),
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
    private_details = _private_details_field(
        "The author or a moderator; empty or null clears them."
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        question = target()
        return {
            **question_services.question_problems(title=raw.get("title"), body=raw.get("body")),
            **private.problems(
                question.company, raw.get("private_details"), current=question.private_details
            ),
        }


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


def _answer_private_details_field(description: str) -> fields.String:
    return fields.String(
        allow_none=True,
        validate=_length(None, PRIVATE_DETAILS_MAX),
        metadata={
            "description": "Markdown, read only by the question's asker, its company's active "
            "staff and moderators; written by the company's active staff (and moderators). "
            "Claimed companies only (else 422). " + description
        },
    )


@reads_back(AnswerSchema)
class AnswerCreateSchema(RequestSchema):
    """A new answer: its body, and from the company's staff, private details."""

    body = fields.String(
        required=True,
        validate=_length(BODY_MIN, BODY_MAX),
        metadata={"description": "Markdown."},
    )
    private_details = _answer_private_details_field("Empty or null: none.")

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return answer_services.answer_problems(
            raw.get("body"),
            question=target(),
            user=signed_in_user(),
            private_details=raw.get("private_details"),
        )


@reads_back(AnswerSchema, edit=True)
class AnswerEditSchema(RequestSchema):
    """An answer's new body, its new private details, or both (left out: unchanged)."""

    body = fields.String(
        validate=_length(BODY_MIN, BODY_MAX), metadata={"description": "Markdown."}
    )
    private_details = _answer_private_details_field("Empty or null clears them.")

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        answer = target()
        return answer_services.answer_problems(
            raw.get("body"),
            question=answer.question,
            user=signed_in_user(),
            private_details=raw.get("private_details"),
            current=answer.private_details,
        )
