"""Proving the stored totals (``flask reputation recompute``) and building them from the rows
that cause points (``flask reputation rebuild``).

Points are never recomputed on read: every write keeps the ledger and the stored totals
itself (``app.reputation.points``). ``check`` proves it, for every person, three ways:

1. the stored ``users.reputation`` equals the sum of their live ledger rows;
2. it also equals a recomputation from the rows that cause points, by the rules of
   ``app.reputation.points``: the helpful votes on their answers that are not official and
   not hidden (from others), their answers of that kind that are endorsed (not by
   themselves), chosen best (by someone other than themselves as the asker), and the
   "me too"s on their questions that are not hidden. What a merge kept has no other record
   than the ledger, so it is taken from there: the best answer and the "me too"s of a
   merged duplicate, and the "me too"s of a question that took one in (people who joined
   it from the duplicate earned the duplicate's asker their points, not the original's);
3. every stored company total (all time and per month) and site-wide monthly total
   equals the sum of the live ledger rows it counts.

``rebuild`` writes the ledger anew from those rows (keeping what merges kept) and the
totals from the ledger: for a database that existed before reputation did (run it once
after upgrading), and for the benchmark's bulk-loaded forum. Both are set-based SQL (a few
statements, whatever the size), and both databases run the same statements but for the
month of a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.reputation.models import (
    ALL_TIME,
    POINTS,
    Award,
    CompanyTotal,
    MonthlyTotal,
    Reason,
)

awards = Award.__table__
company_totals = CompanyTotal.__table__
monthly_totals = MonthlyTotal.__table__
COLUMNS = (
    "user_id",
    "reason",
    "points",
    "company_id",
    "answer_id",
    "question_id",
    "actor_id",
    "withheld",
    "created_at",
)


def _tables(metadata: sa.MetaData) -> Any:
    t = metadata.tables
    return t["users"], t["answers"], t["questions"], t["helpful_votes"], t["me_toos"]


def _month(connection: sa.Connection, column: Any) -> sa.ColumnElement[int]:
    """SQL: the period (``month_of``) of a stored UTC time."""
    if connection.dialect.name == "postgresql":
        utc = sa.func.timezone("UTC", column)
        return sa.cast(sa.extract("year", utc) * 100 + sa.extract("month", utc), sa.Integer)
    return sa.cast(sa.func.strftime("%Y%m", column), sa.Integer)


def _literal(reason: Reason) -> tuple[Any, Any]:
    return sa.literal(reason.value, sa.String), sa.literal(POINTS[reason], sa.Integer)


def _no_id() -> Any:
    return sa.cast(sa.null(), sa.Integer)


def _merge_touched(questions: sa.Table) -> sa.ColumnElement[bool]:
    """SQL: the question was merged into another, or another was merged into it."""
    merged = questions.alias("merged")
    # IN, not a correlated EXISTS: both databases read the originals' ids once.
    originals = sa.select(merged.c.merged_into_id).where(merged.c.merged_into_id.is_not(None))
    return sa.or_(questions.c.merged_into_id.is_not(None), questions.c.id.in_(originals))


def _row(*columns: Any) -> sa.Select:
    """A SELECT of ledger rows: the columns named as ``COLUMNS``."""
    return sa.select(*(column.label(name) for column, name in zip(columns, COLUMNS, strict=True)))


def caused(metadata: sa.MetaData) -> sa.CompoundSelect:
    """The ledger rows the rules give for the rows that cause points (``COLUMNS``), but for
    what merges kept: best answers of merged questions and "me too"s of questions a merge
    touched."""
    _users, answers, questions, votes, me_toos = _tables(metadata)
    hidden_answer = answers.c.hidden_at.is_not(None)
    peer = answers.c.is_official.is_(False)
    reason, points = _literal(Reason.HELPFUL_VOTE)
    helpful = (
        _row(
            answers.c.author_id,
            reason,
            points,
            questions.c.company_id,
            answers.c.id,
            _no_id(),
            votes.c.user_id,
            hidden_answer,
            votes.c.created_at,
        )  # fmt: skip
        .select_from(votes)
        .join(answers, answers.c.id == votes.c.answer_id)
        .join(questions, questions.c.id == answers.c.question_id)
        .where(peer, votes.c.user_id != answers.c.author_id)
    )
    reason, points = _literal(Reason.ENDORSEMENT)
    endorsement = (
        _row(
            answers.c.author_id,
            reason,
            points,
            questions.c.company_id,
            answers.c.id,
            _no_id(),
            answers.c.endorsed_by_id,
            hidden_answer,
            sa.func.coalesce(answers.c.endorsed_at, answers.c.created_at),
        )  # fmt: skip
        .select_from(answers)
        .join(questions, questions.c.id == answers.c.question_id)
        .where(
            peer,
            answers.c.is_endorsed.is_(True),
            sa.or_(
                answers.c.endorsed_by_id.is_(None),
                answers.c.endorsed_by_id != answers.c.author_id,
            ),
        )
    )
    reason, points = _literal(Reason.BEST_ANSWER)
    best = (
        _row(
            answers.c.author_id,
            reason,
            points,
            questions.c.company_id,
            answers.c.id,
            questions.c.id,
            questions.c.author_id,
            hidden_answer,
            answers.c.created_at,
        )  # fmt: skip
        .select_from(questions)
        .join(answers, answers.c.id == questions.c.best_answer_id)
        .where(
            peer,
            questions.c.merged_into_id.is_(None),
            answers.c.author_id != questions.c.author_id,
        )
    )
    reason, points = _literal(Reason.ME_TOO)
    me_too = (
        _row(
            questions.c.author_id,
            reason,
            points,
            questions.c.company_id,
            _no_id(),
            questions.c.id,
            me_toos.c.user_id,
            questions.c.hidden_at.is_not(None),
            me_toos.c.created_at,
        )  # fmt: skip
        .select_from(me_toos)
        .join(questions, questions.c.id == me_toos.c.question_id)
        .where(me_toos.c.user_id != questions.c.author_id, ~_merge_touched(questions))
    )
    return sa.union_all(helpful, endorsement, best, me_too)


def _kept_by_merges(metadata: sa.MetaData) -> sa.ColumnElement[bool]:
    """SQL on ledger rows: a row a merge kept, which only the ledger records."""
    questions = metadata.tables["questions"]
    return sa.or_(
        sa.and_(
            awards.c.reason == Reason.BEST_ANSWER.value,
            awards.c.question_id.in_(
                sa.select(questions.c.id).where(questions.c.merged_into_id.is_not(None))
            ),
        ),
        sa.and_(
            awards.c.reason == Reason.ME_TOO.value,
            awards.c.question_id.in_(sa.select(questions.c.id).where(_merge_touched(questions))),
        ),
    )


# Checking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """A person whose stored total is not what the ledger or the recomputation says."""

    user_id: int
    username: str
    stored: int
    ledger: int
    recomputed: int


@dataclass
class Report:
    users: int
    mismatched: list[Mismatch] = field(default_factory=list)
    # Stored company and monthly total rows unlike the ledger's sums (each way).
    totals_mismatched: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatched and not self.totals_mismatched


def check(connection: sa.Connection, metadata: sa.MetaData, *, limit: int = 50) -> Report:
    """Compare every stored total with the ledger and with a recomputation (see the module
    docstring); reads only. At most ``limit`` mismatched people are named."""
    users = metadata.tables["users"]
    live = awards.c.withheld.is_(False)
    ledger = (
        sa.select(awards.c.user_id, sa.func.sum(awards.c.points).label("points"))
        .where(live)
        .group_by(awards.c.user_id)
        .subquery("ledger")
    )
    rows = caused(metadata).subquery("caused")
    parts = sa.union_all(
        sa.select(rows.c.user_id, rows.c.points).where(rows.c.withheld.is_(False)),
        sa.select(awards.c.user_id, awards.c.points).where(live, _kept_by_merges(metadata)),
    ).subquery("parts")
    recomputed = (
        sa.select(parts.c.user_id, sa.func.sum(parts.c.points).label("points"))
        .group_by(parts.c.user_id)
        .subquery("recomputed")
    )
    from_ledger = sa.func.coalesce(ledger.c.points, 0)
    from_rows = sa.func.coalesce(recomputed.c.points, 0)
    wrong = connection.execute(
        sa.select(users.c.id, users.c.username, users.c.reputation, from_ledger, from_rows)
        .outerjoin(ledger, ledger.c.user_id == users.c.id)
        .outerjoin(recomputed, recomputed.c.user_id == users.c.id)
        .where(sa.or_(users.c.reputation != from_ledger, users.c.reputation != from_rows))
        .order_by(users.c.id)
        .limit(limit)
    ).all()
    report = Report(users=connection.scalar(sa.select(sa.func.count()).select_from(users)) or 0)
    report.mismatched = [Mismatch(*row) for row in wrong]
    report.totals_mismatched = _totals_mismatched(connection)
    return report


def _expected_company_totals(connection: sa.Connection) -> sa.CompoundSelect:
    month = _month(connection, awards.c.created_at)
    live = awards.c.withheld.is_(False)
    total = sa.func.sum(awards.c.points)
    all_time = (
        sa.select(awards.c.company_id, sa.literal(ALL_TIME, sa.Integer), awards.c.user_id, total)
        .where(live)
        .group_by(awards.c.company_id, awards.c.user_id)
    )
    monthly = (
        sa.select(awards.c.company_id, month, awards.c.user_id, total)
        .where(live)
        .group_by(awards.c.company_id, month, awards.c.user_id)
    )
    return sa.union_all(all_time, monthly)


def _expected_monthly_totals(connection: sa.Connection) -> sa.Select:
    month = _month(connection, awards.c.created_at)
    return (
        sa.select(month, awards.c.user_id, sa.func.sum(awards.c.points))
        .where(awards.c.withheld.is_(False))
        .group_by(month, awards.c.user_id)
    )


def _totals_mismatched(connection: sa.Connection) -> int:
    """How many stored total rows differ from the ledger's sums: a row holding another
    number, a row the ledger has no points for, or points the stored rows lack."""
    stored_company = sa.select(
        company_totals.c.company_id,
        company_totals.c.period,
        company_totals.c.user_id,
        company_totals.c.points,
    ).where(company_totals.c.points != 0)
    stored_monthly = sa.select(
        monthly_totals.c.period, monthly_totals.c.user_id, monthly_totals.c.points
    ).where(monthly_totals.c.points != 0)
    differences = 0
    for stored, expected in (
        (stored_company, _expected_company_totals(connection)),
        (stored_monthly, _expected_monthly_totals(connection)),
    ):
        # Each side from a subquery: SQLite takes no parenthesised compound SELECT.
        one, other = sa.select(stored.subquery()), sa.select(expected.subquery())
        keys: set[tuple[Any, ...]] = set()
        for only in (sa.except_(one, other), sa.except_(other, one)):
            keys.update(tuple(row)[:-1] for row in connection.execute(only))  # not the points
        differences += len(keys)
    return differences


# Rebuilding ----------------------------------------------------------------------------


def rebuild(connection: sa.Connection, metadata: sa.MetaData) -> int:
    """Write the ledger anew from the rows that cause points (keeping the rows merges
    kept), then every stored total from the ledger. In the caller's transaction; how many
    ledger rows there are now. Not for a busy site: writes that run meanwhile may be lost
    from the totals (run ``check`` after it)."""
    write_ledger(connection, metadata)
    return write_totals(connection, metadata)


def write_ledger(connection: sa.Connection, metadata: sa.MetaData) -> None:
    """``rebuild``'s first step: the ledger anew from the rows that cause points."""
    connection.execute(sa.delete(awards).where(~_kept_by_merges(metadata)))
    connection.execute(sa.insert(awards).from_select(list(COLUMNS), caused(metadata)))


def write_totals(connection: sa.Connection, metadata: sa.MetaData) -> int:
    """``rebuild``'s second step: every stored total from the ledger (which it reads by
    person: ``ix_reputation_awards_user``). How many ledger rows there are."""
    connection.execute(sa.delete(company_totals))
    connection.execute(sa.delete(monthly_totals))
    connection.execute(
        sa.insert(company_totals).from_select(
            ["company_id", "period", "user_id", "points"], _expected_company_totals(connection)
        )
    )
    connection.execute(
        sa.insert(monthly_totals).from_select(
            ["period", "user_id", "points"], _expected_monthly_totals(connection)
        )
    )
    users = metadata.tables["users"]
    earned = (
        sa.select(sa.func.coalesce(sa.func.sum(awards.c.points), 0))
        .where(awards.c.user_id == users.c.id, awards.c.withheld.is_(False))
        .scalar_subquery()
    )
    connection.execute(sa.update(users).values(reputation=earned))
    return connection.scalar(sa.select(sa.func.count()).select_from(awards)) or 0


__all__ = ["Mismatch", "Report", "caused", "check", "rebuild", "write_ledger", "write_totals"]
