"""The hourly cap on notification e-mails: each person's window (``NotificationMailWindow``).

A person is sent at most ``NOTIFICATION_EMAILS_PER_HOUR`` e-mails of notifications wanted
right away in any hour, a summary counting as one. The window row keeps the times of
their last that-many e-mails and when the hour has room again; the immediate sender
(``mailer.send_due``) locks the rows of the people it serves for its whole round, so two
senders never serve one person at once and the cap holds with several of them running.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.notifications.models import EmailChoice, Notification, NotificationMailWindow

HOUR = timedelta(hours=1)


@dataclass
class Window:
    """A person's window as read (and locked) for this round."""

    user_id: int
    sent: list[datetime]
    room_at: datetime | None

    def room(self, now: datetime, cap: int) -> int:
        """How many more e-mails the person may be sent now."""
        return max(0, cap - sum(1 for moment in self.sent if moment > now - HOUR))

    def waited(self, due: list[tuple[int, datetime]]) -> bool:
        """Whether the oldest notification due became due before the hour had room: it
        waited (with whatever came after it) for a summary."""
        return bool(due) and self.room_at is not None and due[0][1] < self.room_at


def _insert() -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def open_windows(due: list[sa.ColumnElement[bool]]) -> None:
    """A window row for everyone with notifications ``due`` right away who has none yet.

    The caller commits it on its own, before the round: a sender adding someone's row holds
    it for this one statement only. In the same order in every sender (by user id), so two
    senders adding the same people wait for each other instead of deadlocking.
    """
    windows = NotificationMailWindow.__table__
    newcomers = (
        sa.select(Notification.user_id)
        .where(Notification.email == EmailChoice.IMMEDIATE, *due)
        .where(~sa.exists().where(windows.c.user_id == Notification.user_id))
        .distinct()
        .order_by(Notification.user_id)
    )
    db.session.execute(
        _insert()(windows).from_select(["user_id"], newcomers).on_conflict_do_nothing()
    )


def take_windows(now: datetime, limit: int, due: list[sa.ColumnElement[bool]]) -> list[Window]:
    """Up to ``limit`` people with notifications ``due`` right away and room in their hour,
    the longest waiting first, their window rows locked until the round commits.

    An UPDATE that changes nothing rather than a SELECT: the round's first statement then
    takes the rows' locks on PostgreSQL (rows another sender holds are skipped: that sender
    serves those people) and the one write lock on SQLite. People whose hour is full are
    not taken (nor looked at again) until it has room.
    """
    windows = NotificationMailWindow.__table__
    first_due = (
        sa.select(Notification.user_id, sa.func.min(Notification.id).label("first_id"))
        .where(Notification.email == EmailChoice.IMMEDIATE, *due)
        .group_by(Notification.user_id)
        .subquery("first_due")
    )
    chosen = (
        sa.select(windows.c.user_id)
        .join(first_due, first_due.c.user_id == windows.c.user_id)
        .where(sa.or_(windows.c.room_at.is_(None), windows.c.room_at <= now))
        .order_by(first_due.c.first_id)
        .limit(limit)
        .correlate(None)  # a subquery of its own rows, not of the UPDATE's
    )
    if db.session.get_bind().dialect.name == "postgresql":
        chosen = chosen.with_for_update(of=windows, skip_locked=True)
    rows = db.session.execute(
        sa.update(windows)
        .where(windows.c.user_id.in_(chosen))
        .values(room_at=windows.c.room_at)
        .returning(windows.c.user_id, windows.c.sent, windows.c.room_at)
    )
    return [
        Window(row.user_id, [datetime.fromisoformat(t) for t in row.sent], row.room_at)
        for row in rows
    ]


def due_of(
    user_ids: list[int], due: list[sa.ColumnElement[bool]], *, per_person: int
) -> dict[int, list[tuple[int, datetime]]]:
    """Each person's oldest notifications ``due`` right away (at most ``per_person`` each):
    id and when it was made, oldest first. One SELECT."""
    if not user_ids:
        return {}
    ranked = (
        sa.select(
            Notification.id,
            Notification.user_id,
            Notification.created_at,
            sa.func.row_number()
            .over(partition_by=Notification.user_id, order_by=Notification.id)
            .label("position"),
        )
        .where(
            Notification.user_id.in_(user_ids),
            Notification.email == EmailChoice.IMMEDIATE,
            *due,
        )
        .subquery("ranked")
    )
    rows = db.session.execute(
        sa.select(ranked.c.id, ranked.c.user_id, ranked.c.created_at)
        .where(ranked.c.position <= per_person)
        .order_by(ranked.c.id)
    )
    found: dict[int, list[tuple[int, datetime]]] = {}
    for row in rows:
        found.setdefault(row.user_id, []).append((row.id, row.created_at))
    return found


def record_sent(windows: list[Window], sent: Counter[int], now: datetime, cap: int) -> None:
    """Add this round's e-mails to each person's window, and when their hour has room
    again once it holds ``cap`` (one UPDATE for everybody)."""
    changes = []
    for window in windows:
        count = sent[window.user_id]
        if not count:
            continue
        recent = [*window.sent, *([now] * count)][-cap:]
        changes.append(
            {
                "who": window.user_id,
                "new_sent": [moment.isoformat() for moment in recent],
                "new_room_at": recent[0] + HOUR if len(recent) == cap else None,
            }
        )
    if not changes:
        return
    table = NotificationMailWindow.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.user_id == sa.bindparam("who"))
        .values(
            sent=sa.bindparam("new_sent", type_=table.c.sent.type),
            room_at=sa.bindparam("new_room_at", type_=table.c.room_at.type),
        ),
        changes,
    )
