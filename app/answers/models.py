"""Answers to questions, and the helpful votes they collect."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.questions.models import PRIVATE_DETAILS, PRIVATE_DETAILS_RENDERED, REASON_MAX

BODY_MIN, BODY_MAX = 1, 20_000


class Answer(db.Model):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    body_renderer_version: Mapped[int] = mapped_column()
    # Private details of a staff answer, for the asker (app.questions.models.Question has the
    # same three columns, deferred the same way, read under the same rule).
    private_details: Mapped[str | None] = mapped_column(
        sa.Text, deferred=True, deferred_group=PRIVATE_DETAILS
    )
    private_details_html: Mapped[str | None] = mapped_column(
        sa.Text, deferred=True, deferred_group=PRIVATE_DETAILS
    )
    private_details_renderer_version: Mapped[int | None] = mapped_column(
        deferred=True, deferred_group=PRIVATE_DETAILS
    )
    # Official: the author was active verified staff of the question's company
    # when posting. Stored, so later staff changes do not rewrite history.
    is_official: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_endorsed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    endorsed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    endorsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    helpful_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Images attached to it, in its body and its private details (app.uploads).
    image_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Hidden by a moderator, by flags or by its author ("deleted by its author"): gone for
    # everyone but its author and moderators (app.visibility). The reason is public.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
    question = relationship("Question", foreign_keys=[question_id])

    __table_args__ = (
        sa.Index("ix_answers_question", "question_id", "created_at"),
        sa.Index("ix_answers_author", "author_id", "created_at"),
        # The scorecard's first official answer per question (app/insights/scorecard.py):
        # only the listed official answers, covering, so no answer's row is read (bench/
        # RESULTS.md: 45 ms → see there at 100k questions). Predicates as the query renders.
        sa.Index(
            "ix_answers_official",
            "question_id",
            "created_at",
            postgresql_where=sa.text("is_official IS true AND hidden_at IS NULL"),
            sqlite_where=sa.text("is_official IS 1 AND hidden_at IS NULL"),
        ),
        sa.CheckConstraint("helpful_count >= 0", name="helpful_count_not_negative"),
        sa.CheckConstraint(PRIVATE_DETAILS_RENDERED, name="private_details_rendered"),
    )

    def __repr__(self) -> str:
        return f"<Answer {self.id} on {self.question_id}>"


class HelpfulVote(db.Model):
    """One user found one answer helpful (once per user per answer)."""

    __tablename__ = "helpful_votes"

    answer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_helpful_votes_user", "user_id"),)
