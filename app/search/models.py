"""What search keeps beside its index: each question's related questions, the questions
whose related questions are still to be found, and how common each title word is."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

RELATED_MAX = 5
# The full-text index's table (its shape differs by database: app/search/backends.py).
TABLE = "search_index"
# SQLite: the titles' own FTS5 table (migration 0024).
TITLES = f"{TABLE}_titles"


class RelatedQuestion(db.Model):
    """One of the few questions shown as related on a question's page, in order.

    Found when the question is asked or its title edited (and by ``flask search
    reindex``), so a page view reads ids instead of running a full-text match.
    """

    __tablename__ = "related_questions"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    related_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))

    __table_args__ = (
        sa.UniqueConstraint("question_id", "related_id"),
        sa.CheckConstraint("question_id <> related_id", name="not_itself"),
        sa.Index("ix_related_questions_related", "related_id"),
    )


# The row of ``search_terms`` that holds the totals (no word is empty).
TOTALS = ""


class SearchTerm(db.Model):
    """How many questions hold a word in their title or text, as the index stems it: what
    similar questions read to leave out the words too common to tell questions apart.

    ``word`` is a title's word as ``app.search.query.title_words`` gives it (lower case,
    unstemmed), so a title is looked up as typed; ``questions`` counts the questions holding
    its stem (the index matches "syncing" as "sync"). Only words in at least
    ``app.search.terms.STORED_SHARE`` of questions are kept: a word not here is rare. The row
    whose word is empty (``TOTALS``) holds the number of questions counted and when.

    Written whole by ``app.search.terms.refresh`` (``flask search reindex``, ``flask search
    terms``, and after asking once the counts are older than ``terms.MAX_AGE``).
    """

    __tablename__ = "search_terms"

    word: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    questions: Mapped[int]
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SearchDue(db.Model):
    """Search work on a question still to be done after the commit of the write that caused
    it (``app.search.deferred``): its index ``entry`` rewritten (an answer posted), its
    ``related`` questions found (asked, or its title changed), or both. Written in that
    write's transaction, so it exists exactly when the write does.

    Inline (``MAIL_SEND=inline``) the request's own teardown takes it; otherwise ``flask
    search relate --loop``. Rows are taken like outbox messages
    (``app.mail.outbox.take_oldest``) and deleted once done.
    """

    __tablename__ = "search_due"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    entry: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    related: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
