"""A company's insights (product.md, "What companies see"): for its staff and moderators,
over the last 30, 90 or 365 days.

Every figure is about the same questions: the company's listed questions
(``app.visibility.question_listed``: a hidden or merged question counts nowhere) asked in the
window, and their listed answers (a hidden answer counts nowhere). So a question asked 40 days
ago and answered yesterday is in the 90-day figures, not in the 30-day ones.

- ``weeks``: per week (Monday to Sunday, UTC; the first and the current week are partly in the
  window) the questions asked, by kind and by the asker's feeling ("feelings over time").
- ``response`` (and each product's): how many were answered officially, how many of those
  within 24 hours of asking, how many have a best answer, and the median and 90th percentile
  of the time from asking to the first listed official answer, over those answered officially
  (``measures.percentile``: as PostgreSQL's ``percentile_cont``). The shares are of the
  questions asked; ``None`` when none was.
- ``top_problems``: the open problems (status open, acknowledged or in progress) with the most
  affected users (me too), at most ``TOP_PROBLEMS``.
- ``products``: the ``response`` figures per product, and for the company in general
  (questions with no product), for those that had questions.
- ``staff``: per staff member (active, and former members who answered in the window):
  official answers to those questions, how many questions they answered officially first,
  the median time of those first answers, and how many of their answers are the best answer.

One room: the page's reads, which share the window, its visibility and its measures. Four
SELECTs, whatever the number of questions: the counts (grouped by week in SQL, at most
54 × 4 × 6 rows), the response figures (overall and per product in one UNION ALL), the top
problems, the staff. Each reads the window's questions from ``ix_questions_insights`` alone
(covering) and their official answers on ``ix_answers_official``; bench/RESULTS.md has
their cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.answers.models import Answer
from app.companies.models import Company, Membership, StaffRole
from app.db import utcnow
from app.extensions import db
from app.insights import measures
from app.insights.measures import MEDIAN, P90, seconds_between, whole_seconds
from app.products.models import Product
from app.questions.models import Feeling, Kind, Question, Status
from app.visibility import question_listed

DAYS = (30, 90, 365)
DEFAULT_DAYS = 30
TOP_PROBLEMS = 10
WITHIN_SECONDS = 24 * 3600
OPEN_PROBLEM = (Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
WEEK = timedelta(days=7)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Response:
    """How a group of questions was answered (see the module's docstring)."""

    questions: int = 0
    answered_officially: int = 0
    answered_officially_within_24h: int = 0
    best_answers: int = 0
    median_first_official_answer_seconds: int | None = None
    p90_first_official_answer_seconds: int | None = None

    @property
    def answered_officially_share(self) -> float | None:
        return _share(self.answered_officially, self.questions)

    @property
    def answered_officially_within_24h_share(self) -> float | None:
        return _share(self.answered_officially_within_24h, self.questions)

    @property
    def best_answer_share(self) -> float | None:
        return _share(self.best_answers, self.questions)


@dataclass(frozen=True)
class WeekCounts:
    """The questions asked in the week that starts on ``week`` (a Monday)."""

    week: date
    kinds: dict[Kind, int]
    feelings: dict[Feeling | None, int]  # None: the asker said no feeling

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


@dataclass(frozen=True)
class ProductFigures:
    """A product's ``Response``; ``slug`` and ``name`` None: the company in general."""

    slug: str | None
    name: str | None
    response: Response


@dataclass(frozen=True)
class ProblemRow:
    id: int
    title: str
    slug: str
    status: Status
    affected_users: int
    created_at: datetime


@dataclass(frozen=True)
class StaffFigures:
    user: User
    role: StaffRole
    active: bool  # False: no longer on the staff (their official answers stay official)
    official_answers: int
    first_official_answers: int
    median_first_official_answer_seconds: int | None
    best_answers: int


@dataclass(frozen=True)
class Insights:
    company: Company
    days: int
    since: datetime
    until: datetime
    weeks: list[WeekCounts]
    response: Response
    top_problems: list[ProblemRow] = field(default_factory=list)
    products: list[ProductFigures] = field(default_factory=list)
    staff: list[StaffFigures] = field(default_factory=list)

    @property
    def questions(self) -> int:
        return self.response.questions


def company_insights(company: Company, days: int) -> Insights:
    """The company's insights over the last ``days`` days (one of ``DAYS``): four SELECTs.
    Who may read them is the caller's to check (``Permission.COMPANY_VIEW_INSIGHTS``)."""
    if days not in DAYS:
        raise ValueError(f"days must be one of {DAYS}")
    until = utcnow()
    since = until - timedelta(days=days)
    response, products = _responses(company.id, since)
    return Insights(
        company=company,
        days=days,
        since=since,
        until=until,
        weeks=_weeks(company.id, since, until),
        response=response,
        top_problems=_top_problems(company.id, since),
        products=products,
        staff=_staff(company.id, since),
    )


# Questions by week, kind and feeling ---------------------------------------------------------


def _monday(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def _weeks(company_id: int, since: datetime, until: datetime) -> list[WeekCounts]:
    week = measures.week_of(Question.created_at)
    rows = db.session.execute(
        sa.select(week.label("week"), Question.kind, Question.feeling, sa.func.count())
        .where(Question.company_id == company_id, Question.created_at >= since, question_listed())
        .group_by(week, Question.kind, Question.feeling)
    ).all()
    weeks: dict[date, WeekCounts] = {}
    start, last = _monday(since), _monday(until)
    while start <= last:
        weeks[start] = WeekCounts(
            week=start,
            kinds=dict.fromkeys(Kind, 0),
            feelings={**dict.fromkeys(Feeling, 0), None: 0},
        )
        start += WEEK
    for monday, kind, feeling, count in rows:
        counts = weeks[date.fromisoformat(monday)]
        counts.kinds[kind] += count
        counts.feelings[feeling] += count
    return list(weeks.values())


# Response figures, overall and per product ---------------------------------------------------


def _response(row: Any) -> Response:
    return Response(
        questions=int(row.questions),
        answered_officially=int(row.answered or 0),
        answered_officially_within_24h=int(row.within or 0),
        best_answers=int(row.best),
        median_first_official_answer_seconds=whole_seconds(row.median),
        p90_first_official_answer_seconds=whole_seconds(row.p90),
    )


def _responses(company_id: int, since: datetime) -> tuple[Response, list[ProductFigures]]:
    """The ``Response`` of all the window's questions and of each product's, in one
    statement: counts over the questions asked, times over those answered officially only
    (ranked twice, overall and by product: the window functions sort the fewer rows)."""
    asked = measures.asked(company_id, since, Question.product_id, Question.best_answer_id)
    first = measures.first_official(asked)
    answered = (
        sa.select(
            asked.c.product_id,
            seconds_between(asked.c.created_at, first.c.first_at).label("seconds"),
        )
        .select_from(first.join(asked, asked.c.id == first.c.question_id))
        .cte("answered")
    )
    delays = sa.select(
        answered,
        *measures.ranked(answered.c.seconds, names=("position_all", "total_all")),
        *measures.ranked(answered.c.seconds, answered.c.product_id),
    ).cte("delays")

    def questions(*group: Any) -> sa.Subquery:
        return (
            sa.select(
                *group,
                sa.func.count().label("questions"),
                sa.func.count(asked.c.best_answer_id).label("best"),
            )
            .group_by(*group)
            .subquery()
        )

    def times(position: Any, total: Any, *group: Any) -> sa.Subquery:
        seconds = delays.c.seconds
        return (
            sa.select(
                *group,
                sa.func.count().label("answered"),
                sa.func.count(sa.case((seconds <= WITHIN_SECONDS, 1))).label("within"),
                measures.percentile(seconds, position, total, MEDIAN).label("median"),
                measures.percentile(seconds, position, total, P90).label("p90"),
            )
            .group_by(*group)
            .subquery()
        )

    def figures(counted: sa.Subquery, timed: sa.Subquery) -> list[Any]:
        return [
            counted.c.questions,
            counted.c.best,
            timed.c.answered,
            timed.c.within,
            timed.c.median,
            timed.c.p90,
        ]

    counted, timed = questions(), times(delays.c.position_all, delays.c.total_all)
    overall = sa.select(
        sa.literal(True).label("overall"),
        sa.literal(None, sa.String).label("slug"),
        sa.literal(None, sa.String).label("name"),
        *figures(counted, timed),
    ).select_from(counted.join(timed, sa.true()))
    by_product = questions(asked.c.product_id)
    timed_by_product = times(delays.c.position, delays.c.total, delays.c.product_id)
    per_product = sa.select(
        sa.literal(False).label("overall"),
        Product.slug,
        Product.name,
        *figures(by_product, timed_by_product),
    ).select_from(
        by_product.outerjoin(
            # NULL (no product) matches NULL: IS NOT DISTINCT FROM (SQLite: IS).
            timed_by_product,
            by_product.c.product_id.is_not_distinct_from(timed_by_product.c.product_id),
        ).outerjoin(Product, Product.id == by_product.c.product_id)
    )
    response, products = Response(), []
    for row in db.session.execute(sa.union_all(overall, per_product)):
        if row.overall:
            response = _response(row)
        else:
            products.append(ProductFigures(row.slug, row.name, _response(row)))
    # The busiest first; the company in general after the products with as many.
    products.sort(key=lambda f: (-f.response.questions, f.name is None, (f.name or "").casefold()))
    return response, products


# The most-affected open problems -------------------------------------------------------------


def _top_problems(company_id: int, since: datetime) -> list[ProblemRow]:
    # The ten from ix_questions_insights alone (a top-N sort of the window's open problems),
    # then their rows. MATERIALIZED keeps PostgreSQL from walking ix_questions_me_too (every
    # company's questions, the most affected first) in search of this company's.
    ranking = (
        Question.me_too_count.desc(),
        Question.created_at.desc(),
        Question.id.desc(),
    )
    top = (
        sa.select(Question.id, Question.me_too_count, Question.created_at)
        .where(
            measures.asked_where(company_id, since),
            Question.kind == Kind.PROBLEM,
            Question.status.in_(OPEN_PROBLEM),
        )
        .order_by(*ranking)
        .limit(TOP_PROBLEMS)
        .cte("top_problems")
        .prefix_with("MATERIALIZED")
    )
    rows = db.session.execute(
        sa.select(
            Question.id,
            Question.title,
            Question.slug,
            Question.status,
            Question.me_too_count,
            Question.created_at,
        )
        .where(Question.id.in_(sa.select(top.c.id)))
        .order_by(*ranking)
    ).all()
    return [ProblemRow(*row) for row in rows]


# Per staff member ----------------------------------------------------------------------------


def _staff(company_id: int, since: datetime) -> list[StaffFigures]:
    # The listed official answers to the window's questions, each with its question's time
    # and whether it is the best answer: questions on ix_questions_company_created, then
    # their official answers on ix_answers_official.
    official = (
        sa.select(
            Answer.id,
            Answer.author_id,
            seconds_between(Question.created_at, Answer.created_at).label("seconds"),
            (Question.best_answer_id == Answer.id).label("is_best"),
            sa.func.row_number()
            .over(partition_by=Answer.question_id, order_by=[Answer.created_at, Answer.id])
            .label("nth"),
        )
        .join(Question, Question.id == Answer.question_id)
        .where(
            measures.asked_where(company_id, since),
            Answer.is_official.is_(True),
            Answer.hidden_at.is_(None),
        )
        .cte("official")
    )
    firsts = (
        sa.select(
            official.c.author_id,
            official.c.seconds,
            *measures.ranked(official.c.seconds, official.c.author_id),
        )
        .where(official.c.nth == 1)
        .subquery("firsts")
    )
    by_first = (
        sa.select(
            firsts.c.author_id,
            sa.func.count().label("firsts"),
            measures.percentile(firsts.c.seconds, firsts.c.position, firsts.c.total, MEDIAN).label(
                "median"
            ),
        )
        .group_by(firsts.c.author_id)
        .subquery("by_first")
    )
    by_author = (
        sa.select(
            official.c.author_id,
            sa.func.count().label("answers"),
            sa.func.count(sa.case((official.c.is_best, 1))).label("best"),
        )
        .group_by(official.c.author_id)
        .subquery("by_author")
    )
    answers = sa.func.coalesce(by_author.c.answers, 0)
    rows = db.session.execute(
        sa.select(
            User,
            Membership.role,
            Membership.revoked_at,
            answers.label("answers"),
            by_author.c.best,
            by_first.c.firsts,
            by_first.c.median,
        )
        .join(User, User.id == Membership.user_id)
        .outerjoin(by_author, by_author.c.author_id == Membership.user_id)
        .outerjoin(by_first, by_first.c.author_id == Membership.user_id)
        .where(
            Membership.company_id == company_id,
            sa.or_(Membership.revoked_at.is_(None), by_author.c.author_id.is_not(None)),
        )
        .order_by(answers.desc(), User.username)
    ).all()
    return [
        StaffFigures(
            user=row.User,
            role=row.role,
            active=row.revoked_at is None,
            official_answers=int(row.answers),
            first_official_answers=int(row.firsts or 0),
            median_first_official_answer_seconds=whole_seconds(row.median),
            best_answers=int(row.best or 0),
        )
        for row in rows
    ]


__all__ = [
    "DAYS",
    "DEFAULT_DAYS",
    "Insights",
    "ProblemRow",
    "ProductFigures",
    "Response",
    "StaffFigures",
    "WeekCounts",
    "company_insights",
]
