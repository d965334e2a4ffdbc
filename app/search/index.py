"""Keeping the search index current.

Services call ``refresh_question`` in the same transaction as every write that
changes what is searchable (asking, editing a question, posting or editing an
answer); the index then commits or rolls back with the write itself. ``rebuild``
(``flask search reindex``) recomputes every entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa

from app.answers.models import Answer
from app.extensions import db
from app.questions.models import Question
from app.search.backends import Document, backend_for
from app.search.text import clean_text, plain_text

# The answers' text indexed per question. PostgreSQL refuses a tsvector over 1 MB, and
# the first 100,000 characters of a thread say what it is about.
ANSWERS_TEXT_MAX = 100_000
REBUILD_BATCH = 500


def _documents(question_ids: Iterable[int]) -> list[Document]:
    """The index entries of these questions (two SELECTs, whatever their number of answers)."""
    ids = list(question_ids)
    if not ids:
        return []
    questions = db.session.execute(
        sa.select(Question.id, Question.title, Question.body_html).where(Question.id.in_(ids))
    ).all()
    answers: dict[int, list[str]] = {question_id: [] for question_id in ids}
    sizes: dict[int, int] = dict.fromkeys(ids, 0)
    rows = db.session.execute(
        sa.select(Answer.question_id, Answer.body_html)
        .where(Answer.question_id.in_(ids))
        .order_by(Answer.question_id, Answer.created_at, Answer.id)
    )
    for question_id, body_html in rows:
        if sizes[question_id] >= ANSWERS_TEXT_MAX:
            continue
        text = plain_text(body_html)[: ANSWERS_TEXT_MAX - sizes[question_id]]
        answers[question_id].append(text)
        sizes[question_id] += len(text) + 1
    return [
        Document(
            question_id=question_id,
            title=clean_text(title),
            body=plain_text(body_html),
            answers=" ".join(answers[question_id]),
        )
        for question_id, title, body_html in questions
    ]


def refresh_question(question_id: int) -> None:
    """Rewrite one question's entry from its current title, text and answers.

    Runs in the caller's transaction (pending changes are flushed first), so the
    entry is committed, or rolled back, together with the write that changed it.
    """
    db.session.flush()
    backend_for(db.session).store(db.session, _documents([question_id]))


def remove_question(question_id: int) -> None:
    """Take a question out of search (for hidden questions, once moderation hides them)."""
    backend_for(db.session).remove(db.session, [question_id])


def count_questions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question)) or 0


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Recompute every question's entry, in batches committed one by one; returns how many.

    Entries are replaced, never emptied first, so searches keep working while it runs;
    entries of questions that no longer exist are dropped at the end.
    """
    backend = backend_for(db.session)
    done = 0
    last_id = 0
    while True:
        ids = list(
            db.session.execute(
                sa.select(Question.id)
                .where(Question.id > last_id)
                .order_by(Question.id)
                .limit(REBUILD_BATCH)
            ).scalars()
        )
        if not ids:
            break
        backend.store(db.session, _documents(ids))
        db.session.commit()
        done += len(ids)
        last_id = ids[-1]
        if progress is not None:
            progress(len(ids))
    backend.remove_orphans(db.session)
    backend.optimize(db.session)
    db.session.commit()
    return done
