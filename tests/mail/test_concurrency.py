"""Two senders over the same outbox at the same time send each message exactly once.

On PostgreSQL each sender locks the row it takes (``FOR UPDATE SKIP LOCKED``); on SQLite
it takes the row with a conditional UPDATE. Both are checked the same way: two real
threads, each with its own app context, session and connection, over committed rows.
Each sender holds its first message until the other one holds one too, so they
certainly overlap: a sender that waited for the other's lock would never get there, and
one that ignored it would take the same message.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from app import db as db_module
from app.db import utcnow
from app.mail import backends, outbox
from app.mail.backends import Backend
from app.mail.models import OutboxMessage

MESSAGES = 12


@pytest.fixture
def engine(app: Flask) -> Iterator[sa.Engine]:
    """An engine of the test's own: the fixtures' connection sits inside a transaction
    that is rolled back, and the senders must see committed rows."""
    engine = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], **app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db_module.configure_engine(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def committed_messages(engine: sa.Engine) -> Iterator[list[int]]:
    now = utcnow()
    with orm.Session(engine) as session:
        rows = [
            OutboxMessage(
                to_address=f"user{n}@example.org",
                subject=f"Message {n}",
                body_text="Hello",
                body_html="",
                headers="{}",
                created_at=now,
                send_after=now,
            )
            for n in range(MESSAGES)
        ]
        session.add_all(rows)
        session.commit()
        ids = [row.id for row in rows]
    yield ids
    with engine.begin() as connection:
        connection.execute(sa.delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))


def test_two_senders_at_once_send_each_message_exactly_once(
    app, monkeypatch, engine, committed_messages
):
    delivered: list[tuple[str, str]] = []
    both_hold_a_message = threading.Barrier(2, timeout=10)

    class Overlapping(Backend):
        held = False

        def send(self, email: EmailMessage) -> None:
            if not self.held:
                self.held = True
                both_hold_a_message.wait()
            delivered.append((threading.current_thread().name, email["Subject"]))

    monkeypatch.setitem(backends.BACKENDS, "overlapping", Overlapping)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "overlapping")
    results: dict[str, outbox.Outcome] = {}
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            with app.app_context(), orm.Session(engine) as session:
                name = threading.current_thread().name
                results[name] = outbox.deliver_pending(100, session=session)
        except BaseException as error:  # reported by the test below, not lost in a thread
            errors.append(error)

    threads = [threading.Thread(target=sender, name=f"sender-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    subjects = sorted(subject for _, subject in delivered)
    assert subjects == sorted(f"Message {n}" for n in range(MESSAGES))  # each exactly once
    assert {name for name, _ in delivered} == {"sender-1", "sender-2"}  # both took part
    assert sum(r.sent for r in results.values()) == MESSAGES
    assert sum(r.failed for r in results.values()) == 0
    with engine.connect() as connection:
        unsent = connection.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.id.in_(committed_messages), OutboxMessage.sent_at.is_(None))
        )
    assert unsent == 0
