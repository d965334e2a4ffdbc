"""Reads for the review queue (product.md, "Review queue"): flagged posts with their reasons
and counts, the post, its author and the author's recent activity.

A page of the queue is a fixed number of SELECTs whatever its size: the flagged posts with
their post, question, company and author (1), the reasons of the current round (1), and
the authors' latest questions and answers (2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.answers.models import Answer
from app.errors import NotFound
from app.extensions import db
from app.i18n import _
from app.moderation.flag_models import Flag, FlaggedPost, FlagReason, FlagStatus
from app.pagination import Page, decode_cursor, encode_cursor
from app.questions.models import Question

# How many of the author's latest questions and answers the queue shows.
RECENT_POSTS = 3


@dataclass
class FlaggedRow:
    """One flagged post as the queue shows it."""

    flagged: FlaggedPost
    reasons: dict[FlagReason, int] = field(default_factory=dict)
    recent_questions: list[Question] = field(default_factory=list)
    recent_answers: list[Answer] = field(default_factory=list)

    @property
    def post(self) -> Any:
        return self.flagged.post

    @property
    def question(self) -> Question:
        post = self.flagged.post
        return post if isinstance(post, Question) else post.question

    @property
    def author(self) -> Any:
        return self.flagged.post.author


def _loaded() -> sa.Select:
    return sa.select(FlaggedPost).options(
        joinedload(FlaggedPost.question).joinedload(Question.author),
        joinedload(FlaggedPost.question).joinedload(Question.company),
        joinedload(FlaggedPost.answer).joinedload(Answer.author),
        joinedload(FlaggedPost.answer).joinedload(Answer.question).joinedload(Question.company),
        joinedload(FlaggedPost.resolved_by),
    )


def count_open() -> int:
    """How many flagged posts wait for a moderator: one indexed count."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(FlaggedPost)
        .where(FlaggedPost.status == FlagStatus.OPEN)
    )


def get_flagged(flagged_id: int) -> FlaggedPost:
    flagged = db.session.execute(_loaded().where(FlaggedPost.id == flagged_id)).scalar_one_or_none()
    if flagged is None:
        raise NotFound(_("There are no such flags."))
    return flagged


def get_row(flagged_id: int) -> FlaggedRow:
    return _with_details([get_flagged(flagged_id)])[0]


def list_flagged(
    status: FlagStatus = FlagStatus.OPEN, cursor: str | None = None, limit: int = 20
) -> Page[FlaggedRow]:
    """A page of flagged posts in ``status``: open ones oldest first (the queue), resolved
    ones newest first. Raises ``app.pagination.BadCursor`` for a cursor this server did not
    issue."""
    oldest_first = status is FlagStatus.OPEN
    key = sa.tuple_(FlaggedPost.created_at, FlaggedPost.id)
    query = _loaded().where(FlaggedPost.status == status)
    if cursor:
        created_at, last_id = decode_cursor(cursor, datetime)
        after = sa.tuple_(sa.literal(created_at, FlaggedPost.created_at.type), sa.literal(last_id))
        query = query.where(key > after if oldest_first else key < after)
    if oldest_first:
        query = query.order_by(FlaggedPost.created_at, FlaggedPost.id)
    else:
        query = query.order_by(FlaggedPost.created_at.desc(), FlaggedPost.id.desc())
    items = list(db.session.execute(query.limit(limit + 1)).unique().scalars())
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = encode_cursor(items[-1].created_at, items[-1].id)
    return Page(items=_with_details(items), next_cursor=next_cursor)


def reasons_of(flagged: list[FlaggedPost]) -> dict[int, dict[FlagReason, int]]:
    """Each flagged post's reasons in its current round, with how many flags gave each."""
    if not flagged:
        return {}
    rows = db.session.execute(
        sa.select(Flag.flagged_post_id, Flag.reason, sa.func.count())
        .join(FlaggedPost, FlaggedPost.id == Flag.flagged_post_id)
        .where(
            Flag.flagged_post_id.in_([f.id for f in flagged]),
            Flag.round == FlaggedPost.round,
        )
        .group_by(Flag.flagged_post_id, Flag.reason)
    ).all()
    reasons: dict[int, dict[FlagReason, int]] = {f.id: {} for f in flagged}
    for flagged_id, reason, count in rows:
        reasons[flagged_id][FlagReason(reason)] = count
    for flagged_id, found in reasons.items():
        reasons[flagged_id] = dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))
    return reasons


def _latest(model: Any, author_ids: set[int]) -> dict[int, list[Any]]:
    """The authors' latest RECENT_POSTS posts of one kind (hidden ones too: a moderator
    reads them), one SELECT."""
    if not author_ids:
        return {}
    ranked = (
        sa.select(
            model.id,
            sa.func.row_number()
            .over(partition_by=model.author_id, order_by=(model.created_at.desc(), model.id.desc()))
            .label("rank"),
        )
        .where(model.author_id.in_(author_ids))
        .subquery()
    )
    query = (
        sa.select(model)
        .join(ranked, ranked.c.id == model.id)
        .where(ranked.c.rank <= RECENT_POSTS)
        .order_by(model.created_at.desc(), model.id.desc())
    )
    if model is Answer:
        query = query.options(joinedload(Answer.question))
    found: dict[int, list[Any]] = {author_id: [] for author_id in author_ids}
    for post in db.session.execute(query).unique().scalars():
        found[post.author_id].append(post)
    return found


def _with_details(items: list[FlaggedPost]) -> list[FlaggedRow]:
    reasons = reasons_of(items)
    authors = {item.post.author_id for item in items}
    questions = _latest(Question, authors)
    answers = _latest(Answer, authors)
    return [
        FlaggedRow(
            item,
            reasons.get(item.id, {}),
            questions.get(item.post.author_id, []),
            answers.get(item.post.author_id, []),
        )
        for item in items
    ]


__all__ = ["FlaggedRow", "count_open", "get_flagged", "get_row", "list_flagged", "reasons_of"]
