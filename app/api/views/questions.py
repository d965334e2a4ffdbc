"""Questions through the API: lists, asking, editing (and the edit history), status, best
answer, me too."""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.answers import queries as answer_queries
from app.answers import services as answer_services
from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.links import links
from app.api.schemas import (
    NO_SUCH_ANSWER,
    NO_SUCH_PRODUCT,
    BestAnswerSchema,
    PageArgsSchema,
    QuestionCreateSchema,
    QuestionEditSchema,
    QuestionListArgsSchema,
    QuestionPageSchema,
    QuestionRevisionPageSchema,
    QuestionSchema,
    StatusChangePageSchema,
    StatusSchema,
    StillBrokenSchema,
)
from app.api.target import acting_on, target
from app.api.views.common import as_page, page_or_400
from app.companies.queries import get_company
from app.errors import NotFound, ValidationError
from app.i18n import _, _l
from app.moderation.merge_queries import merge_redirect
from app.moderation.revision_queries import question_versions
from app.policy import Permission
from app.products.queries import get_product
from app.questions import history, services
from app.questions import private_details as private
from app.questions.models import Kind, Question, Status
from app.questions.queries import Sort, get_question, list_questions

PRODUCT_NEEDS_COMPANY = _l("Give the company too: a product's slug is unique within its company.")


@bp.route("/questions", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(QuestionListArgsSchema, location="query")
@bp.response(200, QuestionPageSchema)
def list_all_questions(args: dict[str, Any]) -> dict:
    """Questions, filtered by company, product, kind and status.

    Sorted by recent activity (``active``, the default), ``newest``, most ``me_too``, or
    ``unanswered`` (no answer yet, newest first). An unknown company or product is a 404.
    """
    company_id = product_id = None
    if args["product"] is not None and args["company"] is None:
        raise ValidationError(PRODUCT_NEEDS_COMPANY, fields={"product": PRODUCT_NEEDS_COMPANY})
    if args["product"] is not None:
        product = get_product(args["company"], args["product"])
        company_id, product_id = product.company_id, product.id
    elif args["company"] is not None:
        company_id = get_company(args["company"]).id
    page = page_or_400(
        lambda: list_questions(
            sort=Sort(args["sort"]),
            cursor=args["cursor"],
            limit=args["limit"],
            company_id=company_id,
            product_id=product_id,
            kind=Kind(args["kind"]) if args["kind"] else None,
            status=Status(args["status"]) if args["status"] else None,
        )
    )
    return as_page(page)


@bp.route("/companies/<slug:slug>/questions", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422, 429))
@links(
    bp,
    201,
    *[
        (operation_id, {"question_id": "id"})
        for operation_id in (
            "show_question",
            "edit_question",
            "set_question_status",
            "choose_best_answer",
            "add_me_too",
            "remove_me_too",
            "list_answers",
            "post_answer",
        )
    ],
)
@acting_on(get_company, Permission.QUESTION_ASK)
@bp.arguments(QuestionCreateSchema)
@bp.response(201, QuestionSchema)
def ask_question(body: dict[str, Any], slug: str) -> Question:
    """Ask a company a question, optionally about one of its products.

    ``kind`` defaults to question; ``product`` is one of the company's product slugs. The
    limits on writing apply: over a count, 429 with Retry-After; too many links on the
    account's first day, or the same text again within 10 minutes, 422 at ``body``.
    ``private_details`` only on a claimed company (else 422).
    """
    user = signed_in_user()
    company = target()
    product = None
    if body["product"] is not None:
        try:
            product = get_product(company.slug, body["product"])
        except NotFound:
            # With whatever else the service would refuse: every bad field at once.
            problems = services.question_problems(
                title=body["title"], body=body["body"], kind=body["kind"], feeling=body["feeling"]
            )
            problems.update(private.problems(company, body.get("private_details")))
            raise ValidationError(
                NO_SUCH_PRODUCT, fields={**problems, "product": NO_SUCH_PRODUCT}
            ) from None
    return services.ask_question(
        user,
        company,
        title=body["title"],
        body=body["body"],
        kind=body["kind"],
        product=product,
        feeling=body["feeling"],
        private_details=body.get("private_details"),
    )


@bp.route("/questions/<id:question_id>", methods=["GET"])
@operation(bp, signed_in=False, errors=(404,))
@bp.alt_response(
    301,
    schema=QuestionSchema,
    description="Merged into an earlier question as a duplicate: Location is the original "
    "(the body is this question, its merged_into naming the original).",
    headers={"Location": {"schema": {"type": "string", "format": "uri"}}},
    success=True,
)
@bp.response(200, QuestionSchema)
def show_question(question_id: int) -> Any:
    """A question. One merged into another redirects there (301)."""
    try:
        question = get_question(question_id)
    except NotFound:
        question = None
    if question is None or question.merged_into_id is not None:
        merged = merge_redirect(question_id)
        if merged is not None:
            duplicate, original = merged
            location = url_for("api.show_question", question_id=original.id, _external=True)
            return duplicate, 301, {"Location": location}
    if question is None:
        raise NotFound(_("There is no such question. It may have been removed."))
    return question


@bp.route("/questions/<id:question_id>", methods=["PATCH"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(get_question, check=services.editable_fields)
@bp.arguments(QuestionEditSchema)
@bp.response(200, QuestionSchema)
def edit_question(body: dict[str, Any], question_id: int) -> Question:
    """Edit a question: its title, body and private details (its author, or a moderator), its
    kind and its product (also staff of its claimed company). Fields left out stay;
    ``private_details`` empty or null clears them.

    Anybody who may change none of them is a 403, whatever the body. Naming a field you may
    not change, with a value other than its current one, is a 422 naming it; the question's
    other fields may be sent back as read (those the server owns are ignored). A status the
    new kind does not have goes back to open.
    """
    user = signed_in_user()
    question = target()
    product: Any = services.KEEP
    if "product" in body:
        product = None
        if body["product"] is not None:
            try:
                product = get_product(question.company.slug, body["product"])
            except NotFound:
                raise ValidationError(
                    NO_SUCH_PRODUCT, fields={"product": NO_SUCH_PRODUCT}
                ) from None
    return services.edit_question(
        user,
        question,
        title=body.get("title"),
        body=body.get("body"),
        kind=body.get("kind"),
        product=product,
        private_details=_private_details_sent(body),
    )


def _private_details_sent(body: dict[str, Any]) -> str | None:
    """The private details an edit asks for: ``None`` when left out (they stay), ``""`` for
    null (they go)."""
    if "private_details" not in body:
        return None
    return body["private_details"] or ""


@bp.route("/questions/<id:question_id>/revisions", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, QuestionRevisionPageSchema)
def list_question_revisions(args: dict[str, Any], question_id: int) -> dict:
    """The question's versions, newest first: number 1 is the original, the first item the
    question as it is now (n edits, n + 1 versions). Anyone who can read the question."""
    question = get_question(question_id)
    page = page_or_400(
        lambda: question_versions(question, cursor=args["cursor"], limit=args["limit"])
    )
    return as_page(page)


@bp.route("/questions/<id:question_id>/status", methods=["PUT"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(get_question, Permission.QUESTION_SET_STATUS)
@bp.arguments(StatusSchema)
@bp.response(200, QuestionSchema)
def set_question_status(body: dict[str, Any], question_id: int) -> Question:
    """Set a question's status: staff of its claimed company, or a site admin.

    Claimed companies only: on an unclaimed company nobody may (403). A status the
    question's kind does not have is a 422; so is ``fixed_in`` with any status but solved,
    or on anything but a problem.
    """
    return services.set_status(signed_in_user(), target(), body["status"], body["fixed_in"])


@bp.route("/questions/<id:question_id>/still-broken", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422))
@acting_on(get_question, Permission.QUESTION_STILL_BROKEN)
@bp.arguments(StillBrokenSchema)
@bp.response(200, QuestionSchema)
def report_still_broken(body: dict[str, Any], question_id: int) -> Question:
    """Say a solved problem is still broken: its asker and its affected users ("me too"),
    once each (a repeat changes nothing). The asker's report, or three from others, reopen
    it (acknowledged). Anything but a solved problem is a 409."""
    question = target()
    services.report_still_broken(signed_in_user(), question, body["version"])
    return get_question(question.id)


@bp.route("/questions/<id:question_id>/status-history", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, StatusChangePageSchema)
def list_status_history(args: dict[str, Any], question_id: int) -> dict:
    """The question's status changes, newest first: the status, the fixed-in version, who
    (null: automatic) and when. Anyone who can read the question."""
    question = get_question(question_id)
    page = page_or_400(
        lambda: history.history_page(question, cursor=args["cursor"], limit=args["limit"])
    )
    return as_page(page)


@bp.route("/questions/<id:question_id>/best-answer", methods=["PUT"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(get_question, Permission.QUESTION_CHOOSE_BEST)
@bp.arguments(BestAnswerSchema)
@bp.response(200, QuestionSchema)
def choose_best_answer(body: dict[str, Any], question_id: int) -> Question:
    """Mark one of the question's answers as the best one (null unmarks it): the asker,
    or a site admin."""
    # Permission first (acting_on): to anybody else, an id says nothing about whether an
    # answer exists.
    user = signed_in_user()
    question = target()
    if body["answer_id"] is None:
        return answer_services.clear_best_answer(user, question)
    try:
        answer = answer_queries.get_answer(body["answer_id"])
    except NotFound:
        raise ValidationError(NO_SUCH_ANSWER, fields={"answer_id": NO_SUCH_ANSWER}) from None
    return answer_services.choose_best_answer(user, question, answer)


@bp.route("/questions/<id:question_id>/me-too", methods=["POST"])
@operation(bp, signed_in=True, errors=(403, 404))
@bp.response(200, QuestionSchema)
def add_me_too(question_id: int) -> Question:
    """Say the question affects you too (not on your own question). Saying it twice
    changes nothing."""
    user = signed_in_user()
    question = get_question(question_id)
    services.add_me_too(user, question)
    return question


@bp.route("/questions/<id:question_id>/me-too", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404))
@bp.response(200, QuestionSchema)
def remove_me_too(question_id: int) -> Question:
    """Withdraw your "me too". Withdrawing one you did not give changes nothing."""
    user = signed_in_user()
    question = get_question(question_id)
    services.remove_me_too(user, question)
    return question
