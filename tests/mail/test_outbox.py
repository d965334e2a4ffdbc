"""The sender: due messages in order, one delivery each, failures retried with backoff."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from app import db as db_module
from app.mail import backends, outbox
from app.mail.backends import MessageRefused
from tests.mail.helpers import (
    failing_backend,
    make_outbox_message,
    outbox_row,
    recording_backend,
)

START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Helpsquare's clock, stopped at START; ``clock.move(minutes=…)`` moves it on."""

    class Clock:
        now = START

        def move(self, **delta: float) -> None:
            self.now += timedelta(**delta)

    stopped = Clock()
    monkeypatch.setattr(db_module, "CLOCK", lambda: stopped.now)
    return stopped


@pytest.fixture
def recorder(app, monkeypatch):
    backend = recording_backend()
    monkeypatch.setitem(backends.BACKENDS, "recording", backend)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "recording")
    return backend


def _use_failing(app, monkeypatch, error: Exception) -> type:  # noqa: ANN001
    backend = failing_backend(error)
    monkeypatch.setitem(backends.BACKENDS, "failing", backend)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "failing")
    return backend


def test_due_messages_go_out_oldest_first_and_are_marked_sent(clock, recorder):
    first = make_outbox_message("ada@example.org")
    second = make_outbox_message("bruno@example.org")
    later = make_outbox_message("chen@example.org", send_after=START + timedelta(minutes=5))
    done = make_outbox_message("dana@example.org", sent_at=START - timedelta(days=1))

    assert outbox.send_pending() == 2

    assert [email["To"] for email in recorder.sent] == ["ada@example.org", "bruno@example.org"]
    assert outbox_row(first.id).sent_at == START
    assert outbox_row(second.id).sent_at == START
    assert outbox_row(later.id).sent_at is None
    assert outbox_row(done.id).sent_at == START - timedelta(days=1)
    # Sent once: a second run finds nothing.
    assert outbox.send_pending() == 0
    assert len(recorder.sent) == 2


def test_a_run_sends_at_most_its_limit(clock, recorder):
    for n in range(5):
        make_outbox_message(f"user{n}@example.org")

    assert outbox.send_pending(limit=3) == 3
    assert outbox.send_pending(limit=3) == 2
    assert len(recorder.sent) == 5


def test_the_backoff_doubles_from_a_minute_up_to_six_hours():
    delays = [outbox.retry_delay(attempt) for attempt in range(1, 12)]

    assert delays[:5] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert delays[8] == timedelta(minutes=256)
    assert delays[9] == delays[10] == timedelta(hours=6)


def test_a_failed_delivery_is_retried_after_the_backoff_and_never_lost(
    app, monkeypatch, clock, recorder
):
    message = make_outbox_message("ada@example.org")
    failing = _use_failing(app, monkeypatch, ConnectionRefusedError("the server is down"))

    assert outbox.send_pending() == 0

    row = outbox_row(message.id)
    assert (row.attempts, row.sent_at) == (1, None)
    assert row.last_error == "ConnectionRefusedError: the server is down"
    assert row.send_after == START + timedelta(minutes=1)

    clock.move(seconds=59)
    assert outbox.send_pending() == 0
    assert len(failing.attempts) == 1  # not tried again before its time

    clock.move(seconds=1)
    assert outbox.send_pending() == 0
    row = outbox_row(message.id)
    assert row.attempts == 2
    assert row.send_after == clock.now + timedelta(minutes=2)

    # The server is back: the next attempt after the backoff delivers it.
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "recording")
    clock.move(minutes=2)
    assert outbox.send_pending() == 1
    assert [email["To"] for email in recorder.sent] == ["ada@example.org"]
    row = outbox_row(message.id)
    assert row.sent_at == clock.now
    assert row.attempts == 2  # the history of failures stays on the row


def test_after_the_last_attempt_the_message_stays_unsent_with_its_error(app, monkeypatch, clock):
    message = make_outbox_message("ada@example.org")
    failing = _use_failing(app, monkeypatch, OSError("disk full"))

    for _ in range(outbox.MAX_ATTEMPTS):
        assert outbox.send_pending() == 0
        clock.move(hours=6)

    clock.move(days=30)
    assert outbox.send_pending() == 0
    assert len(failing.attempts) == outbox.MAX_ATTEMPTS
    row = outbox_row(message.id)
    assert (row.attempts, row.sent_at, row.last_error) == (10, None, "OSError: disk full")
    assert [m.id for m in outbox.given_up()] == [message.id]

    # An operator gives it another round: it is due again at once.
    assert outbox.retry_given_up() == 1
    monkeypatch.setitem(backends.BACKENDS, "failing", recording_backend())
    assert outbox.send_pending() == 1
    assert outbox.given_up() == []


def test_when_the_backend_fails_the_run_stops_at_the_first_message(app, monkeypatch, clock):
    messages = [make_outbox_message(f"user{n}@example.org") for n in range(3)]
    failing = _use_failing(app, monkeypatch, TimeoutError("timed out"))

    result = outbox.deliver_pending()

    assert (result.sent, result.failed, result.backend_failed) == (0, 1, True)
    assert len(failing.attempts) == 1
    assert [outbox_row(m.id).attempts for m in messages] == [1, 0, 0]


def test_a_message_refused_on_its_own_does_not_hold_back_the_others(app, monkeypatch, clock):
    messages = [make_outbox_message(f"user{n}@example.org") for n in range(3)]
    failing = _use_failing(app, monkeypatch, MessageRefused("550 no such user"))

    result = outbox.deliver_pending()

    assert (result.sent, result.failed, result.backend_failed) == (0, 3, False)
    assert len(failing.attempts) == 3
    assert [outbox_row(m.id).last_error for m in messages] == [
        "MessageRefused: 550 no such user"
    ] * 3


def test_a_message_that_cannot_be_built_fails_alone(clock, recorder):
    broken = make_outbox_message("ada@example.org", headers="not json")
    fine = make_outbox_message("bruno@example.org")

    result = outbox.deliver_pending()

    assert (result.sent, result.failed) == (1, 1)
    assert [email["To"] for email in recorder.sent] == ["bruno@example.org"]
    assert outbox_row(broken.id).attempts == 1
    assert outbox_row(broken.id).last_error.startswith("JSONDecodeError")
    assert outbox_row(fine.id).sent_at == START


def test_a_header_with_a_line_break_fails_alone_instead_of_adding_headers(clock, recorder):
    injected = make_outbox_message(headers=json.dumps({"X-Note": "a\r\nBcc: all@example.org"}))

    result = outbox.deliver_pending()

    assert (result.sent, result.failed) == (0, 1)
    assert recorder.sent == []
    assert outbox_row(injected.id).sent_at is None
