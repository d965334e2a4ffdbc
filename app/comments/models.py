"""Comments under questions and answers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.questions.models import REASON_MAX

BODY_MIN, BODY_MAX = 1, 600
# The most comments one post keeps: a comment asks for a clarification; a conversation
# belongs in an answer. Also what bounds the comments a question page reads.
PER_POST_MAX = 30


class Comment(db.Model):
    """A short comment (Markdown: inline formatting and links, no images) on a question
    (``answer_id`` null) or on one of its answers. ``question_id`` is always the question,
    so a page reads all its comments by one indexed column.

    Hidden by a moderator or deleted by its author (``hidden_at``): gone for everyone but its
    author and moderators (``app.visibility.comment_listed``)."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    body_renderer_version: Mapped[int] = mapped_column()
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
    question = relationship("Question", foreign_keys=[question_id])
    answer = relationship("Answer", foreign_keys=[answer_id])

    __table_args__ = (
        sa.Index("ix_comments_question", "question_id", "created_at", "id"),
        sa.Index("ix_comments_answer", "answer_id"),
        sa.Index("ix_comments_author", "author_id", "created_at"),
    )

    @property
    def post(self) -> object:
        """What the comment is on: its answer, or its question."""
        return self.answer if self.answer_id is not None else self.question

    def __repr__(self) -> str:
        return f"<Comment {self.id} on {self.question_id}/{self.answer_id}>"
