"""Badges: milestones a peer reaches, each awarded once and kept for good, shown on the
profile and told as a notification (product.md, "Reputation").

Each badge has a rule in plain words (``BADGES``, shown on the badges page) and is
considered only when something that can earn it happens (``consider``, called by the
services in their transaction): an answer posted, a vote, a best answer, an endorsement,
being named a champion. What a rule counts is what shows now: hidden answers and withdrawn
votes do not count, official answers never do. A badge once awarded stays, whatever
happens to the posts that earned it.

Considering costs nothing on most writes: a vote considers a badge only when it is the
answer's first vote, or when the author's reputation is high enough for 100 votes; then one
SELECT reads which of the candidates the person holds, and one bounded count decides each
missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import LazyString

from app.answers.models import Answer
from app.db import insert_if_absent, utcnow
from app.extensions import db
from app.i18n import _, _l
from app.notifications.models import NotificationKind
from app.notifications.services import Event, notify
from app.questions.models import Question
from app.reputation.models import Award, Badge, BadgeCode, Reason

HELPFUL_ANSWERS = 10
HELPFUL_VOTES = 100
COMPANIES = 5


def _always(user_id: int) -> bool:
    """The event that asks is the milestone itself (a first best answer, …)."""
    return True


def _counted(query: sa.Select, at_least: int) -> bool:
    """Whether ``query`` has ``at_least`` rows, reading no more than that many."""
    bounded = query.limit(at_least).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(bounded)) >= at_least


def _helpful_answers(user_id: int) -> bool:
    return _counted(
        sa.select(Answer.id).where(
            Answer.author_id == user_id,
            Answer.is_official.is_(False),
            Answer.hidden_at.is_(None),
            Answer.helpful_count > 0,
        ),
        HELPFUL_ANSWERS,
    )


def _helpful_votes(user_id: int) -> bool:
    return _counted(
        sa.select(Award.id).where(
            Award.user_id == user_id,
            Award.reason == Reason.HELPFUL_VOTE,
            Award.withheld.is_(False),
        ),
        HELPFUL_VOTES,
    )


def _companies(user_id: int) -> bool:
    companies = (
        sa.select(Question.company_id)
        .join(Answer, Answer.question_id == Question.id)
        .where(
            Answer.author_id == user_id,
            Answer.is_official.is_(False),
            Answer.hidden_at.is_(None),
            Question.author_id != user_id,
        )
        .distinct()
    )
    return _counted(companies, COMPANIES)


@dataclass(frozen=True)
class BadgeRule:
    """A badge: its name, its rule in words, and whether a person has earned it now.

    The database keeps only the code; the name and rule are read in the reader's language
    each time they are shown (lazy strings, made at import)."""

    code: BadgeCode
    name: LazyString
    rule: LazyString
    earned: Callable[[int], bool]


BADGES: dict[BadgeCode, BadgeRule] = {
    rule.code: rule
    for rule in (
        BadgeRule(
            BadgeCode.FIRST_ANSWER,
            _l("First answer"),
            _l("Answered someone else's question as a fellow customer for the first time."),
            _always,
        ),
        BadgeRule(
            BadgeCode.FIRST_BEST_ANSWER,
            _l("Solved it"),
            _l("An answer of yours was chosen as the best answer for the first time."),
            _always,
        ),
        BadgeRule(
            BadgeCode.FIRST_ENDORSEMENT,
            _l("Company approved"),
            _l("A company endorsed an answer of yours for the first time."),
            _always,
        ),
        BadgeRule(
            BadgeCode.HELPFUL_ANSWERS,
            _l("Helpful"),
            _l(
                "%(num)s of your answers were each found helpful by at least one person.",
                num=HELPFUL_ANSWERS,
            ),
            _helpful_answers,
        ),
        BadgeRule(
            BadgeCode.HELPFUL_VOTES,
            _l("Trusted voice"),
            _l("Your answers received %(num)s helpful votes.", num=HELPFUL_VOTES),
            _helpful_votes,
        ),
        BadgeRule(
            BadgeCode.FIVE_COMPANIES,
            _l("Well travelled"),
            _l(
                "Answered other people's questions about %(num)s different companies.",
                num=COMPANIES,
            ),
            _companies,
        ),
        BadgeRule(
            BadgeCode.CHAMPION,
            _l("Champion"),
            _l("A company named you one of its champions."),
            _always,
        ),
    )
}


def badge_sentence(code: str) -> str:
    """How a badge's notification reads: "You earned the badge “Helpful”: …"."""
    try:
        badge = BADGES[BadgeCode(code)]
    except ValueError:
        return _("You earned a badge")
    rule = str(badge.rule)
    return _(
        "You earned the badge “%(name)s”: %(rule)s",
        name=str(badge.name),
        rule=rule[0].lower() + rule[1:],
    )


def consider(user_id: int, candidates: Iterable[BadgeCode]) -> list[BadgeCode]:
    """Award each of the candidate badges the person has earned and does not hold yet, and
    tell them (a notification each); the badges awarded now. In the caller's transaction,
    never committing. Two writes earning the same badge at once award it once (the
    primary key, and an insert that changes nothing when the row is there)."""
    wanted = list(dict.fromkeys(candidates))
    if not wanted:
        return []
    held = set(
        db.session.scalars(
            sa.select(Badge.code).where(Badge.user_id == user_id, Badge.code.in_(wanted))
        )
    )
    awarded = []
    for code in wanted:
        if code in held or not BADGES[code].earned(user_id):
            continue
        row = {"user_id": user_id, "code": code.value, "awarded_at": utcnow()}
        if insert_if_absent(db.session, Badge.__table__, row):
            notify(Event(NotificationKind.BADGE, recipient_id=user_id, detail=code.value))
            awarded.append(code)
    return awarded


def answer_posted(answer: Answer, question: Question) -> None:
    """A peer answered someone else's question (not officially): their first answer, or
    one about a new company, may earn a badge."""
    if answer.is_official or answer.author_id == question.author_id:
        return
    consider(answer.author_id, [BadgeCode.FIRST_ANSWER, BadgeCode.FIVE_COMPANIES])


__all__ = ["BADGES", "BadgeRule", "answer_posted", "badge_sentence", "consider"]
