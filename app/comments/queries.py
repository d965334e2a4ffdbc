"""Reads for comments: one comment for its own address and forms, and every comment of a
question page in one SELECT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.answers.models import Answer
from app.comments.models import PER_POST_MAX, Comment
from app.errors import NotFound
from app.extensions import db
from app.i18n import _
from app.questions.models import Question
from app.questions.queries import VIEWER_OF_REQUEST
from app.visibility import can_see_comment, comment_shown, request_viewer

# The attribute of a question or an answer on a page that holds the comments shown under it
# (set by ``attach``; the templates read it, and find none on a post nobody attached to).
PAGE_COMMENTS = "page_comments"


def get_comment(comment_id: int, *, viewer: Any = VIEWER_OF_REQUEST) -> Comment:
    """The comment with its author, its question (and company) and its answer, or
    ``NotFound`` when there is none or the viewer may not read it
    (``app.visibility.can_see_comment``). One SELECT."""
    if viewer is VIEWER_OF_REQUEST:
        viewer = request_viewer()
    comment = db.session.execute(
        sa.select(Comment)
        .options(
            joinedload(Comment.author),
            joinedload(Comment.question).joinedload(Question.company),
            joinedload(Comment.answer),
        )
        .where(Comment.id == comment_id)
    ).scalar_one_or_none()
    if comment is None or not can_see_comment(viewer, comment):
        raise NotFound(_("There is no such comment. It may have been removed."))
    return comment


def attach(question: Question, answers: Sequence[Answer], viewer: Any) -> None:
    """Read the comments under the question and under ``answers`` (the page's answers, which
    the page already found the viewer may read) in ONE SELECT, oldest first with their
    authors, and hand each post its own as ``page_comments``.

    Which comments: ``app.visibility.comment_shown`` (hidden ones only for their author and
    moderators). At most ``PER_POST_MAX`` are shown per post, so the statement is bounded
    by the page's size too. No statement for a question nobody has commented on."""
    if not question.comments_made:
        setattr(question, PAGE_COMMENTS, [])
        for answer in answers:
            setattr(answer, PAGE_COMMENTS, [])
        return
    answer_ids = [answer.id for answer in answers]
    on_page = Comment.answer_id.is_(None)
    if answer_ids:
        on_page = sa.or_(on_page, Comment.answer_id.in_(answer_ids))
    rows = db.session.execute(
        sa.select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.question_id == question.id, on_page, comment_shown(viewer))
        .order_by(Comment.created_at, Comment.id)
        .limit(PER_POST_MAX * 2 * (len(answer_ids) + 1))
    ).scalars()
    by_post: dict[int | None, list[Comment]] = {}
    for comment in rows:
        by_post.setdefault(comment.answer_id, []).append(comment)
    setattr(question, PAGE_COMMENTS, by_post.get(None, [])[:PER_POST_MAX])
    for answer in answers:
        setattr(answer, PAGE_COMMENTS, by_post.get(answer.id, [])[:PER_POST_MAX])


__all__ = ["PAGE_COMMENTS", "attach", "get_comment"]
