"""Reads for reputation: the leaderboards (from the stored totals, one SELECT each, top first
on an index), a person's badges and the companies they champion, a company's champions.

A leaderboard never sums votes on a page view: it reads ``users.reputation``,
``reputation_monthly_totals`` or ``reputation_company_totals``, which the writes keep
(``app.reputation.points``). An account its owner deleted ("a former member") is on no
leaderboard and champions nothing: it names nobody any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import contains_eager

from app.accounts.models import User
from app.answers.models import Answer
from app.companies.models import Company
from app.db import utcnow
from app.errors import NotFound
from app.extensions import db
from app.i18n import _
from app.pagination import Page, decode_cursor, encode_cursor
from app.questions.models import Question
from app.reputation.badges import BADGES, BadgeRule
from app.reputation.models import (
    ALL_TIME,
    Badge,
    Champion,
    CompanyTotal,
    MonthlyTotal,
    month_of,
)
from app.visibility import answer_listed

# How many people a leaderboard shows.
LEADERBOARD_SIZE = 50


class Period(StrEnum):
    """What a leaderboard counts: this calendar month (UTC) or all time."""

    MONTH = "month"
    ALL_TIME = "all"

    @property
    def label(self) -> str:
        return _("This month") if self is Period.MONTH else _("All time")


@dataclass(frozen=True)
class Standing:
    """One line of a leaderboard: the place, the person, their points in the period, and
    (on a company's board) whether the company named them a champion."""

    rank: int
    user: User
    points: int
    champion: bool = False


def _not_former(user: Any = User) -> sa.ColumnElement[bool]:
    return user.deleted_at.is_(None)


def site_leaderboard(period: Period, *, now: datetime | None = None) -> list[Standing]:
    """The site's top people by points in the period: one SELECT."""
    if period is Period.ALL_TIME:
        users = db.session.scalars(
            sa.select(User)
            .where(User.reputation > 0, _not_former())
            .order_by(User.reputation.desc(), User.id)
            .limit(LEADERBOARD_SIZE)
        ).all()
        return [Standing(n, user, user.reputation) for n, user in enumerate(users, start=1)]
    rows = db.session.execute(
        sa.select(User, MonthlyTotal.points)
        .join(MonthlyTotal, MonthlyTotal.user_id == User.id)
        .where(
            MonthlyTotal.period == month_of(now or utcnow()),
            MonthlyTotal.points > 0,
            _not_former(),
        )
        .order_by(MonthlyTotal.points.desc(), MonthlyTotal.user_id)
        .limit(LEADERBOARD_SIZE)
    ).all()
    return [Standing(n, user, points) for n, (user, points) in enumerate(rows, start=1)]


def company_leaderboard(
    company: Company, period: Period, *, now: datetime | None = None
) -> list[Standing]:
    """The company's top people by points earned in its questions in the period, each
    marked when the company named them a champion: one SELECT."""
    wanted = ALL_TIME if period is Period.ALL_TIME else month_of(now or utcnow())
    rows = db.session.execute(
        sa.select(User, CompanyTotal.points, Champion.user_id.is_not(None))
        .join(CompanyTotal, CompanyTotal.user_id == User.id)
        .outerjoin(
            Champion,
            sa.and_(Champion.company_id == company.id, Champion.user_id == User.id),
        )
        .where(
            CompanyTotal.company_id == company.id,
            CompanyTotal.period == wanted,
            CompanyTotal.points > 0,
            _not_former(),
        )
        .order_by(CompanyTotal.points.desc(), CompanyTotal.user_id)
        .limit(LEADERBOARD_SIZE)
    ).all()
    return [
        Standing(n, user, points, bool(champion))
        for n, (user, points, champion) in enumerate(rows, start=1)
    ]


# Badges ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldBadge:
    rule: BadgeRule
    awarded_at: datetime


def badges_of(user_id: int) -> list[HeldBadge]:
    """The person's badges, the first earned first: one SELECT."""
    rows = db.session.execute(
        sa.select(Badge.code, Badge.awarded_at)
        .where(Badge.user_id == user_id)
        .order_by(Badge.awarded_at, Badge.code)
    ).all()
    return [HeldBadge(BADGES[code], awarded_at) for code, awarded_at in rows]


# Champions -------------------------------------------------------------------------------


def championed_by(user_id: int) -> list[Company]:
    """The companies that named the person a champion, by name: one SELECT."""
    return list(
        db.session.scalars(
            sa.select(Company)
            .join(Champion, Champion.company_id == Company.id)
            .where(Champion.user_id == user_id)
            .order_by(Company.name)
        )
    )


def company_with_champions(slug: str) -> tuple[Company, list[User]]:
    """The company with this slug and its champions, longest-standing first, in ONE SELECT
    (a company names at most ``champions.MAX_CHAMPIONS``); ``NotFound`` when there is none.
    For the company's page, which shows them beside its products."""
    if "\x00" in slug:  # PostgreSQL refuses NUL in text; no slug contains one anyway
        raise NotFound(_("There is no such company."))
    champion = sa.and_(Champion.user_id == User.id, _not_former())
    rows = db.session.execute(
        sa.select(Company, User)
        .outerjoin(Champion, Champion.company_id == Company.id)
        .outerjoin(User, champion)
        .where(Company.slug == slug)
        .order_by(Champion.created_at, Champion.user_id)
    ).all()
    if not rows:
        raise NotFound(_("There is no such company."))
    return rows[0][0], [user for _company, user in rows if user is not None]


def champions_page(
    company_id: int, *, cursor: str | None = None, limit: int = 20
) -> Page[Champion]:
    """A page of the company's champions, longest-standing first, each with its person (one
    SELECT). Keyset on (named at, user id); ``BadCursor`` for a cursor this server did not
    issue."""
    query = (
        sa.select(Champion)
        .join(Champion.user)
        .options(contains_eager(Champion.user))
        .where(Champion.company_id == company_id, _not_former())
    )
    if cursor:
        named_at, user_id = decode_cursor(cursor, datetime)
        after = sa.tuple_(sa.literal(named_at, Champion.created_at.type), sa.literal(user_id))
        query = query.where(sa.tuple_(Champion.created_at, Champion.user_id) > after)
    champions = list(
        db.session.scalars(query.order_by(Champion.created_at, Champion.user_id).limit(limit + 1))
    )
    if len(champions) <= limit:
        return Page(champions, None)
    champions = champions[:limit]
    last = champions[-1]
    return Page(champions, encode_cursor(last.created_at, last.user_id))


def champion_ids(company_id: int) -> frozenset[int]:
    """The ids of the company's champions: one SELECT, remembered for the request (an API
    answer names ``by_champion`` for each answer it shows)."""
    remembered = g.setdefault("champion_ids", {}) if has_app_context() else {}
    if company_id not in remembered:
        remembered[company_id] = frozenset(
            db.session.scalars(sa.select(Champion.user_id).where(Champion.company_id == company_id))
        )
    return remembered[company_id]


def by_champion(answer: Answer) -> bool:
    """Whether the answer carries the champion badge: its author is a champion of its
    question's company and it is not official (staff speak for the company already).
    Answers from ``answers_page`` know it already (read in the same SELECT)."""
    known = getattr(answer, "by_champion", None)
    if known is not None:
        return bool(known)
    if answer.is_official:
        return False
    return answer.author_id in champion_ids(answer.question.company_id)


def answered_as_peer(user_id: int, company_id: int) -> bool:
    """Whether the person has an answer shown on one of the company's questions that is not
    official: a peer who answered its questions, whom its admins may name a champion."""
    return bool(
        db.session.execute(
            sa.select(Answer.id)
            .join(Question, Question.id == Answer.question_id)
            .where(
                Answer.author_id == user_id,
                Answer.is_official.is_(False),
                Question.company_id == company_id,
                answer_listed(),
            )
            .limit(1)
        ).first()
    )


def champion_candidates(company: Company, limit: int = 10) -> list[Standing]:
    """The peers with the most points in the company's questions who are not its champions
    yet: whom its admins may want to name (one SELECT)."""
    return [
        standing
        for standing in company_leaderboard(company, Period.ALL_TIME)
        if not standing.champion
    ][:limit]


__all__ = [
    "LEADERBOARD_SIZE",
    "HeldBadge",
    "Period",
    "Standing",
    "answered_as_peer",
    "badges_of",
    "by_champion",
    "champion_candidates",
    "champion_ids",
    "championed_by",
    "champions_page",
    "company_leaderboard",
    "company_with_champions",
    "site_leaderboard",
]
