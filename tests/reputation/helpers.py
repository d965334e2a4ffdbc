"""What the reputation tests share: reading a person's points as stored, and the proof that
every stored total equals a recomputation."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from app.reputation import recompute
from app.reputation.models import CompanyTotal, MonthlyTotal


def points(user: Any) -> int:
    """The person's stored reputation, read from the database now."""
    return db.session.scalar(sa.select(User.reputation).where(User.id == user.id))


def company_points(user: Any, company: Any, period: int = 0) -> int:
    """The person's stored total in the company (all time, or one month)."""
    return (
        db.session.scalar(
            sa.select(CompanyTotal.points).where(
                CompanyTotal.company_id == company.id,
                CompanyTotal.user_id == user.id,
                CompanyTotal.period == period,
            )
        )
        or 0
    )


def month_points(user: Any, period: int) -> int:
    """The person's stored site-wide total in one month."""
    return (
        db.session.scalar(
            sa.select(MonthlyTotal.points).where(
                MonthlyTotal.user_id == user.id, MonthlyTotal.period == period
            )
        )
        or 0
    )


def assert_recomputed() -> recompute.Report:
    """Every stored total equals the ledger and a recomputation from the rows."""
    db.session.flush()
    report = recompute.check(db.session.connection(), db.metadata)
    assert report.mismatched == [], report.mismatched
    assert report.totals_mismatched == 0
    return report
