"""``flask mail send [--loop]`` and ``flask mail retry``: the outbox sender as a command."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

import click
from flask.cli import AppGroup

from app.extensions import db
from app.mail import outbox

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger("app.mail")

mail_cli = AppGroup("mail", help="Deliver the e-mail outbox.")


def _messages(count: int) -> str:
    return f"{count} message{'' if count == 1 else 's'}"


def _report(result: outbox.Outcome) -> str:
    line = f"Sent {_messages(result.sent)}"
    if result.failed:
        line += f"; {result.failed} failed and will be retried"
    return line + "."


def _report_given_up() -> None:
    stuck = outbox.given_up()
    if not stuck:
        return
    click.echo(
        f"Not sent after {outbox.MAX_ATTEMPTS} attempts, kept in the outbox "
        f"(`flask mail retry` tries again): {_messages(len(stuck))}"
    )
    for message in stuck:
        click.echo(f"  #{message.id} to {message.to_address}: {message.last_error}")


def sender_options(*, interval: float, waiting: str, batch: str) -> Callable[[F], F]:
    """The options every outbox sender's ``send`` command takes (mail, notifications,
    webhooks): ``--loop``, ``--interval`` (seconds to wait when ``waiting``) and ``--limit``
    (``batch`` at most in one run)."""

    def decorate(command: F) -> F:
        command = click.option(
            "--limit",
            type=click.IntRange(min=1),
            default=100,
            show_default=True,
            help=f"{batch} at most in one run.",
        )(command)
        command = click.option(
            "--interval",
            type=click.FloatRange(min=0),
            default=interval,
            show_default=True,
            help=f"Seconds to wait when {waiting} (with --loop).",
        )(command)
        return click.option(
            "--loop", is_flag=True, help="Keep sending until stopped (SIGTERM or Ctrl-C)."
        )(command)

    return decorate


class Stopper:
    """Turns SIGTERM and SIGINT into a request to stop after the work in hand: for every
    ``--loop`` command (this one, ``flask notifications send``)."""

    # How often a waiting loop looks whether it was asked to stop.
    TICK = 0.25

    def __init__(self) -> None:
        self.requested = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True

    @contextmanager
    def on_signals(self) -> Iterator[Stopper]:
        signals = (signal.SIGTERM, signal.SIGINT)
        previous = {sig: signal.signal(sig, self._handle) for sig in signals}
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``, waking early when asked to stop."""
        deadline = time.monotonic() + seconds
        while not self.requested:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, self.TICK))


def _run_forever(interval: float, limit: int) -> None:
    stopper = Stopper()
    with stopper.on_signals():
        click.echo(f"Sending the outbox every {interval:g} s. Stop with Ctrl-C or SIGTERM.")
        while not stopper.requested:
            try:
                result = outbox.deliver_pending(limit, stop=lambda: stopper.requested)
            except Exception:
                # The database went away, most likely: keep going, it comes back.
                log.exception("the outbox sender failed; trying again in %g s", interval)
                db.session.remove()
                result = outbox.Outcome(backend_failed=True)
            if result.sent or result.failed:
                click.echo(_report(result))
            full_batch = result.sent + result.failed >= limit and not result.backend_failed
            if not full_batch and not stopper.requested:
                stopper.wait(interval)
    click.echo("Stopped.")


@mail_cli.command("send")
@sender_options(interval=5.0, waiting="the outbox is empty", batch="Messages to send")
def send_command(loop: bool, interval: float, limit: int) -> None:
    """Deliver the messages that are due: once, or with --loop until stopped.

    Several senders may run at once; each message is sent by one of them.
    """
    if loop:
        _run_forever(interval, limit)
        return
    click.echo(_report(outbox.deliver_pending(limit)))
    _report_given_up()


@mail_cli.command("retry")
def retry_command() -> None:
    """Give the messages that failed too often another round of attempts."""
    count = outbox.retry_given_up()
    click.echo(f"{_messages(count)} will be tried again.")
