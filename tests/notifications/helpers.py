"""Readings the notification tests share."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Follow, Notification, NotificationKind
from app.questions import services as questions
from tests.factories import make_answer, make_company


def save() -> None:
    """Commit what the test arranged, so requests (their own sessions) see it."""
    db.session.commit()


def answered(user: User, n: int, title: str = "Why does it beep?") -> None:
    """``n`` answers to a question ``user`` asked, each telling them, a minute apart (newest
    last), committed."""
    question = questions.ask_question(user, make_company(), title=title, body=title)
    start = utcnow() - timedelta(hours=1)
    for i in range(n):
        answer = make_answer(question)
        notifications.notify(
            notifications.Event(
                NotificationKind.ANSWER,
                actor_id=answer.author_id,
                question_id=question.id,
                answer_id=answer.id,
                occurred_at=start + timedelta(minutes=i),
            )
        )
    save()


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def notifications_of(user: User, kind: NotificationKind | None = None) -> list[Notification]:
    """The user's notifications as the database has them now, oldest first."""
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(
        db.session.scalars(
            query.order_by(Notification.id).execution_options(populate_existing=True)
        )
    )


def recipients(kind: NotificationKind) -> set[int]:
    """Who got a notification of this kind."""
    return set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == kind)))


def unread_counter(user: User) -> int:
    """The bell's number, as stored on the user row now."""
    return db.session.scalar(sa.select(User.unread_notification_count).where(User.id == user.id))


def assert_counters_match_rows() -> None:
    """Every user's unread counter equals their unread notifications."""
    unread = (
        sa.select(sa.func.count())
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    rows = db.session.execute(sa.select(User.username, User.unread_notification_count, unread))
    assert [(name, counter) for name, counter, count in rows if counter != count] == []


def follows_of(user: User) -> list[tuple[int | None, int | None, int | None]]:
    """(question, product, company) the user follows."""
    return sorted(
        db.session.execute(
            sa.select(Follow.question_id, Follow.product_id, Follow.company_id).where(
                Follow.user_id == user.id
            )
        ).all(),
        key=str,
    )
