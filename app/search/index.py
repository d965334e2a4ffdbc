"""Keeping the search index current.

Services call ``refresh_question`` in the same transaction as every write that
changes what is searchable (asking, editing a question, posting or editing an
answer); the index then commits or rolls back with the write itself. Asking a
question or editing its title queues it for ``refresh_related``, which stores the few
related questions its page shows, after the commit (``app.search.deferred``). ``rebuild``
(``flask search reindex``) recomputes every entry and the common words' counts
(``app.search.terms``), then every question's related questions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy import orm

from app.answers.models import Answer
from app.extensions import db
from app.questions.models import Question
from app.search import terms
from app.search.backends import Document, backend_for
from app.search.models import RELATED_MAX, RelatedQuestion
from app.search.queries import similar_questions
from app.search.text import clean_text, plain_text
from app.visibility import question_listed

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
        sa.select(Question.id, Question.company_id, Question.title, Question.body_html).where(
            Question.id.in_(ids), question_listed()
        )
    ).all()
    answers: dict[int, list[str]] = {question_id: [] for question_id in ids}
    sizes: dict[int, int] = dict.fromkeys(ids, 0)
    rows = db.session.execute(
        sa.select(Answer.question_id, Answer.body_html)
        .where(Answer.question_id.in_(ids), Answer.hidden_at.is_(None))
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
            company_id=company_id,
            title=clean_text(title),
            body=plain_text(body_html),
            answers=" ".join(answers[question_id]),
        )
        for question_id, company_id, title, body_html in questions
    ]


def refresh_question(question_id: int) -> None:
    """Rewrite one question's entry from its current title, text and answers.

    Runs in the caller's transaction (pending changes are flushed first), so the
    entry is committed, or rolled back, together with the write that changed it.
    """
    db.session.flush()
    backend = backend_for(db.session)
    documents = _documents([question_id])
    if documents:
        backend.store(db.session, documents)
    else:
        # Hidden or merged (``app.visibility.question_listed``): out of search.
        backend.remove(db.session, [question_id])


def refresh_related(question: Question) -> None:
    """Store the questions this one's page shows as related (the caller's transaction; the
    services queue it for after their commit: ``app.search.deferred``).

    They are the company's questions most like its title, found now so that a page
    view reads a few ids instead of matching the title against the whole index. Each
    of them that still shows fewer than ``RELATED_MAX`` gets this question in return,
    so a young forum's older questions learn of newer ones too.
    """
    db.session.flush()
    found = _find_related(question)
    _store_related(question.id, found)
    if found:
        _link_back(question.id, found)


def _find_related(question: Question) -> list[int]:
    """The ids of the company's questions most like this one, best first (one statement)."""
    return [
        similar.id
        for similar in similar_questions(
            question.title,
            company_id=question.company_id,
            exclude_id=question.id,
            limit=RELATED_MAX,
            ignore=question.company.name,
        )
    ]


def _store_related(question_id: int, related_ids: list[int]) -> None:
    db.session.execute(sa.delete(RelatedQuestion).where(RelatedQuestion.question_id == question_id))
    if related_ids:
        db.session.execute(
            sa.insert(RelatedQuestion),
            [
                {"question_id": question_id, "position": position, "related_id": related_id}
                for position, related_id in enumerate(related_ids)
            ],
        )


def _link_back(question_id: int, related_ids: list[int]) -> None:
    """Add ``question_id`` to the related questions of those of ``related_ids`` with room."""
    shown = db.session.execute(
        sa.select(
            RelatedQuestion.question_id,
            sa.func.count(),
            sa.func.max(RelatedQuestion.position),
            sa.func.sum(sa.case((RelatedQuestion.related_id == question_id, 1), else_=0)),
        )
        .where(RelatedQuestion.question_id.in_(related_ids))
        .group_by(RelatedQuestion.question_id)
    )
    room = {other: -1 for other in related_ids}
    for other, count, last_position, has_it in shown:
        room[other] = last_position if count < RELATED_MAX and not has_it else None
    rows = [
        {"question_id": other, "position": last + 1, "related_id": question_id}
        for other, last in room.items()
        if last is not None
    ]
    if rows:
        db.session.execute(sa.insert(RelatedQuestion), rows)


def remove_question(question_id: int) -> None:
    """Take a question out of search (for hidden questions, once moderation hides them)."""
    backend_for(db.session).remove(db.session, [question_id])


def count_questions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question)) or 0


def _question_ids_in_batches() -> Iterator[list[int]]:
    """Every question's id, in order, ``REBUILD_BATCH`` at a time (keyset, so each batch
    costs the same however far the rebuild has gone)."""
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
            return
        yield ids
        last_id = ids[-1]


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Recompute every question's entry, in batches committed one by one; returns how many.

    Entries are replaced, never emptied first, so searches keep working while it runs;
    entries of questions that no longer exist are dropped at the end.
    """
    backend = backend_for(db.session)
    done = 0
    for ids in _question_ids_in_batches():
        documents = _documents(ids)
        backend.store(db.session, documents)
        unlisted = set(ids) - {document.question_id for document in documents}
        if unlisted:
            backend.remove(db.session, sorted(unlisted))
        db.session.commit()
        done += len(ids)
        if progress is not None:
            progress(len(ids))
    backend.remove_orphans(db.session)
    backend.optimize(db.session)
    db.session.commit()
    # How common each title word is, counted from the index just built (app.search.terms).
    terms.refresh()
    db.session.commit()
    return done


def rebuild_related(
    progress: Callable[[int], None] | None = None, *, only: Iterable[int] | None = None
) -> int:
    """Find every question's related questions again (after ``rebuild``), in batches
    committed one by one; returns how many questions were done. Pages keep showing the
    old ones until their question's turn comes. ``only``: just these questions."""
    done = 0
    batches = _question_ids_in_batches() if only is None else [sorted(only)]
    for ids in batches:
        questions = db.session.execute(
            sa.select(Question)
            .options(orm.joinedload(Question.company))
            .where(Question.id.in_(ids))
            .order_by(Question.id)
        ).scalars()
        for question in questions:
            _store_related(question.id, _find_related(question))
        db.session.commit()
        done += len(ids)
        if progress is not None:
            progress(len(ids))
    return done
