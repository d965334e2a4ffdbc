"""Reads: who may still see a question, the notifications page, follow state, preferences.

``question_visible`` is the one place that says whether a recipient may still see the
question a notification is about; the fan-out, the notifications page, the immediate
mailer and the digest all use it.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.notifications.models import (
    DEFAULT_EMAIL,
    Category,
    EmailChoice,
    Follow,
    Notification,
    NotificationPreference,
)
from app.pagination import Page, decode_cursor, encode_cursor
from app.visibility import answer_listed, comment_listed, question_listed


@cache
def _alias(table: str, name: str) -> sa.Alias:
    """An alias of a table, made once: building an alias's column collection anew for every
    statement was a tenth of answering a question's CPU (five per answer, ~75 columns)."""
    return db.metadata.tables[table].alias(name)


def question_visible(
    question_id: sa.ColumnElement[Any] | int, user_id: sa.ColumnElement[Any] | int
) -> sa.ColumnElement[bool]:
    """SQL: the question ``question_id`` names exists and is listed
    (``app.visibility.question_listed``): a hidden or merged question is notified to nobody,
    listed on nobody's notifications page and e-mailed to nobody, moderators and its author
    included (they see the post itself, not notifications about it).
    """
    # Its own alias, so it never correlates with a ``questions`` the caller joined.
    question = _alias("questions", "visible_question")
    del user_id  # the same for every recipient: the one rule of app.visibility
    return sa.exists().where(question.c.id == question_id, question_listed(question))


def answer_listed_id(answer_id: sa.ColumnElement[Any] | int) -> sa.ColumnElement[bool]:
    """SQL: the answer ``answer_id`` names is listed (``app.visibility.answer_listed``)."""
    answer = _alias("answers", "visible_answer")
    return sa.exists().where(answer.c.id == answer_id, answer_listed(answer))


def comment_listed_id(comment_id: sa.ColumnElement[Any] | int) -> sa.ColumnElement[bool]:
    """SQL: the comment ``comment_id`` names is listed (``app.visibility.comment_listed``)."""
    comment = _alias("comments", "visible_comment")
    return sa.exists().where(comment.c.id == comment_id, comment_listed(comment))


def notification_visible(user_id: sa.ColumnElement[Any] | int) -> sa.ColumnElement[bool]:
    """SQL: a notification row its recipient may still see (one without a question, or
    one whose question is visible to them)."""
    return sa.and_(
        sa.or_(
            Notification.question_id.is_(None),
            question_visible(Notification.question_id, user_id),
        ),
        sa.or_(Notification.answer_id.is_(None), answer_listed_id(Notification.answer_id)),
        sa.or_(Notification.comment_id.is_(None), comment_listed_id(Notification.comment_id)),
    )


def email_verified(user_id: sa.ColumnElement[Any] | int) -> sa.ColumnElement[bool]:
    """SQL: the user's e-mail address is verified. Only verified addresses receive
    notification e-mails (immediate or digests) and invitation notices; an unverified
    account's notifications are still recorded for the app."""
    users = _alias("users", "verified_recipient")
    return sa.exists().where(users.c.id == user_id, users.c.email_verified_at.is_not(None))


def with_subjects(query: sa.Select) -> sa.Select:
    """Load what a notification's sentence names (actor, question, company, product) in
    the same SELECT."""
    return query.options(
        joinedload(Notification.actor),
        joinedload(Notification.question),
        joinedload(Notification.company),
        joinedload(Notification.product),
    )


def notifications_page(
    user: Any, *, cursor: str | None = None, limit: int = 20
) -> Page[Notification]:
    """A page of the user's notifications, newest first, with what each one names.

    One SELECT whatever the page holds; keyset on (created_at, id). Raises
    ``app.pagination.BadCursor`` for a cursor this server did not issue.
    """
    query = with_subjects(
        sa.select(Notification).where(
            Notification.user_id == user.id, notification_visible(user.id)
        )
    )
    if cursor:
        created_at, last_id = decode_cursor(cursor, datetime)
        after = sa.tuple_(sa.literal(created_at, Notification.created_at.type), sa.literal(last_id))
        query = query.where(sa.tuple_(Notification.created_at, Notification.id) < after)
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    rows = list(db.session.execute(query.limit(limit + 1)).scalars().unique())
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(rows[-1].created_at, rows[-1].id))
    return Page(rows, None)


def follow_condition(
    user_id: int,
    *,
    question_id: Any = None,
    product_id: Any = None,
    company_id: Any = None,
) -> sa.ColumnElement[bool]:
    """SQL: the user follows this target (an EXISTS other reads may put in their SELECT)."""
    return sa.exists().where(
        Follow.user_id == user_id,
        Follow.question_id == question_id
        if question_id is not None
        else Follow.product_id == product_id
        if product_id is not None
        else Follow.company_id == company_id,
    )


def is_following(
    user: Any,
    *,
    question_id: int | None = None,
    product_id: int | None = None,
    company_id: int | None = None,
) -> bool:
    """Whether the viewer follows the target: one SELECT, none for anonymous visitors."""
    if user is None or not user.is_authenticated:
        return False
    condition = follow_condition(
        user.id, question_id=question_id, product_id=product_id, company_id=company_id
    )
    return bool(db.session.execute(sa.select(condition)).scalar())


def preferences_of(user_id: int) -> dict[Category, EmailChoice]:
    """Every category's e-mail choice for the user, defaults filled in (one SELECT)."""
    chosen = dict(
        db.session.execute(
            sa.select(NotificationPreference.category, NotificationPreference.email).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {category: chosen.get(category, DEFAULT_EMAIL[category]) for category in Category}


__all__ = [
    "answer_listed_id",
    "comment_listed_id",
    "email_verified",
    "follow_condition",
    "is_following",
    "notification_visible",
    "notifications_page",
    "preferences_of",
    "question_visible",
    "with_subjects",
]
