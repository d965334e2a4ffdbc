"""``flask webhooks send [--loop]`` and ``flask webhooks prune``: the webhook sender."""

from __future__ import annotations

import logging
import time

import click
from flask.cli import AppGroup

from app.extensions import db
from app.mail.cli import Stopper, sender_options
from app.webhooks import delivery

log = logging.getLogger("app.webhooks")

webhooks_cli = AppGroup("webhooks", help="Deliver the webhook outbox.")

# The loop prunes the delivery log this often.
PRUNE_EVERY = 3600.0


def _report(result: delivery.Outcome) -> str:
    line = f"Delivered {result.sent} webhook{'' if result.sent == 1 else 's'}"
    if result.failed:
        line += f"; {result.failed} failed"
    if result.disabled:
        line += f" ({result.disabled} endpoint{'' if result.disabled == 1 else 's'} disabled)"
    if result.withheld:
        line += f"; {result.withheld} withheld (their post was hidden)"
    return line + "."


def _run_forever(interval: float, limit: int) -> None:
    stopper = Stopper()
    last_prune = 0.0
    with stopper.on_signals():
        click.echo(f"Sending webhooks every {interval:g} s. Stop with Ctrl-C or SIGTERM.")
        while not stopper.requested:
            try:
                if time.monotonic() - last_prune >= PRUNE_EVERY:
                    delivery.prune_log()
                    last_prune = time.monotonic()
                result = delivery.deliver_pending(limit, stop=lambda: stopper.requested)
            except Exception:
                log.exception("the webhook sender failed; trying again in %g s", interval)
                db.session.remove()
                result = delivery.Outcome()
            if result.sent or result.failed or result.withheld:
                click.echo(_report(result))
            done = result.sent + result.failed + result.withheld
            if done < limit and not stopper.requested:
                stopper.wait(interval)
    click.echo("Stopped.")


@webhooks_cli.command("send")
@sender_options(interval=2.0, waiting="nothing is due", batch="Deliveries to make")
def send_command(loop: bool, interval: float, limit: int) -> None:
    """Deliver the webhooks that are due: once, or with --loop until stopped.

    Several senders may run at once; each delivery is made by one of them.
    """
    if loop:
        _run_forever(interval, limit)
        return
    click.echo(_report(delivery.deliver_pending(limit)))
    click.echo(f"{delivery.backlog()} waiting (not yet due, or retried later).")


@webhooks_cli.command("prune")
def prune_command() -> None:
    """Delete finished deliveries older than 30 days from the delivery logs."""
    count = delivery.prune_log()
    click.echo(f"Pruned {count} deliveries from the logs.")
