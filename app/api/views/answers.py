"""Answers through the API: reading and posting, editing (and the edit history), helpful votes,
endorsements."""

from __future__ import annotations

from typing import Any

from app.answers import services
from app.answers.models import Answer
from app.answers.queries import answers_page, get_answer
from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.links import links
from app.api.schemas import (
    AnswerCreateSchema,
    AnswerEditSchema,
    AnswerPageSchema,
    AnswerRevisionPageSchema,
    AnswerSchema,
    PageArgsSchema,
)
from app.api.target import acting_on, target
from app.api.views.common import as_page, page_or_400
from app.moderation.revision_queries import answer_versions
from app.policy import Permission
from app.questions.queries import get_question


@bp.route("/questions/<id:question_id>/answers", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, AnswerPageSchema)
def list_answers(args: dict[str, Any], question_id: int) -> dict:
    """A question's answers: the best answer first, then official ones, then by helpful
    votes, then the oldest first."""
    question = get_question(question_id)
    page = page_or_400(lambda: answers_page(question, cursor=args["cursor"], limit=args["limit"]))
    return as_page(page)


@bp.route("/questions/<id:question_id>/answers", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422, 429))
@links(
    bp,
    201,
    *[
        (operation_id, {"answer_id": "id"})
        for operation_id in (
            "edit_answer",
            "vote_helpful",
            "withdraw_helpful",
            "endorse_answer",
            "withdraw_endorsement",
        )
    ],
)
@acting_on(get_question, Permission.ANSWER_CREATE)
@bp.arguments(AnswerCreateSchema)
@bp.response(201, AnswerSchema)
def post_answer(body: dict[str, Any], question_id: int) -> Answer:
    """Answer a question (not a locked one).

    The server decides whether the answer is official: its author is verified staff of
    the question's company. The limits on writing apply: over a count, 429 with
    Retry-After; too many links on the account's first day, or the same text again within
    10 minutes, 422 at ``body``. ``private_details`` (for the asker) only from the active
    staff of a claimed company, or a moderator (else 422).
    """
    return services.post_answer(
        signed_in_user(),
        target(),
        body=body["body"],
        private_details=body.get("private_details"),
    )


@bp.route("/answers/<id:answer_id>", methods=["PATCH"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(get_answer, Permission.ANSWER_EDIT)
@bp.arguments(AnswerEditSchema)
@bp.response(200, AnswerSchema)
def edit_answer(body: dict[str, Any], answer_id: int) -> Answer:
    """Edit an answer's body or its private details (left out: unchanged; empty or null
    private details: cleared): its author, or a site admin.

    An official answer is edited by its author only while they are still on the staff of
    the question's company (403 once they are not). Anybody else is a 403, whatever the
    body. The answer's other fields may be sent back as read: those the server owns are
    ignored, the others must be unchanged (422 naming them). Private details are changed
    only by the company's active staff or a moderator (else 422).
    """
    private_details = body.get("private_details")
    if "private_details" in body and private_details is None:
        private_details = ""
    return services.edit_answer(
        signed_in_user(), target(), body=body.get("body"), private_details=private_details
    )


@bp.route("/answers/<id:answer_id>/revisions", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, AnswerRevisionPageSchema)
def list_answer_revisions(args: dict[str, Any], answer_id: int) -> dict:
    """The answer's versions, newest first: number 1 is the original, the first item the
    answer as it is now (n edits, n + 1 versions). Anyone who can read the answer."""
    answer = get_answer(answer_id)
    get_question(answer.question_id)  # the question page's loader: its readers only
    page = page_or_400(lambda: answer_versions(answer, cursor=args["cursor"], limit=args["limit"]))
    return as_page(page)


@bp.route("/answers/<id:answer_id>/helpful", methods=["POST"])
@operation(bp, signed_in=True, errors=(403, 404))
@bp.response(200, AnswerSchema)
def vote_helpful(answer_id: int) -> Answer:
    """Say the answer helped (not your own). Voting twice changes nothing."""
    user = signed_in_user()
    answer = get_answer(answer_id)
    services.vote_helpful(user, answer)
    return answer


@bp.route("/answers/<id:answer_id>/helpful", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404))
@bp.response(200, AnswerSchema)
def withdraw_helpful(answer_id: int) -> Answer:
    """Withdraw your helpful vote. Withdrawing one you did not give changes nothing."""
    user = signed_in_user()
    answer = get_answer(answer_id)
    services.withdraw_helpful(user, answer)
    return answer


@bp.route("/answers/<id:answer_id>/endorse", methods=["POST"])
@operation(bp, signed_in=True, errors=(403, 404, 422))
@bp.response(200, AnswerSchema)
def endorse_answer(answer_id: int) -> Answer:
    """Endorse a peer answer: staff of the question's claimed company, or a site admin.

    Claimed companies only: on an unclaimed company nobody may (403). An official answer
    already speaks for the company (422). Endorsing twice changes nothing.
    """
    user = signed_in_user()
    answer = get_answer(answer_id)
    services.endorse_answer(user, answer)
    return answer


@bp.route("/answers/<id:answer_id>/endorse", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404))
@bp.response(200, AnswerSchema)
def withdraw_endorsement(answer_id: int) -> Answer:
    """Withdraw an endorsement: staff of the question's claimed company, or a site admin."""
    user = signed_in_user()
    answer = get_answer(answer_id)
    services.withdraw_endorsement(user, answer)
    return answer
