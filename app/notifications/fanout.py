"""Large fan-outs, told after the commit of the request that caused them.

``services.notify`` tells an event's followers with two statements whatever their number,
but those statements write a row per follower inside the request's transaction: an answer
to a question 10,000 people follow held the write lock (SQLite) and the answerer's request
for the whole of it (bench/notify_fanout.py). Past ``services.FANOUT_INLINE_MAX`` followers
the event is written to ``notification_fanouts`` instead, in the same transaction, and told
here afterwards:

- ``MAIL_SEND=inline``: by ``inline_step`` in the request's teardown (an
  ``app.mail.add_inline_step``, registered before the notification mailer's, so the
  notifications it makes are e-mailed in the same teardown); it rolls back what the request
  left uncommitted first, so an event whose change rolled back has no row and tells nobody.
- ``MAIL_SEND=worker``: by ``flask notifications send`` (``tell_pending``), before it
  e-mails, rows taken like outbox messages (``app.mail.outbox.take_oldest``).

Each event is told and its row deleted in one transaction. Telling one twice (a crash
between the two, two senders) tells nobody twice: ``notify`` skips whoever already has the
event's notification.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import g

from app.extensions import db
from app.mail.outbox import take_oldest, work_off
from app.notifications.models import PendingFanout
from app.notifications.services import FANOUTS_QUEUED, event_from_json, tell

MAX_ATTEMPTS = 10
# SQLite: how long a taken row is kept from other senders (telling 10,000 takes a second).
LEASE = timedelta(minutes=10)
# Fan-outs told after one request: a request never drains a backlog.
INLINE_LIMIT = 5


def _ready(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(PendingFanout.send_after <= now, PendingFanout.attempts < MAX_ATTEMPTS)


def tell_pending(limit: int = 100, *, stop: Callable[[], bool] | None = None) -> int:
    """Tell up to ``limit`` deferred events, oldest first, one commit each; how many."""
    locked = db.session.get_bind().dialect.name == "postgresql"
    done = 0
    while done < limit and not (stop and stop()):
        row = take_oldest(db.session, PendingFanout, _ready, lease=LEASE, locked=locked)
        if row is None:
            break
        stored = row.event
        done += work_off(db.session, PendingFanout, row, lambda e=stored: tell(event_from_json(e)))
    db.session.commit()
    return done


def inline_step() -> None:
    """The teardown step (``MAIL_SEND=inline``): after a request that deferred a fan-out,
    tell what is pending (committed rows only), at most ``INLINE_LIMIT`` events."""
    if not g.pop(FANOUTS_QUEUED, False):
        return
    db.session.rollback()  # only what the request committed
    tell_pending(INLINE_LIMIT)
