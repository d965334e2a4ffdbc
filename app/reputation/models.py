"""What reputation keeps (product.md, "Reputation"): the ledger of points, the stored totals
the leaderboards read, badges, and the champions companies name.

Other domains' tables are named by string (``"answers.id"``); answers, questions and
moderation call into ``app.reputation.points``, never the other way round.

**The ledger** (``Award``): one row per cause of points, written in the transaction of its
cause: a helpful vote received (keyed by the answer and the voter), a best answer (by the
question: one at a time), an endorsement (by the answer), a "me too" on one's question (by
the question and the person). Undoing the cause (withdrawing the vote, changing the best
answer) deletes the row; hiding the post it belongs to marks it ``withheld`` (its points
come out of every total) and restoring the post marks it live again. A merge changes no
row: points earned stay with whoever earned them.

**The stored totals** every page reads, changed with SQL increments in the same transaction
as the ledger (never read-modify-write): ``users.reputation`` (all time, site-wide),
``CompanyTotal`` (per company, all time and per calendar month) and ``MonthlyTotal`` (site-
wide per month). An award counts in the month it was earned (its ``created_at``, UTC), also
when it is withheld or withdrawn later. ``app.reputation.recompute`` proves all of them equal
a recomputation.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, string_enum, utcnow
from app.extensions import db


class Reason(StrEnum):
    """Why points were earned."""

    HELPFUL_VOTE = "helpful_vote"
    BEST_ANSWER = "best_answer"
    ENDORSEMENT = "endorsement"
    ME_TOO = "me_too"

    @property
    def points(self) -> int:
        return POINTS[self]


# product.md, "Reputation": +10 per helpful vote received, +25 for a best answer, +15 for an
# endorsement, +2 per "me too" on one's question. Official answers earn nothing.
POINTS = {
    Reason.HELPFUL_VOTE: 10,
    Reason.BEST_ANSWER: 25,
    Reason.ENDORSEMENT: 15,
    Reason.ME_TOO: 2,
}
# ``CompanyTotal.period`` of the all-time row; a month is ``year * 100 + month`` (202611).
ALL_TIME = 0


def month_of(moment: datetime) -> int:
    """The period a moment falls in: its UTC year and month as one number (202611)."""
    return moment.year * 100 + moment.month


def _only(reason: Reason) -> dict[str, sa.TextClause]:
    where = sa.text(f"reason = '{reason.value}'")
    return {"postgresql_where": where, "sqlite_where": where}


class Award(db.Model):
    """One cause of points for ``user_id`` (see the module docstring).

    ``answer_id`` is the answer that earned them (helpful votes, endorsements, best
    answers): hiding it withholds them. ``question_id`` is the question of a best answer
    (one at a time per question) or the question a "me too" was said on: hiding that
    question withholds its "me too" points. ``actor_id`` is who caused them: the voter,
    the person saying "me too" (both part of the key), the asker choosing, the endorser.
    ``company_id`` is the question's company, for the company's leaderboards.
    """

    __tablename__ = "reputation_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[Reason] = mapped_column(string_enum(Reason, "reputation_reason"))
    points: Mapped[int] = mapped_column()
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE")
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withheld: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # One row per cause: the keys of the four reasons.
        sa.Index(
            "uq_reputation_awards_helpful_vote",
            "answer_id",
            "actor_id",
            unique=True,
            **_only(Reason.HELPFUL_VOTE),
        ),
        sa.Index(
            "uq_reputation_awards_endorsement",
            "answer_id",
            unique=True,
            **_only(Reason.ENDORSEMENT),
        ),
        sa.Index(
            "uq_reputation_awards_best_answer",
            "question_id",
            unique=True,
            **_only(Reason.BEST_ANSWER),
        ),
        sa.Index(
            "uq_reputation_awards_me_too",
            "question_id",
            "actor_id",
            unique=True,
            **_only(Reason.ME_TOO),
        ),
        # Hiding an answer withholds every award it earned.
        sa.Index("ix_reputation_awards_answer", "answer_id"),
        # A person's awards: the badges that count them, the recomputation.
        sa.Index("ix_reputation_awards_user", "user_id", "reason"),
        sa.CheckConstraint("points > 0", name="points_positive"),
    )


class CompanyTotal(db.Model):
    """A person's points in one company's questions: all time (``period`` 0) and in each
    month (``period`` 202611). Read by the company's leaderboards, top first."""

    __tablename__ = "reputation_company_totals"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    points: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        sa.Index("ix_reputation_company_totals_rank", "company_id", "period", "points", "user_id"),
        sa.Index("ix_reputation_company_totals_user", "user_id"),
    )


class MonthlyTotal(db.Model):
    """A person's points site-wide in one month (the all-time figure is
    ``users.reputation``). Read by the site's "this month" leaderboard."""

    __tablename__ = "reputation_monthly_totals"

    period: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    points: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        sa.Index("ix_reputation_monthly_totals_rank", "period", "points", "user_id"),
        sa.Index("ix_reputation_monthly_totals_user", "user_id"),
    )


class BadgeCode(StrEnum):
    """The badges; their names and rules are ``app.reputation.badges.BADGES``."""

    FIRST_ANSWER = "first_answer"
    FIRST_BEST_ANSWER = "first_best_answer"
    FIRST_ENDORSEMENT = "first_endorsement"
    HELPFUL_ANSWERS = "helpful_answers"
    HELPFUL_VOTES = "helpful_votes"
    FIVE_COMPANIES = "five_companies"
    CHAMPION = "champion"


class Badge(db.Model):
    """A badge a person earned: once each, kept for good."""

    __tablename__ = "badges"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[BadgeCode] = mapped_column(string_enum(BadgeCode, "badge_code"), primary_key=True)
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Champion(db.Model):
    """A peer a company's admin named a champion of the company: their answers to its
    questions carry a champion badge."""

    __tablename__ = "champions"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    named_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    company = relationship("Company")

    __table_args__ = (
        sa.Index("ix_champions_company", "company_id", "created_at", "user_id"),
        sa.Index("ix_champions_user", "user_id"),
    )
