"""What search keeps beside its index: each question's related questions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

RELATED_MAX = 5


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
