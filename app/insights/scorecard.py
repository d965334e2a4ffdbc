"""The public scorecard of a company (product.md, "What companies see"): how it answered
its customers over the last 90 days, on its page and at ``GET /companies/{slug}/scorecard``.

Nobody can switch it off or edit it: there is no setting, no permission and no service that
writes it. It is computed from the posts everyone can read, and shows on every company's page
to everyone, its staff and admins included.

What each figure counts (all from listed posts only, ``app.visibility``: a hidden or merged
question, and a hidden answer, count nowhere; a merged question's answers count on the
question it was merged into):

- ``questions``: listed questions asked in the last ``WINDOW_DAYS`` (90) days.
- ``answered_officially_share``: the fraction (0–1) of those with at least one listed
  official answer; ``None`` when no question was asked.
- ``median_first_official_answer_seconds``: the median, over those questions answered
  officially, of the seconds from asking to the first listed official answer (the mean of
  the two middle ones for an even number); ``None`` when none was answered officially.
- ``problems_solved``: those of kind ``problem`` whose status is ``solved`` now.
- ``active_staff_30d``: active (unrevoked) staff memberships whose member, in the last 30
  days, posted a listed official answer on the company's questions or changed the status of
  one of them (the ``question.status_changed`` audit entries).
- ``customers_answered``: those with a listed answer by someone other than its asker that is
  not official (a peer answer; a best answer chosen is one). Shown instead of the official
  figures while the company is unclaimed, when the official figures are ``None`` / 0.

One SELECT computes it all (common table expressions and the percentile of ``measures``, so
SQLite and PostgreSQL give the same numbers). It is cached for ``SCORECARD_CACHE_SECONDS``
(600 at most) while the page cache is on, keyed by the company's ``scorecard_version``, which
every write the scorecard shows moves in its own transaction (asking; answering; best answer;
hiding, restoring, merging; statuses and kinds: ``app.questions.services.page_changed(…,
scorecard=True)``), so a new question or official answer shows at once. The window sliding
and staff joining or leaving may lag by up to the cache's time.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask import current_app
from flask_babel import get_locale

from app.answers.models import Answer
from app.companies.models import NOT_RANKED, Company, Membership
from app.db import utcnow
from app.extensions import cache, db
from app.i18n import _, ngettext
from app.insights import measures
from app.insights.measures import MEDIAN, seconds_between
from app.moderation.models import AuditEntry
from app.questions.models import Kind, Question, Status
from app.visibility import answer_listed, question_listed

log = logging.getLogger(__name__)

WINDOW_DAYS = 90
STAFF_WINDOW_DAYS = 30
CACHE_SECONDS_MAX = 600
STATUS_CHANGED = "question.status_changed"


@dataclass(frozen=True)
class Scorecard:
    window_days: int
    claimed: bool
    questions: int
    answered_officially: int
    answered_officially_share: float | None
    median_first_official_answer_seconds: int | None
    problems_solved: int
    active_staff_30d: int
    customers_answered: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _statement(company_id: int) -> sa.Select[Any]:
    now = utcnow()
    since = now - timedelta(days=WINDOW_DAYS)
    staff_since = now - timedelta(days=STAFF_WINDOW_DAYS)

    asked = measures.asked(company_id, since, Question.author_id, Question.kind, Question.status)
    first_official = measures.first_official(asked)
    seconds = seconds_between(asked.c.created_at, first_official.c.first_at)
    delays = (
        sa.select(seconds.label("seconds"), *measures.ranked(seconds))
        .select_from(first_official.join(asked, asked.c.id == first_official.c.question_id))
        .cte("delays")
    )
    median = sa.select(
        measures.percentile(delays.c.seconds, delays.c.position, delays.c.total, MEDIAN)
    )
    peer = sa.exists().where(
        Answer.question_id == asked.c.id,
        Answer.is_official.is_(False),
        Answer.hidden_at.is_(None),
        Answer.author_id != asked.c.author_id,
    )
    count = sa.func.count()
    staff_answered = (
        sa.exists()
        .where(
            Answer.author_id == Membership.user_id,
            Answer.is_official.is_(True),
            Answer.created_at >= staff_since,
            Answer.question_id.in_(sa.select(Question.id).where(Question.company_id == company_id)),
            answer_listed(),
        )
        .correlate(Membership)
    )
    staff_changed_status = (
        sa.exists()
        .where(
            AuditEntry.company_id == company_id,
            AuditEntry.created_at >= staff_since,
            AuditEntry.action == STATUS_CHANGED,
            AuditEntry.actor_id == Membership.user_id,
        )
        .correlate(Membership)
    )
    active_staff = sa.select(count).where(
        Membership.company_id == company_id,
        Membership.revoked_at.is_(None),
        sa.or_(staff_answered, staff_changed_status),
    )
    return sa.select(
        sa.select(count).select_from(asked).scalar_subquery().label("questions"),
        sa.select(count).select_from(first_official).scalar_subquery().label("official"),
        median.scalar_subquery().label("median"),
        sa.select(count)
        .select_from(asked)
        .where(asked.c.kind == Kind.PROBLEM, asked.c.status == Status.SOLVED)
        .scalar_subquery()
        .label("solved"),
        active_staff.scalar_subquery().label("staff"),
        sa.select(count).select_from(asked).where(peer).scalar_subquery().label("peers"),
    )


def rank_expression(company_id: Any) -> sa.ColumnElement[int]:
    """SQL: the company's ``official_answer_rank`` now: the median seconds to the first
    listed official answer over the window (as ``compute`` counts it), rounded, or
    ``NOT_RANKED``. ``company_id`` may be a bound value or an uncorrelated scalar subquery
    (no common table expressions: it goes inside an UPDATE)."""
    since = utcnow() - timedelta(days=WINDOW_DAYS)
    first = (
        sa.select(
            Question.created_at.label("asked_at"),
            sa.func.min(Answer.created_at).label("first_at"),
        )
        .join(Answer, Answer.question_id == Question.id)
        .where(
            Question.company_id == company_id,
            Question.created_at >= since,
            question_listed(),
            Answer.is_official.is_(True),
            Answer.hidden_at.is_(None),
        )
        .group_by(Question.id, Question.created_at)
        .subquery("first_official")
    )
    seconds = seconds_between(first.c.asked_at, first.c.first_at)
    ranked = sa.select(seconds.label("seconds"), *measures.ranked(seconds)).subquery("ranked")
    median = sa.select(
        measures.percentile(ranked.c.seconds, ranked.c.position, ranked.c.total, MEDIAN)
    ).scalar_subquery()
    return sa.func.coalesce(sa.cast(sa.func.round(median), sa.Integer), NOT_RANKED)


def scorecard_changed(company_id: Any, *, rank: bool = True) -> None:
    """A write the scorecard shows happened (in the caller's transaction): the company's
    ``scorecard_version`` moves and its ``official_answer_rank`` is set anew, in one UPDATE.
    ``company_id`` may be a scalar subquery (``page_changed`` passes its question's).

    ``rank=False``: the write cannot move the rank (a new question, which has no official
    answer yet; a peer's answer), so only the version moves. Ranking reads every official
    answer of the company's 90 days: at 100,000 questions about 25 ms on SQLite for the
    busiest company, which was most of asking's and answering's SQL (bench/RESULTS.md).
    """
    values: dict[str, Any] = {"scorecard_version": Company.scorecard_version + 1}
    if rank:
        values["official_answer_rank"] = rank_expression(company_id)
    db.session.execute(
        sa.update(Company)
        .where(Company.id == company_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def rank_all() -> int:
    """Every company's ``official_answer_rank`` anew (``flask scorecard-rank``, run every few
    minutes by cron, as the 90-day window slides past old answers): one UPDATE a company,
    one commit. Returns how many companies it ranked."""
    ids = db.session.scalars(sa.select(Company.id).order_by(Company.id)).all()
    for company_id in ids:
        db.session.execute(
            sa.update(Company)
            .where(Company.id == company_id)
            .values(official_answer_rank=rank_expression(company_id))
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return len(ids)


def compute(company: Company) -> Scorecard:
    """The company's scorecard now, from the database: one SELECT."""
    row = db.session.execute(_statement(company.id)).one()
    questions = int(row.questions or 0)
    official = int(row.official or 0)
    claimed = company.is_claimed
    if not claimed:
        # Nobody answers officially for an unclaimed company: customers' answers show instead.
        return Scorecard(
            window_days=WINDOW_DAYS,
            claimed=False,
            questions=questions,
            answered_officially=0,
            answered_officially_share=None,
            median_first_official_answer_seconds=None,
            problems_solved=int(row.solved or 0),
            active_staff_30d=0,
            customers_answered=int(row.peers or 0),
        )
    return Scorecard(
        window_days=WINDOW_DAYS,
        claimed=True,
        questions=questions,
        answered_officially=official,
        answered_officially_share=(official / questions) if questions else None,
        median_first_official_answer_seconds=(
            round(float(row.median)) if row.median is not None else None
        ),
        problems_solved=int(row.solved or 0),
        active_staff_30d=int(row.staff or 0),
        customers_answered=int(row.peers or 0),
    )


def _cache_seconds() -> int:
    if current_app.config["PAGE_CACHE_SECONDS"] <= 0:
        return 0
    return min(current_app.config.get("SCORECARD_CACHE_SECONDS", 600), CACHE_SECONDS_MAX)


def scorecard(company: Company) -> Scorecard:
    """The company's scorecard: from the cache when its ``scorecard_version`` is unchanged
    (no statement), else computed (one SELECT) and kept for up to 10 minutes."""
    seconds = _cache_seconds()
    if seconds <= 0:
        return compute(company)
    name = f"scorecard:{company.id}:{company.scorecard_version}:{int(company.is_claimed)}"
    try:
        cached = cache.get(name)
    except Exception:
        log.exception("the scorecard cache could not be read; computing instead")
        return compute(company)
    if cached is not None:
        return Scorecard(**cached)
    card = compute(company)
    try:
        cache.set(name, card.as_dict(), timeout=seconds)
    except Exception:
        log.exception("the scorecard cache could not be written")
    return card


def language() -> str:
    """The locale numbers and dates are written in: the request's (or the e-mail's), else
    English (a command, a test without a request)."""
    return str(get_locale() or "en")


def duration_words(seconds: int) -> str:
    """A duration as people say it: "under a minute", "45 minutes", "3 hours", "2 days"."""
    if seconds >= 86400:
        n = round(seconds / 86400)
        return ngettext("%(num)d day", "%(num)d days", n)
    if seconds >= 3600:
        n = round(seconds / 3600)
        return ngettext("%(num)d hour", "%(num)d hours", n)
    if seconds >= 60:
        n = round(seconds / 60)
        return ngettext("%(num)d minute", "%(num)d minutes", n)
    return _("under a minute")


def percent(share: float) -> str:
    """A fraction as a whole percentage: 0.666… → "67%" ("67 %" in Danish)."""
    return format_percent(round(share * 100) / 100, locale=language())


def number(n: int) -> str:
    """A count as the reader writes it: 12,345 (12.345 in Danish)."""
    return format_decimal(n, locale=language())


def day_month(day: Any) -> str:
    """A day as a chart's axis shows it: "1 Dec" ("1. dec." in Danish)."""
    return format_date(day, "d MMM", locale=language())


__all__ = [
    "WINDOW_DAYS",
    "Scorecard",
    "compute",
    "day_month",
    "duration_words",
    "number",
    "percent",
    "rank_all",
    "rank_expression",
    "scorecard",
    "scorecard_changed",
]
