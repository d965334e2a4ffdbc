"""Deleting one's own post (product.md, "Delete your own").

Deleting is hiding (``app.moderation.hiding.apply_hide``, with the action ``delete``): the
post leaves every list, count, search result and feed; its author still sees it, marked
with the reason, and the public moderation log has a line for it. Nothing is erased, so a
moderator can restore a post deleted by mistake.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.answers.models import Answer
from app.errors import Conflict, NotFound
from app.extensions import db
from app.i18n import _l
from app.moderation import revisions
from app.moderation.hiding import apply_hide
from app.moderation.models import ModerationAction
from app.moderation.reasons import BY_AUTHOR, BY_MODERATOR
from app.policy import Permission, require
from app.questions.models import Question
from app.visibility import answer_listed

ANSWERED_BY_OTHERS = _l(
    "Others have answered this question, so it stays for them: ask a moderator to remove "
    "it, or edit it instead."
)
GONE = _l("It is deleted already.")

Post = Question | Answer


def answered_by_others(question: Question) -> bool:
    """Whether someone other than its asker has an answer shown on the question."""
    answers = Answer.__table__.alias("others")
    return bool(
        db.session.execute(
            sa.select(answers.c.id)
            .where(
                answers.c.question_id == question.id,
                answers.c.author_id != question.author_id,
                answer_listed(answers),
            )
            .limit(1)
        ).first()
    )


def delete_post(user: Any, post: Post) -> None:
    """The author deletes their own question or answer; a moderator deletes anybody's.

    The post is hidden with the reason "deleted by its author" (or "deleted by a
    moderator" when a moderator deletes someone else's). A question someone else has
    answered stays: its author is refused (``Conflict``) with a sentence saying why, as
    those answers would vanish with it; a moderator may still remove it. A post already
    deleted or hidden is not found (``NotFound``): there is nothing left to delete.
    Allowed before the author's e-mail address is verified: taking one's own words down
    is never refused for that.
    """
    require(user, Permission.POST_DELETE, post)
    # Read again under a row lock: an answer posted meanwhile is seen, or waits for this.
    question = post if isinstance(post, Question) else None
    if question is not None:
        revisions.lock_for_edit(question)
    if post.hidden_at is not None:
        raise NotFound(str(GONE))
    own = post.author_id == user.id
    if question is not None and own and answered_by_others(question):
        db.session.rollback()
        raise Conflict(str(ANSWERED_BY_OTHERS))
    if not apply_hide(
        post, by=user, reason=BY_AUTHOR if own else BY_MODERATOR, action=ModerationAction.DELETE
    ):
        db.session.rollback()
        raise NotFound(str(GONE))
    db.session.commit()


__all__ = ["ANSWERED_BY_OTHERS", "BY_AUTHOR", "BY_MODERATOR", "answered_by_others", "delete_post"]
