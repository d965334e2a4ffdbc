"""Deleting one's own posts and merging duplicate questions through the API (api.md Part 2).

The same services as the question page's buttons: ``app.moderation.deleting`` and
``app.moderation.merging``.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from app.answers.queries import get_answer
from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.schemas import MergeSchema, QuestionSchema
from app.api.target import acting_on, target
from app.errors import NotFound, ValidationError
from app.moderation.deleting import delete_post
from app.moderation.merging import MERGE_MESSAGE, NO_SUCH_QUESTION, merge_question
from app.policy import Permission
from app.questions.models import Question
from app.questions.queries import get_question


@bp.route("/questions/<id:question_id>", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404, 409))
@acting_on(get_question, Permission.POST_DELETE)
@bp.response(204)
def delete_question(question_id: int) -> Response:
    """Delete your question (a moderator: anybody's). It is hidden with the reason
    "deleted by its author"; 409 once someone else has answered it. Deleting it again is
    a 404."""
    delete_post(signed_in_user(), target())
    return Response(status=204)


@bp.route("/answers/<id:answer_id>", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404))
@acting_on(get_answer, Permission.POST_DELETE)
@bp.response(204)
def delete_answer(answer_id: int) -> Response:
    """Delete your answer (a moderator: anybody's). It is hidden with the reason "deleted
    by its author"; deleting it again is a 404."""
    delete_post(signed_in_user(), target())
    return Response(status=204)


@bp.route("/questions/<id:question_id>/merge", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422))
@acting_on(get_question, Permission.QUESTION_MERGE)
@bp.arguments(MergeSchema)
@bp.response(200, QuestionSchema)
def merge_question_into(body: dict[str, Any], question_id: int) -> Question:
    """Merge this question into an earlier one of the same company (``into``): staff of
    the claimed company, or a moderator. Its answers (with their votes and marks), "me
    too" people and followers join the original, counted once; its address redirects
    there. Answers the original. An ``into`` that is not an earlier, shown, unmerged
    question of the same company is a 422; merging a merged question again is a 409."""
    try:
        into = get_question(body["into"])
    except NotFound:
        raise ValidationError(MERGE_MESSAGE, fields={"into": NO_SUCH_QUESTION}) from None
    return merge_question(signed_in_user(), target(), into=into)
