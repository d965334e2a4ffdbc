"""Points (product.md, "Reputation"), changed in the same transaction as their cause.

The rules, in plain words:

- An answer's author earns +10 for each helpful vote it receives, and loses them when the
  vote is withdrawn.
- +25 when their answer is chosen as the best answer; when the asker chooses another answer
  the points move to its author, and when they unmark it the points go.
- +15 when a company endorses their answer (withdrawn: the points go).
- An asker earns +2 for each "me too" on their question (withdrawn: the points go).
- An official answer earns its author nothing: staff are paid to answer. Nobody earns
  points from their own act either: an asker choosing their own answer as the best one, a
  staff member endorsing their own peer answer.
- Hiding or deleting an answer takes back everything it earned; hiding or deleting a
  question takes back its "me too" points; restoring the post gives them back.
- Merging a question changes nobody's points: the answers move with their votes and
  marks, and the points stay with whoever earned them (the duplicate's best answer and
  "me too"s included, though the duplicate no longer shows them).

The services of answers, questions and moderation call these functions after their own
change and before their commit; nothing here asks the policy or commits. Each writes the
ledger (``Award``, one row per cause) and moves the stored totals (``users.reputation``,
the company's and the month's totals) with SQL increments and upserts, never
read-modify-write, so concurrent votes lose nothing. What a rule needs to know of the
answer or the question (official? hidden? whose?) is read again here, after the caller's
UPDATE locked its row: a post hidden at the same moment is seen hidden (PostgreSQL waits for
the row; SQLite lets one writer in at a time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.answers.models import Answer
from app.db import insert_if_absent, utcnow
from app.extensions import db
from app.questions.models import Question
from app.reputation import badges
from app.reputation.models import (
    ALL_TIME,
    Award,
    BadgeCode,
    CompanyTotal,
    MonthlyTotal,
    Reason,
    month_of,
)

awards = Award.__table__
_MOVED = (awards.c.user_id, awards.c.company_id, awards.c.points, awards.c.created_at)


# Helpful votes -----------------------------------------------------------------------------


def helpful_vote_given(answer_id: int, voter_id: int) -> None:
    """A vote was added on the answer (the caller incremented its count): +10 to its author,
    unless the answer is official (or the voter wrote it)."""
    answer = _answer(answer_id)
    if answer.is_official or answer.author_id == voter_id:
        return
    reputation = _to_author(Reason.HELPFUL_VOTE, answer, answer_id, actor_id=voter_id)
    if reputation is None:
        return
    candidates = []
    if answer.helpful_count == 1:  # its first vote: one more of their answers found helpful
        candidates.append(BadgeCode.HELPFUL_ANSWERS)
    if reputation >= badges.HELPFUL_VOTES * Reason.HELPFUL_VOTE.points:
        # Fewer points than 100 votes' worth means fewer than 100 votes: no need to count.
        candidates.append(BadgeCode.HELPFUL_VOTES)
    badges.consider(answer.author_id, candidates)


def helpful_vote_withdrawn(answer_id: int, voter_id: int) -> None:
    """The voter withdrew their vote: its points go."""
    _take(
        awards.c.reason == Reason.HELPFUL_VOTE.value,
        awards.c.answer_id == answer_id,
        awards.c.actor_id == voter_id,
    )


# The best answer ---------------------------------------------------------------------------


def best_answer_chosen(question_id: int, answer_id: int, chooser_id: int) -> None:
    """The answer is the question's best answer now: +25 to its author, taken from the
    author of the one chosen before (if another). Call after locking the question's row
    (``page_changed``): two choices at once then come one after the other."""
    _take(
        awards.c.reason == Reason.BEST_ANSWER.value,
        awards.c.question_id == question_id,
        awards.c.answer_id != answer_id,
    )
    answer = _answer(answer_id)
    if answer.is_official or answer.author_id == answer.asker_id:
        return
    given = _to_author(
        Reason.BEST_ANSWER, answer, answer_id, actor_id=chooser_id, question_id=question_id
    )
    if given is not None:
        badges.consider(answer.author_id, [BadgeCode.FIRST_BEST_ANSWER])


def best_answer_cleared(question_id: int) -> None:
    """The question has no best answer any more: its points go."""
    _take(awards.c.reason == Reason.BEST_ANSWER.value, awards.c.question_id == question_id)


# Endorsements ------------------------------------------------------------------------------


def endorsed(answer_id: int, endorser_id: int) -> None:
    """The company endorsed the answer (the caller's conditional UPDATE did it): +15 to its
    author, unless official or the endorser's own."""
    answer = _answer(answer_id)
    if answer.is_official or answer.author_id == endorser_id:
        return
    if _to_author(Reason.ENDORSEMENT, answer, answer_id, actor_id=endorser_id) is not None:
        badges.consider(answer.author_id, [BadgeCode.FIRST_ENDORSEMENT])


def endorsement_withdrawn(answer_id: int) -> None:
    """The endorsement was withdrawn: its points go."""
    _take(awards.c.reason == Reason.ENDORSEMENT.value, awards.c.answer_id == answer_id)


# Me too ------------------------------------------------------------------------------------


def me_too_said(question_id: int, user_id: int) -> None:
    """Someone said "me too" (the caller incremented the count): +2 to the asker."""
    question = db.session.execute(
        sa.select(Question.author_id, Question.company_id, Question.hidden_at).where(
            Question.id == question_id
        )
    ).one()
    if question.author_id == user_id:
        return
    _give(
        Reason.ME_TOO,
        user_id=question.author_id,
        company_id=question.company_id,
        question_id=question_id,
        actor_id=user_id,
        withheld=question.hidden_at is not None,
    )


def me_too_withdrawn(question_id: int, user_id: int) -> None:
    """The "me too" was withdrawn: its points go."""
    _take(
        awards.c.reason == Reason.ME_TOO.value,
        awards.c.question_id == question_id,
        awards.c.actor_id == user_id,
    )


# Hiding and restoring ----------------------------------------------------------------------


def answer_hidden(answer_id: int) -> None:
    """The answer is hidden (or deleted): everything it earned is taken back."""
    _set_withheld(awards.c.answer_id == answer_id, withheld=True)


def answer_restored(answer_id: int) -> None:
    """The answer is shown again: everything it earned comes back."""
    _set_withheld(awards.c.answer_id == answer_id, withheld=False)


def question_hidden(question_id: int) -> None:
    """The question is hidden (or deleted): its "me too" points are taken back. (Its
    answers keep theirs: they are their authors' work.)"""
    _set_withheld(_me_toos_of(question_id), withheld=True)


def question_restored(question_id: int) -> None:
    """The question is shown again: its "me too" points come back."""
    _set_withheld(_me_toos_of(question_id), withheld=False)


def _me_toos_of(question_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(awards.c.reason == Reason.ME_TOO.value, awards.c.question_id == question_id)


# The ledger and the totals -----------------------------------------------------------------


def _answer(answer_id: int) -> Any:
    """What the rules need to know of an answer, read now: its author, whether it is
    official or hidden, its helpful count, its question's asker and company."""
    return db.session.execute(
        sa.select(
            Answer.author_id,
            Answer.is_official,
            Answer.hidden_at,
            Answer.helpful_count,
            Question.author_id.label("asker_id"),
            Question.company_id,
        )
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.id == answer_id)
    ).one()


def _to_author(
    reason: Reason, answer: Any, answer_id: int, *, actor_id: int, question_id: int | None = None
) -> int | None:
    """The points of ``reason`` to the answer's author (``answer`` as ``_answer`` read it),
    withheld while the answer is hidden: ``_give``'s answer."""
    return _give(
        reason,
        user_id=answer.author_id,
        company_id=answer.company_id,
        answer_id=answer_id,
        question_id=question_id,
        actor_id=actor_id,
        withheld=answer.hidden_at is not None,
    )


def _give(reason: Reason, *, withheld: bool, **key: int | None) -> int | None:
    """Write the award (unless the same cause has one already) and, when it counts now, add
    its points to every total. The person's new reputation, or None when nothing was added
    (an award that exists, or one withheld)."""
    now = utcnow()
    values = {"reason": reason.value, "points": reason.points, "withheld": withheld, **key}
    if not insert_if_absent(db.session, awards, {**values, "created_at": now}):
        return None
    if withheld:
        return None
    moved = _Moved(key["user_id"], key["company_id"], reason.points, now)  # type: ignore[arg-type]
    return move([moved], by=1)[moved.user_id]


def _take(*condition: sa.ColumnElement[bool]) -> None:
    """Delete the awards of an undone cause; the points of those that counted go."""
    rows = db.session.execute(
        sa.delete(awards).where(*condition).returning(*_MOVED, awards.c.withheld)
    ).all()
    move([row for row in rows if not row.withheld], by=-1)


def _set_withheld(condition: sa.ColumnElement[bool], *, withheld: bool) -> None:
    """Withhold (or release) the awards of a post; their points leave (or rejoin) every
    total. Only rows that change are moved, so doing it twice moves nothing twice."""
    rows = db.session.execute(
        sa.update(awards)
        .where(condition, awards.c.withheld.is_(not withheld))
        .values(withheld=withheld)
        .returning(*_MOVED)
    ).all()
    move(rows, by=-1 if withheld else 1)


class _Moved:
    """An award's points to add or take back (a row of ``_MOVED``)."""

    __slots__ = ("company_id", "created_at", "points", "user_id")

    def __init__(self, user_id: int, company_id: int, points: int, created_at: datetime):
        self.user_id, self.company_id = user_id, company_id
        self.points, self.created_at = points, created_at


def move(rows: Sequence[Any], *, by: int) -> dict[int, int]:
    """Add (``by=1``) or take back (``by=-1``) the points of these awards: each person's
    ``users.reputation``, their company totals (all time and the award's month) and their
    site-wide month. One statement per total kind (per person for ``users``), rows in key
    order so concurrent writers lock them in the same order. The people's new reputations.
    """
    if not rows:
        return {}
    per_user: dict[int, int] = defaultdict(int)
    per_company: dict[tuple[int, int, int], int] = defaultdict(int)
    per_month: dict[tuple[int, int], int] = defaultdict(int)
    for row in rows:
        points = by * row.points
        month = month_of(row.created_at)
        per_user[row.user_id] += points
        per_company[(row.company_id, ALL_TIME, row.user_id)] += points
        per_company[(row.company_id, month, row.user_id)] += points
        per_month[(month, row.user_id)] += points
    users = db.metadata.tables["users"]
    reputations = {}
    for user_id in sorted(per_user):
        reputations[user_id] = db.session.execute(
            sa.update(users)
            .where(users.c.id == user_id)
            .values(reputation=users.c.reputation + per_user[user_id])
            .returning(users.c.reputation),
            execution_options={"synchronize_session": False},
        ).scalar_one()
    _add_up(
        CompanyTotal.__table__,
        [
            {"company_id": company, "period": period, "user_id": user, "points": points}
            for (company, period, user), points in sorted(per_company.items())
        ],
    )
    _add_up(
        MonthlyTotal.__table__,
        [
            {"period": period, "user_id": user, "points": points}
            for (period, user), points in sorted(per_month.items())
        ],
    )
    return reputations


def _add_up(table: sa.Table, rows: list[dict[str, int]]) -> None:
    """``INSERT … ON CONFLICT (key) DO UPDATE SET points = points + excluded.points``."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(rows)
    key = [column.name for column in table.primary_key.columns]
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=key, set_={"points": table.c.points + statement.excluded.points}
        )
    )


__all__ = [
    "answer_hidden",
    "answer_restored",
    "best_answer_chosen",
    "best_answer_cleared",
    "endorsed",
    "endorsement_withdrawn",
    "helpful_vote_given",
    "helpful_vote_withdrawn",
    "me_too_said",
    "me_too_withdrawn",
    "move",
    "question_hidden",
    "question_restored",
]
