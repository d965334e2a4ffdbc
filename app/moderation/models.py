"""What moderation keeps: the audit log for site admins, and the edit history of posts.

Edit history (product.md, "Edit history"): each edit of a question or an answer adds ONE
row holding the version the edit replaced, with who made the edit and when. The post
itself is always the newest version, so a post never edited has no rows at all (it reads
as one version, the original), existing posts need no backfill, asking and answering
write nothing extra, and no text is stored twice. ``app.moderation.revision_queries``
turns the rows and the post into the numbered versions the pages and the API show.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, string_enum, utcnow
from app.extensions import db
from app.questions.models import REASON_MAX, TITLE_MAX, Kind

ACTION_MAX = 40


class AuditEntry(db.Model):
    """Who did what, when, to whom, and why. Rows are only ever added."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # e.g. "claim.requested", "claim.approved", "staff.invited", "staff.revoked"
    action: Mapped[str] = mapped_column(sa.String(ACTION_MAX))
    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="SET NULL")
    )
    subject_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User", foreign_keys=[actor_id])
    subject_user = relationship("User", foreign_keys=[subject_user_id])
    company = relationship("Company")

    __table_args__ = (
        sa.Index("ix_audit_entries_created", "created_at", "id"),
        sa.Index("ix_audit_entries_company", "company_id", "created_at"),
    )


class QuestionRevision(db.Model):
    """Version ``number`` of a question (1 is the original): its title, body, kind and
    product as they were until ``edited_by`` changed them at ``edited_at``.

    Numbers run 1, 2, 3 … without gaps per question; the question itself is the version
    after the last row. Rows are only ever added.
    """

    __tablename__ = "question_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[Kind] = mapped_column(string_enum(Kind, "question_kind"))
    product_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL")
    )
    # Who made the edit that replaced this version, and when. An account that no longer
    # exists leaves its edits in the history, unsigned.
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime)

    edited_by = relationship("User")
    product = relationship("Product")

    __table_args__ = (
        # One row per version: two edits racing for the same number cannot both land.
        sa.UniqueConstraint("question_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )


class AnswerRevision(db.Model):
    """Version ``number`` of an answer (1 is the original): its body as it was until
    ``edited_by`` changed it at ``edited_at``. The answer itself is the version after the
    last row."""

    __tablename__ = "answer_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(sa.Text)
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime)

    edited_by = relationship("User")

    __table_args__ = (
        sa.UniqueConstraint("answer_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )


class ModerationAction(StrEnum):
    HIDE = "hide"
    RESTORE = "restore"
    LOCK = "lock"
    UNLOCK = "unlock"
    MERGE = "merge"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    DELETE = "delete"  # an author deleting their own post, or "delete spammer"


class TargetType(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    USER = "user"
    COMMENT = "comment"  # issue 13


class ModerationLogEntry(db.Model):
    """One line of the public moderation log (product.md, "Public moderation log"): what
    was done to which post or account, by whom, when and with what public reason. It never
    holds the hidden text. Rows are only ever added.

    ``moderator_id`` is None for what no person did by hand: three spam flags hiding a post.
    """

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[ModerationAction] = mapped_column(
        string_enum(ModerationAction, "moderation_action")
    )
    target_type: Mapped[TargetType] = mapped_column(string_enum(TargetType, "moderation_target"))
    target_id: Mapped[int] = mapped_column()
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    moderator = relationship("User")

    __table_args__ = (sa.Index("ix_moderation_log_created", "created_at", "id"),)
