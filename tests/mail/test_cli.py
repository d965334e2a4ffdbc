"""``flask mail send`` (once, or ``--loop`` until SIGTERM/SIGINT) and ``flask mail retry``."""

from __future__ import annotations

import os
import signal
from email.message import EmailMessage

import pytest

from app.mail import backends, outbox
from app.mail.backends import Backend
from tests.mail.helpers import failing_backend, make_outbox_message, outbox_row, recording_backend


def _use(app, monkeypatch, backend: type) -> type:  # noqa: ANN001
    monkeypatch.setitem(backends.BACKENDS, "test", backend)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "test")
    return backend


def test_mail_send_delivers_what_is_due_and_says_how_many(app, monkeypatch):
    recorder = _use(app, monkeypatch, recording_backend())
    first = make_outbox_message("ada@example.org")
    second = make_outbox_message("bruno@example.org")

    result = app.test_cli_runner().invoke(args=["mail", "send"])

    assert result.exit_code == 0, result.output
    assert result.output == "Sent 2 messages.\n"
    assert [email["To"] for email in recorder.sent] == ["ada@example.org", "bruno@example.org"]
    assert outbox_row(first.id).sent_at is not None
    assert outbox_row(second.id).sent_at is not None


def test_mail_send_reports_failures_and_the_messages_that_gave_up(app, monkeypatch):
    _use(app, monkeypatch, failing_backend(backends.MessageRefused("550 mailbox unavailable")))
    make_outbox_message("ada@example.org")
    stuck = make_outbox_message(
        "ghost@example.org", attempts=outbox.MAX_ATTEMPTS, last_error="SMTPDataError: 554 spam"
    )

    result = app.test_cli_runner().invoke(args=["mail", "send"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Sent 0 messages; 1 failed and will be retried.",
        "Not sent after 10 attempts, kept in the outbox (`flask mail retry` tries again): "
        "1 message",
        f"  #{stuck.id} to ghost@example.org: SMTPDataError: 554 spam",
    ]


def test_mail_retry_gives_the_messages_that_gave_up_another_round(app, monkeypatch):
    recorder = _use(app, monkeypatch, recording_backend())
    stuck = make_outbox_message("ghost@example.org", attempts=outbox.MAX_ATTEMPTS)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["mail", "send"]).output.startswith("Sent 0 messages.")

    result = runner.invoke(args=["mail", "retry"])

    assert result.output == "1 message will be tried again.\n"
    assert runner.invoke(args=["mail", "send"]).output == "Sent 1 message.\n"
    assert [email["To"] for email in recorder.sent] == ["ghost@example.org"]
    assert outbox_row(stuck.id).sent_at is not None


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_mail_send_loop_stops_cleanly_on_a_signal(app, monkeypatch, stop_signal):
    delivered: list[str] = []

    class SignalsWhileSending(Backend):
        """Delivers, and meanwhile the operator stops the sender."""

        def send(self, email: EmailMessage) -> None:
            os.kill(os.getpid(), stop_signal)
            delivered.append(email["To"])

    _use(app, monkeypatch, SignalsWhileSending)
    first = make_outbox_message("ada@example.org")
    second = make_outbox_message("bruno@example.org")
    handler_before = signal.getsignal(stop_signal)

    result = app.test_cli_runner().invoke(args=["mail", "send", "--loop", "--interval", "60"])

    assert result.exit_code == 0, result.output
    # The message in hand is finished, then the loop ends without waiting its interval.
    assert result.output.splitlines() == [
        "Sending the outbox every 60 s. Stop with Ctrl-C or SIGTERM.",
        "Sent 1 message.",
        "Stopped.",
    ]
    assert delivered == ["ada@example.org"]
    assert outbox_row(first.id).sent_at is not None
    assert outbox_row(second.id).sent_at is None  # left for the next sender
    assert signal.getsignal(stop_signal) == handler_before


def test_mail_send_loop_keeps_going_when_a_run_fails(app, monkeypatch):
    runs: list[str] = []

    def flaky(limit: int, **options: object) -> outbox.Outcome:
        runs.append("run")
        if len(runs) == 1:
            raise ConnectionError("the database restarted")
        os.kill(os.getpid(), signal.SIGTERM)
        return outbox.Outcome(sent=1)

    monkeypatch.setattr(outbox, "deliver_pending", flaky)
    monkeypatch.setattr("app.mail.cli.Stopper.wait", lambda self, seconds: None)

    result = app.test_cli_runner().invoke(args=["mail", "send", "--loop"])

    assert result.exit_code == 0, result.output
    assert runs == ["run", "run"]
    assert result.output.splitlines()[-2:] == ["Sent 1 message.", "Stopped."]
