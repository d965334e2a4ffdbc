"""Keeping the edit history: the question and answer services call these in their own
transaction, just before they change a post, so the version an edit replaces is kept (or
lost) together with the edit itself.

Why only the replaced versions are stored, not every version (app/moderation/models.py):
the post is always the newest version, so storing it again would keep every edited text
twice and need a row written at asking and answering time plus a backfill of every
existing post. This way a post never edited simply has no rows, and reads as one version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.moderation.models import AnswerRevision, QuestionRevision

if TYPE_CHECKING:  # the question services call this module: it must not import answers
    from app.answers.models import Answer
    from app.questions.models import Question


def lock_for_edit(post: Question | Answer) -> None:
    """Read the post again, locking its row until the edit commits.

    Two people saving at once then edit one after the other: the second edit keeps the
    first one's text as the version it replaces, instead of both keeping the same old text
    and one edit vanishing from the history. (PostgreSQL: ``SELECT … FOR NO KEY UPDATE``,
    the lock the edit's UPDATE takes anyway, taken before reading; a plain ``FOR UPDATE``
    would also hold off, and deadlock with, writes of rows that merely point at the post,
    such as its search entry. SQLite lets one writer in at a time anyway.)
    """
    model = type(post)
    # Fetched, not only executed: the row read under the lock overwrites what was loaded.
    db.session.execute(
        sa.select(model)
        .where(model.id == post.id)
        .with_for_update(key_share=True)  # PostgreSQL: FOR NO KEY UPDATE
        .execution_options(populate_existing=True)
    ).scalar_one()


def _next_number(column: Any, post_column: Any, post_id: int) -> int:
    latest = db.session.scalar(sa.select(sa.func.max(column)).where(post_column == post_id))
    return (latest or 0) + 1


def keep_question_version(editor: Any, question: Question) -> QuestionRevision:
    """Keep the question's title, body, kind and product as they are now, as replaced by
    ``editor``'s edit at this moment. Call before changing the question."""
    revision = QuestionRevision(
        question_id=question.id,
        number=_next_number(QuestionRevision.number, QuestionRevision.question_id, question.id),
        title=question.title,
        body=question.body,
        kind=question.kind,
        product_id=question.product_id,
        edited_by_id=editor.id,
        edited_at=utcnow(),
    )
    db.session.add(revision)
    return revision


def keep_answer_version(editor: Any, answer: Answer) -> AnswerRevision:
    """Keep the answer's body as it is now, as replaced by ``editor``'s edit at this moment.
    Call before changing the answer."""
    revision = AnswerRevision(
        answer_id=answer.id,
        number=_next_number(AnswerRevision.number, AnswerRevision.answer_id, answer.id),
        body=answer.body,
        edited_by_id=editor.id,
        edited_at=utcnow(),
    )
    db.session.add(revision)
    return revision
