"""Flags on questions and answers (product.md, "Keeping it clean": Flags, Review queue).

A ``FlaggedPost`` is one question or answer someone flagged: the review queue lists these,
one row per post, gathering every flag on it. A ``Flag`` is one user's report, private to
them and to moderators: one per user per post, ever (a unique constraint).

A flagged post goes through rounds: flags open it (``open``, waiting for a moderator); a
moderator resolves it (``hidden`` or ``dismissed``); a new flag on a resolved post opens it
again, as round ``round + 1``. Each flag belongs to the round it was given in, and the
queue, the counts and the "three spam flags hide" rule read the current round only, so
flags a moderator already dismissed never count again. ``flag_count`` and ``hide_count``
(spam and abusive flags) are the current round's counters, kept by SQL increments in the
flag's own transaction; the increment also locks the row, so concurrent flags on one post
are counted one after the other.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, string_enum, utcnow
from app.extensions import db
from app.i18n import _l
from app.questions.models import REASON_MAX


class FlagReason(StrEnum):
    SPAM = "spam"
    ABUSIVE = "abusive"
    OFF_TOPIC = "off_topic"
    PRIVATE_INFO = "private_info"
    DUPLICATE = "duplicate"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(REASON_LABELS[self])  # in the reader's language


REASON_LABELS = {
    FlagReason.SPAM: _l("Spam"),
    FlagReason.ABUSIVE: _l("Abusive or rude"),
    FlagReason.OFF_TOPIC: _l("Off topic"),
    FlagReason.PRIVATE_INFO: _l("Someone's personal data"),
    FlagReason.DUPLICATE: _l("Duplicate of another question"),
    FlagReason.OTHER: _l("Something else"),
}

# The reasons that count towards hiding a post at once (three from different users, or one
# from a moderator).
HIDING_REASONS = frozenset({FlagReason.SPAM, FlagReason.ABUSIVE})


class FlagStatus(StrEnum):
    OPEN = "open"  # waiting for a moderator (possibly hidden already, pending review)
    HIDDEN = "hidden"  # a moderator hid the post
    DISMISSED = "dismissed"  # a moderator dismissed the flags


class FlaggedPost(db.Model):
    """A flagged question or answer (exactly one of the two), as the review queue shows it."""

    __tablename__ = "flagged_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), unique=True
    )
    answer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("answers.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[FlagStatus] = mapped_column(
        string_enum(FlagStatus, "flag_status"), default=FlagStatus.OPEN
    )
    round: Mapped[int] = mapped_column(default=1, server_default="1")
    flag_count: Mapped[int] = mapped_column(default=0, server_default="0")
    hide_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The flags of this round hid the post (pending review): dismissing them restores it.
    hidden_by_flags: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # When the first flag of this round came.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The moderator's words: the public reason of a hide, or a note on a dismissal.
    note: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")

    question = relationship("Question", foreign_keys=[question_id])
    answer = relationship("Answer", foreign_keys=[answer_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])

    __table_args__ = (
        sa.CheckConstraint("(question_id IS NULL) <> (answer_id IS NULL)", name="one_post"),
        sa.Index("ix_flagged_posts_queue", "status", "created_at", "id"),
    )

    @property
    def post(self):  # noqa: ANN201 - a Question or an Answer
        return self.question if self.question_id is not None else self.answer

    @property
    def target_type(self) -> str:
        return "question" if self.question_id is not None else "answer"

    @property
    def target_id(self) -> int:
        return self.question_id if self.question_id is not None else self.answer_id  # type: ignore[return-value]


class Flag(db.Model):
    """One user's report of a post. Private: only its author and moderators see it."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    flagged_post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("flagged_posts.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column()
    reason: Mapped[FlagReason] = mapped_column(string_enum(FlagReason, "flag_reason"))
    note: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    flagged_post = relationship("FlaggedPost")
    user = relationship("User")
    duplicate_of = relationship("Question", foreign_keys=[duplicate_of_id])

    __table_args__ = (
        # Once per user per post: a second flag, even sent at the same moment, is refused.
        sa.UniqueConstraint("flagged_post_id", "user_id"),
        sa.Index("ix_flags_user", "user_id", "flagged_post_id"),
    )
