"""The outbox sender: delivers the messages services wrote, exactly once when it can.

Messages are taken one at a time, oldest first, and each is finished (sent, or its
failure recorded) with its own commit, so a crash can deliver at most the one message
in hand a second time, never many.

Several senders may run at once (``flask mail send --loop`` in more than one process,
and the inline sender after requests):

- on PostgreSQL a sender locks the row it takes with ``SELECT … FOR UPDATE SKIP LOCKED``
  and keeps the lock until its commit; the others skip that row;
- on SQLite (one writer at a time) a sender takes a row with a conditional ``UPDATE`` that
  moves its ``send_after`` a lease ahead, and commits before delivering; whoever's update
  changed no row lost the race. A sender that dies holding a lease frees it when the
  lease ends.

A failed delivery is never dropped: ``attempts`` goes up, ``last_error`` keeps what went
wrong, and ``send_after`` moves ahead by an exponential backoff (1, 2, 4 … minutes, at
most 6 hours). After ``MAX_ATTEMPTS`` failures the message stays in the outbox, unsent,
with its error: the sender no longer picks it up, ``flask mail send`` lists it, and
``flask mail retry`` gives it another round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm

from app.db import utcnow
from app.extensions import db
from app.mail.backends import Backend, MessageRefused, build_message, open_backend
from app.mail.models import OutboxMessage

T = TypeVar("T")

log = logging.getLogger("app.mail")

MAX_ATTEMPTS = 10
RETRY_FIRST = timedelta(minutes=1)
RETRY_LONGEST = timedelta(hours=6)
# SQLite only: how long a taken message is kept from other senders. Far longer than
# one delivery (MAIL_TIMEOUT); it only matters when a sender dies mid-delivery.
LEASE = timedelta(minutes=10)
ERROR_MAX = 2000
# SQLite: how often a sender looks for another message when others took the ones it chose.
TAKE_TRIES = 50
# Messages the inline sender delivers after one request: a request never drains a backlog.
INLINE_LIMIT = 20


@dataclass
class Outcome:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    # True when the run stopped early because the backend itself failed.
    backend_failed: bool = False


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed delivery: 1 minute, doubling
    each time, never more than 6 hours."""
    return min(RETRY_FIRST * 2 ** min(max(attempts - 1, 0), 20), RETRY_LONGEST)


def _ready(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.send_after <= now,
        OutboxMessage.attempts < MAX_ATTEMPTS,
    )


def take_oldest(
    session: orm.Session,
    model: type[T],
    ready: Callable[[datetime], sa.ColumnElement[bool]],
    *,
    lease: timedelta,
    locked: bool,
) -> T | None:
    """The oldest row of an outbox (``model``, with ``id`` and ``send_after``) that is
    ``ready`` and that no other sender holds, now held by us: every outbox's senders (mail,
    webhooks) take their work this way.

    ``locked`` (PostgreSQL): ``FOR UPDATE SKIP LOCKED`` holds it for the transaction.
    Otherwise (SQLite) a lease: ``send_after`` moves ``lease`` ahead, so no other sender
    takes it meanwhile and a sender that dies leaves it to be taken again."""
    now = utcnow()
    oldest = sa.select(model).where(ready(now)).order_by(model.id).limit(1)
    if locked:
        return session.scalars(
            oldest.with_for_update(skip_locked=True, of=model).execution_options(
                populate_existing=True
            )
        ).first()
    # SQLite: a transaction that reads and then writes can deadlock with another writer
    # (SQLite then fails at once instead of waiting), so the read ends before the claim.
    for _ in range(TAKE_TRIES):
        row_id = session.scalar(oldest.with_only_columns(model.id))
        session.commit()
        if row_id is None:
            return None
        taken = session.execute(
            sa.update(model).where(model.id == row_id, ready(now)).values(send_after=now + lease),
            execution_options={"synchronize_session": False, "preserve_rowcount": True},
        ).rowcount
        session.commit()
        if taken == 1:
            return session.get(model, row_id, populate_existing=True)
        # Another sender took it between our SELECT and UPDATE: look for the next one.
    return None  # the other senders are busy with all of it: they will send it


def work_off(session: orm.Session, model: type[Any], row: Any, work: Callable[[], None]) -> int:
    """Do a taken row's ``work`` and drop the row, in one transaction: 1. When the work
    fails, it is logged and the row waits its backoff (``attempts`` counted): 0. For work
    queues whose rows are done once and deleted (search's related questions, large
    notification fan-outs); mail and webhooks keep their rows as a record instead."""
    row_id, attempts = row.id, row.attempts
    try:
        work()
        session.execute(sa.delete(model).where(model.id == row_id))
        session.commit()
        return 1
    except Exception:
        log.exception("%s %s failed; it is tried again later", model.__tablename__, row_id)
        session.rollback()
        session.execute(
            sa.update(model)
            .where(model.id == row_id)
            .values(attempts=attempts + 1, send_after=utcnow() + retry_delay(attempts + 1)),
            execution_options={"synchronize_session": False},
        )
        session.commit()
        return 0


def _take_next(session: orm.Session, *, locked: bool) -> OutboxMessage | None:
    """The oldest message ready to go that no other sender holds, now held by us."""
    return take_oldest(session, OutboxMessage, _ready, lease=LEASE, locked=locked)


def _record_failure(
    session: orm.Session, message_id: int, attempts: int, error: BaseException
) -> None:
    """Count the failed attempt (the ``attempts``-th), keep the error, wait the backoff."""
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            attempts=OutboxMessage.attempts + 1,
            last_error=text,
            send_after=utcnow() + retry_delay(attempts),
        ),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    if attempts >= MAX_ATTEMPTS:
        log.error(
            "outbox message %s failed %s times and is no longer retried: %s",
            message_id,
            attempts,
            text,
        )
    else:
        log.warning(
            "outbox message %s failed (attempt %s), retried in %s: %s",
            message_id,
            attempts,
            retry_delay(attempts),
            text,
        )


def _deliver(
    session: orm.Session, backend: Backend, message: OutboxMessage, sender: str, *, locked: bool
) -> BaseException | None:
    """Deliver one message we hold and commit the result; the error when it failed."""
    # The row is ours (locked or leased): nobody else changes its attempts meanwhile.
    message_id, attempts = message.id, message.attempts
    email: EmailMessage | None = None
    failure: BaseException | None = None
    try:
        email = build_message(message, sender)
    except Exception as error:  # this message cannot be built; the others still can
        failure = error
    if not locked:
        # SQLite: the lease keeps the message ours. End the read transaction now, or every
        # other writer (requests too) would wait for this delivery.
        session.commit()
    if email is not None:
        try:
            backend.send(email)
        except Exception as error:
            failure = error
    if failure is not None:
        _record_failure(session, message_id, attempts + 1, failure)
        return failure
    session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(sent_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    return None


def deliver_pending(
    limit: int = 100,
    *,
    session: orm.Session | None = None,
    config: Mapping[str, Any] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Outcome:
    """Deliver up to ``limit`` messages that are due, oldest first, one commit each.

    A message refused on its own (a bad recipient) is retried later and the run goes on;
    when the backend itself fails (server unreachable, disk full) the run stops after
    recording that failure, so an outage costs one attempt, not one per message. The run
    also ends, after the message in hand, as soon as ``stop()`` says so.
    """
    session = session if session is not None else db.session
    config = config if config is not None else current_app.config
    sender = config["MAIL_DEFAULT_SENDER"]
    locked = session.get_bind().dialect.name == "postgresql"
    outcome = Outcome()
    with open_backend(config) as backend:
        while outcome.sent + outcome.failed < limit and not (stop and stop()):
            message = _take_next(session, locked=locked)
            if message is None:
                break
            error = _deliver(session, backend, message, sender, locked=locked)
            if error is None:
                outcome.sent += 1
                continue
            outcome.failed += 1
            if not isinstance(error, MessageRefused | ValueError):
                outcome.backend_failed = True
                break
    return outcome


def send_pending(limit: int = 100, *, session: orm.Session | None = None) -> int:
    """Deliver up to ``limit`` messages that are due; how many were sent.

    A failure is never lost: the message stays in the outbox with its error and is
    retried with exponential backoff (1 minute doubling up to 6 hours); after
    ``MAX_ATTEMPTS`` (10) failures it stays unsent with its last error, for
    ``flask mail send`` to report and ``flask mail retry`` to try again.
    """
    return deliver_pending(limit, session=session).sent


def given_up(session: orm.Session | None = None) -> list[OutboxMessage]:
    """Messages that failed ``MAX_ATTEMPTS`` times and wait for an operator."""
    session = session if session is not None else db.session
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts >= MAX_ATTEMPTS)
            .order_by(OutboxMessage.id)
        )
    )


def retry_given_up(session: orm.Session | None = None) -> int:
    """Give every message that gave up a fresh round of attempts, due now; how many.

    The last error stays on the row until the next attempt replaces it.
    """
    session = session if session is not None else db.session
    count = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts >= MAX_ATTEMPTS)
        .values(attempts=0, send_after=utcnow()),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    session.commit()
    return count
