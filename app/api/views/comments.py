"""Comments through the API (issue 13): reading a question's comments. Posting, editing and
moderating them are the pages' for now (the services are ready for the API's door)."""

from __future__ import annotations

from typing import Any

from app.api import bp
from app.api.auth import operation
from app.api.schemas import CommentPageSchema, PageArgsSchema
from app.api.views.common import as_page, page_or_400
from app.comments.queries import comments_page
from app.questions.queries import get_question


@bp.route("/questions/<id:question_id>/comments", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, CommentPageSchema)
def list_comments(args: dict[str, Any], question_id: int) -> dict:
    """The comments under a question and under its answers, oldest first (``answer_id``
    says which answer; null: the question). Hidden and deleted comments, and those on a
    hidden answer, are never listed."""
    question = get_question(question_id)
    page = page_or_400(lambda: comments_page(question, cursor=args["cursor"], limit=args["limit"]))
    return as_page(page)
