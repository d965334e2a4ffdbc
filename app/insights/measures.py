"""The SQL both the public scorecard and the insights page count with, written once.

- ``asked``: a company's listed questions (``app.visibility.question_listed``) asked since a
  time, as a common table expression every figure starts from.
- ``first_official``: each of those questions' first listed official answer.
- ``seconds_between``: seconds from one timestamp to another, the same on both databases.
- ``ranked`` and ``percentile``: percentiles as PostgreSQL's ``percentile_cont`` computes them
  (linear interpolation between the two nearest ranks; the median of an even number is the
  mean of the two middle ones), from ``row_number()`` and ``count()`` windows, which SQLite
  has too. ``percentile_cont`` itself is PostgreSQL's only.
- ``week_of``: the Monday (UTC) of a timestamp's week, as ``YYYY-MM-DD`` text, on both.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.answers.models import Answer
from app.questions.models import Question
from app.visibility import question_listed

MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)


class seconds_between(FunctionElement[float]):  # noqa: N801 - an SQL function, named as one
    """Seconds from the first timestamp to the second, as a number, on either database."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"((julianday({compiler.process(end, **kw)}) - "
        f"julianday({compiler.process(start, **kw)})) * 86400.0)"
    )


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


class week_of(FunctionElement[str]):  # noqa: N801 - an SQL function, named as one
    """The Monday of the timestamp's week in UTC, as ``YYYY-MM-DD`` text."""

    type = sa.String()
    inherit_cache = True
    name = "week_of"


@compiles(week_of)
def _week_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (moment,) = list(element.clauses)
    # Back six days, then forward to the next Monday (or stay on it): this week's Monday.
    return f"date({compiler.process(moment, **kw)}, '-6 days', 'weekday 1')"


@compiles(week_of, "postgresql")
def _week_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    (moment,) = list(element.clauses)
    return (
        f"to_char(date_trunc('week', {compiler.process(moment, **kw)} AT TIME ZONE 'UTC'), "
        "'YYYY-MM-DD')"
    )


def asked_where(company_id: int, since: datetime) -> sa.ColumnElement[bool]:
    """SQL: the question is one of the company's listed questions asked at ``since`` or later
    (read on ``ix_questions_company_created``)."""
    return sa.and_(
        Question.company_id == company_id, Question.created_at >= since, question_listed()
    )


def asked(company_id: int, since: datetime, *columns: Any, name: str = "asked") -> sa.CTE:
    """CTE: the questions of ``asked_where``, with their ``id`` and ``created_at`` and the
    other ``columns`` named."""
    return (
        sa.select(Question.id, Question.created_at, *columns)
        .where(asked_where(company_id, since))
        .cte(name)
    )


def first_official(questions: sa.CTE, name: str = "first_official") -> sa.CTE:
    """CTE: ``question_id, first_at`` for each of ``questions`` (already listed) with a listed
    official answer: the time of its first (on ``ix_answers_official``)."""
    return (
        sa.select(
            Answer.question_id.label("question_id"),
            sa.func.min(Answer.created_at).label("first_at"),
        )
        .where(
            Answer.question_id.in_(sa.select(questions.c.id)),
            Answer.is_official.is_(True),
            Answer.hidden_at.is_(None),
        )
        .group_by(Answer.question_id)
        .cte(name)
    )


def ranked(
    value: Any, *partition_by: Any, names: tuple[str, str] = ("position", "total")
) -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    """Window columns ``position`` (1, 2, … among the rows whose ``value`` is not NULL, in
    ascending order; the NULL rows come after them) and ``total`` (how many are not NULL),
    within each group of ``partition_by``: what ``percentile`` reads. ``names`` labels them."""
    by = list(partition_by) or None
    nulls_last = sa.case((value.is_(None), 1), else_=0)
    position = sa.func.row_number().over(partition_by=by, order_by=[nulls_last, value])
    total = sa.func.count(value).over(partition_by=by)
    return position.label(names[0]), total.label(names[1])


def percentile(
    value: Any, position: Any, total: Any, fraction: Fraction
) -> sa.ColumnElement[float]:
    """SQL aggregate over rows carrying ``ranked``'s columns: the ``fraction`` percentile of
    ``value`` as ``percentile_cont`` gives it, or NULL when no row has a value.

    With n values in order, the rank is r = (n - 1) × fraction; the result is the value at
    ⌊r⌋ + 1 plus (r − ⌊r⌋) of the step to the next. Integer arithmetic finds the ranks, so both
    databases pick the same rows.
    """
    offset = (total - 1) * fraction.numerator
    lower = offset // fraction.denominator + 1
    remainder = offset % fraction.denominator
    low = sa.func.max(sa.case((position == lower, value)))
    high = sa.func.coalesce(sa.func.max(sa.case((position == lower + 1, value))), low)
    step = sa.func.max(remainder) * sa.literal(1.0 / fraction.denominator, sa.Float)
    return low + step * (high - low)


def whole_seconds(value: Any) -> int | None:
    """A figure of seconds from the database (float, or Decimal on PostgreSQL), rounded."""
    return None if value is None else round(float(value))


__all__ = [
    "MEDIAN",
    "P90",
    "asked",
    "asked_where",
    "first_official",
    "percentile",
    "ranked",
    "seconds_between",
    "week_of",
    "whole_seconds",
]
