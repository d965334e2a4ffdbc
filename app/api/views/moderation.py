"""Moderation through the API: hiding and restoring posts, locking and unlocking questions
(moderators), and the public moderation log (anyone)."""

from __future__ import annotations

from typing import Any

from app.answers.models import Answer
from app.answers.queries import get_answer
from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.schemas import (
    AnswerSchema,
    ModerationLogPageSchema,
    PageArgsSchema,
    QuestionSchema,
    ReasonSchema,
)
from app.api.target import acting_on, target
from app.api.views.common import as_page, page_or_400
from app.moderation import hiding
from app.moderation.queries import list_moderation_log
from app.policy import Permission
from app.questions.models import Question
from app.questions.queries import get_question


@bp.route("/questions/<id:question_id>/hide", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(get_question, Permission.POST_HIDE)
@bp.arguments(ReasonSchema)
@bp.response(200, QuestionSchema)
def hide_question(body: dict[str, Any], question_id: int) -> Question:
    """Hide a question, with a public reason its author sees: moderators. It leaves every
    list, count, search, feed and notification; its author and moderators still read it
    (``hidden: true``). Hiding a hidden question changes nothing."""
    return hiding.hide_post(signed_in_user(), target(), reason=body["reason"])


@bp.route("/answers/<id:answer_id>/hide", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(get_answer, Permission.POST_HIDE)
@bp.arguments(ReasonSchema)
@bp.response(200, AnswerSchema)
def hide_answer(body: dict[str, Any], answer_id: int) -> Answer:
    """Hide an answer, with a public reason its author sees: moderators. Its question's
    ``answer_count`` goes down by one. Hiding a hidden answer changes nothing."""
    return hiding.hide_post(signed_in_user(), target(), reason=body["reason"])


@bp.route("/questions/<id:question_id>/restore", methods=["POST"])
@operation(bp, signed_in=True, errors=(403, 404))
@acting_on(get_question, Permission.POST_HIDE)
@bp.response(200, QuestionSchema)
def restore_question(question_id: int) -> Question:
    """Show a hidden question again: moderators. Restoring a shown one changes nothing."""
    return hiding.restore_post(signed_in_user(), target())


@bp.route("/answers/<id:answer_id>/restore", methods=["POST"])
@operation(bp, signed_in=True, errors=(403, 404))
@acting_on(get_answer, Permission.POST_HIDE)
@bp.response(200, AnswerSchema)
def restore_answer(answer_id: int) -> Answer:
    """Show a hidden answer again: moderators. Restoring a shown one changes nothing."""
    return hiding.restore_post(signed_in_user(), target())


@bp.route("/questions/<id:question_id>/lock", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(get_question, Permission.QUESTION_LOCK)
@bp.arguments(ReasonSchema)
@bp.response(200, QuestionSchema)
def lock_question(body: dict[str, Any], question_id: int) -> Question:
    """Lock a question, with a public reason the page shows: moderators. No new answers,
    helpful votes or me-toos but moderators'. Locking a locked question changes nothing."""
    return hiding.lock_question(signed_in_user(), target(), reason=body["reason"])


@bp.route("/questions/<id:question_id>/lock", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404))
@acting_on(get_question, Permission.QUESTION_LOCK)
@bp.response(200, QuestionSchema)
def unlock_question(question_id: int) -> Question:
    """Unlock a question: moderators. Unlocking an unlocked question changes nothing."""
    return hiding.unlock_question(signed_in_user(), target())


@bp.route("/moderation/log", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 422))
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, ModerationLogPageSchema)
def moderation_log(args: dict[str, Any]) -> dict:
    """The public moderation log, newest first: every hide, restore, lock, unlock, merge,
    suspension and deletion, with who, when and the public reason (never the hidden text)."""
    page = page_or_400(lambda: list_moderation_log(cursor=args["cursor"], limit=args["limit"]))
    return as_page(page)
