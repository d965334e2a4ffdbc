"""Search work done after the commit, never inside the request's transaction: a new (or
retitled) question's related questions, and the index entry of a question just answered.

Finding related questions is a full-text match over the company's questions
(``index.refresh_related``): at 100,000 questions it was most of what asking cost. Rewriting
a question's entry after an answer re-reads and re-indexes the whole thread's text (an FTS5
row is rewritten whole), most of what answering cost on SQLite. Inside the write's
transaction both held the SQLite write lock (and the question's row) while they ran. Now the
write adds a row of ``search_due`` in its own transaction, so the work exists exactly when
the write does, and it runs after the commit:

- ``MAIL_SEND=inline`` (the embedded default): the request's teardown takes the rows this
  request queued (``inline_step``, an ``app.mail.add_inline_step``, so it runs before the
  outbox is sent and after the view's service committed; what the request left uncommitted
  is rolled back first, so a rolled-back ask finds nothing to do). Outside a request (the
  CLI, a script calling the services) ``after_commit`` runs it at once.
- ``MAIL_SEND=worker`` (production): ``flask search relate --loop`` takes the rows oldest
  first, as the outbox senders do (``app.mail.outbox.take_oldest``: ``FOR UPDATE SKIP
  LOCKED`` on PostgreSQL, a lease on SQLite), so several may run.

Until its turn comes a new question's page shows no related questions (the page reads them
the same way whoever found them), and a new answer's words do not find its question yet
(the question itself, its title and text, is indexed in the ask's own transaction). The
same step recounts the common title words once the counts are older than ``terms.MAX_AGE``
(``app.search.terms``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from sqlalchemy import orm

from app.db import utcnow
from app.extensions import db
from app.mail.outbox import take_oldest, work_off
from app.questions.models import Question
from app.search import index, terms
from app.search.models import SearchDue

# Set in ``g``: the questions this request queued search work for.
_QUEUED = "search_work_queued"
# Tries before a question is left for ``flask search reindex`` (a failure is logged each time).
MAX_ATTEMPTS = 5
# SQLite: how long a taken row is kept from other workers (a match takes milliseconds).
LEASE = timedelta(minutes=5)


def queue(question_id: int, *, entry: bool = False, related: bool = False) -> None:
    """Once the caller's transaction commits, rewrite this question's index ``entry`` and/or
    find its ``related`` questions (in the caller's transaction: no commit here)."""
    db.session.execute(
        sa.insert(SearchDue).values(
            question_id=question_id, entry=entry, related=related, send_after=utcnow()
        )
    )
    if has_request_context():
        g.setdefault(_QUEUED, []).append(question_id)


def after_commit(question_id: int) -> None:
    """Called by a service right after its commit: outside a request with
    ``MAIL_SEND=inline`` the work is done now (in a request the teardown step does it, with
    ``MAIL_SEND=worker`` the worker)."""
    if has_request_context() or current_app.config["MAIL_SEND"] != "inline":
        return
    run_for([question_id])


def inline_step() -> None:
    """The teardown step (``MAIL_SEND=inline``): the rows this request queued and committed."""
    question_ids = g.pop(_QUEUED, None)
    if not question_ids:
        return
    db.session.rollback()
    run_for(question_ids)


def run_for(question_ids: list[int]) -> int:
    """The work of these questions' due rows (committed ones only); how many rows were
    done. Each commits on its own."""
    due = db.session.scalars(
        sa.select(SearchDue).where(SearchDue.question_id.in_(question_ids)).order_by(SearchDue.id)
    ).all()
    db.session.commit()
    return sum(_do(row) for row in due)


def _ready(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(SearchDue.send_after <= now, SearchDue.attempts < MAX_ATTEMPTS)


def relate_pending(limit: int = 100, *, stop: Callable[[], bool] | None = None) -> int:
    """The worker: up to ``limit`` due rows, oldest first, one commit each; how many were
    done (``flask search relate``)."""
    locked = db.session.get_bind().dialect.name == "postgresql"
    done = 0
    while done < limit and not (stop and stop()):
        row = take_oldest(db.session, SearchDue, _ready, lease=LEASE, locked=locked)
        if row is None:
            break
        done += _do(row)
    db.session.commit()
    return done


def _do(row: SearchDue) -> int:
    """One due row's work (the index entry rewritten from the question's current state, its
    related questions found and stored) and the row dropped, in one transaction; 1 when
    done. A failure is logged and tried again later (backoff)."""
    question_id, entry, related = row.question_id, row.entry, row.related

    def work() -> None:
        if entry:
            index.refresh_question(question_id)
        if related:
            _refresh_terms_when_stale()
            question = db.session.scalars(
                sa.select(Question)
                .options(orm.joinedload(Question.company))
                .where(Question.id == question_id)
            ).first()
            if question is not None:
                index.refresh_related(question)

    return work_off(db.session, SearchDue, row, work)


def _refresh_terms_when_stale() -> None:
    """Recount the common title words when the counts are older than ``terms.MAX_AGE``; only
    the process whose claim wins does, and commits the count before the match uses it."""
    if terms.claim_stale_refresh():
        terms.refresh()
        db.session.commit()


def pending() -> int:
    """How many questions still wait for their related questions (``flask search relate``)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(SearchDue)) or 0
