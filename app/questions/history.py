"""A question's status history: every change of status writes one ``StatusChange`` row in
the transaction that makes it, whoever makes it (staff, a "still broken" reopen, or the
server: answered when a best or an official answer arrives, open when it goes).

``record`` is for services holding the question; ``record_sql`` for the moderation services
that change the status with one ``UPDATE`` (hiding, merging): it writes the row with one
``INSERT … SELECT`` before their UPDATE, only where the status will change. Both move
``Question.status_change_count`` so the question page reads the history only when it has one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.db import increment, utcnow
from app.extensions import db
from app.pagination import BadCursor, Page, decode_cursor, encode_cursor
from app.questions.models import Question, Status, StatusChange
from app.webhooks import services as webhooks

# The newest changes the question page shows (the API has them all).
PAGE_HISTORY = 5


def record(
    question: Question,
    old: Status,
    *,
    by_id: int | None,
    fixed_in: str = "",
    still_broken: int = 0,
) -> None:
    """Write the change of ``question`` from ``old`` to its current status (caller's
    transaction, no commit)."""
    db.session.add(
        StatusChange(
            question_id=question.id,
            from_status=old,
            to_status=question.status,
            fixed_in=fixed_in,
            still_broken=still_broken,
            by_id=by_id,
            at=utcnow(),
        )
    )
    increment(db.session, Question.status_change_count, question.id)
    # Every change of status, by staff or by itself (an official answer, "still broken").
    webhooks.emit(
        "question.status_changed",
        question.company_id,
        question=question,
        extra={"previous_status": old.value},
    )


def record_sql(question_id: int, new_status: sa.ColumnElement[Any], *where: Any) -> None:
    """Before an ``UPDATE`` sets ``status = new_status`` (an SQL expression over the
    question's row) on the question where ``where`` holds: write the automatic change, if
    it is one, and count it. Two statements whatever happens; no row read into Python."""
    questions = Question.__table__
    changes = StatusChange.__table__
    # Cast where it appears: PostgreSQL must deduce one type for a parameter used twice.
    new = sa.cast(new_status, sa.String(24))
    changed = sa.and_(questions.c.id == question_id, new != questions.c.status, *where)
    rows = sa.select(
        questions.c.id,
        questions.c.status,
        new,
        sa.literal("", sa.String),
        sa.literal(0, sa.Integer),
        sa.literal(utcnow(), changes.c.at.type),
    ).where(changed)
    db.session.execute(
        changes.insert().from_select(
            ["question_id", "from_status", "to_status", "fixed_in", "still_broken", "at"], rows
        )
    )
    db.session.execute(
        sa.update(questions)
        .where(changed)
        .values(status_change_count=questions.c.status_change_count + 1)
        .execution_options(synchronize_session=False)
    )


def recent(question: Question) -> list[StatusChange]:
    """The newest changes for the question page, newest first: one SELECT, and none at all
    for a question whose status never changed."""
    if not question.status_change_count:
        return []
    return list(
        db.session.execute(
            sa.select(StatusChange)
            .options(joinedload(StatusChange.by))
            .where(StatusChange.question_id == question.id)
            .order_by(StatusChange.id.desc())
            .limit(PAGE_HISTORY)
        ).scalars()
    )


def history_page(question: Question, *, cursor: str | None, limit: int) -> Page[StatusChange]:
    """A page of the question's status changes, newest first, with who made each: one
    SELECT. ``BadCursor`` for a cursor that is not this question's."""
    query = (
        sa.select(StatusChange)
        .options(joinedload(StatusChange.by))
        .where(StatusChange.question_id == question.id)
        .order_by(StatusChange.id.desc())
        .limit(limit + 1)
    )
    if cursor:
        before, question_id = decode_cursor(cursor, int)
        if question_id != question.id:
            raise BadCursor("cursor is not valid")
        query = query.where(StatusChange.id < before)
    rows = list(db.session.execute(query).scalars())
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].id, question.id) if len(rows) > limit else None
    return Page(items, next_cursor)
