"""``flask notifications send [--loop]`` and ``flask notifications digest``.

E-mailed links must point at the public site: they are built for ``SERVER_NAME`` (with
``PREFERRED_URL_SCHEME``), or for ``--base-url`` when no SERVER_NAME is configured; a
``--base-url`` that is not an http(s) address of a host in ``TRUSTED_HOSTS`` (when set) is
refused before anything is read or sent (exit code 2). With
MAIL_SEND=inline the outbox is delivered when the command ends; with MAIL_SEND=worker
``flask mail send --loop`` delivers it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.sansio.utils import host_is_trusted

from app.extensions import db
from app.mail.cli import Stopper, sender_options
from app.notifications import fanout, mailer

log = logging.getLogger("app.notifications")

notifications_cli = AppGroup("notifications", help="E-mail notifications and daily digests.")

BASE_URL_HELP = "Public address e-mailed links start with, when SERVER_NAME is not set."


def _emails(count: int) -> str:
    return f"{count} e-mail{'' if count == 1 else 's'}"


def check_base_url(base_url: str) -> None:
    """Refuse, before anything is read or sent, a ``--base-url`` that e-mailed links must not
    start with: not an http(s) address of a host, or a host outside ``TRUSTED_HOSTS`` when
    that is set (the same hosts the site answers to). A usage error: exit code 2."""
    why = None
    try:
        parts = urlsplit(base_url)
        malformed = (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.username is not None
            or bool(parts.query or parts.fragment)
        )
    except ValueError:
        malformed = True
    if malformed:
        why = f"{base_url!r} is not the site's address; give it like https://help.example.com"
    else:
        trusted = current_app.config.get("TRUSTED_HOSTS")
        if not host_is_trusted(parts.netloc, trusted):
            why = (
                f"{parts.netloc} is not one of TRUSTED_HOSTS ({', '.join(trusted)}): e-mailed "
                "links must point at this site"
                if trusted
                else f"{parts.netloc!r} is not a valid host name"
            )
    if why:
        raise click.BadParameter(f"{why}. Nothing was sent.", param_hint="'--base-url'")


@contextmanager
def _site(base_url: str | None) -> Iterator[None]:
    """A request context for the public site, so ``url_for(_external=True)`` makes the
    links e-mails need; leaving it delivers the outbox (MAIL_SEND=inline)."""
    if base_url is not None:
        check_base_url(base_url)
    if not current_app.config.get("SERVER_NAME") and not base_url:
        raise click.ClickException(
            "E-mailed links need the site's address: set SERVER_NAME, or pass --base-url "
            "https://your.site"
        )
    # POST: the command writes, so on SQLite its transactions take the write lock up front
    # like a form's (app.db.begin_statement), never failing to upgrade a read lock.
    with current_app.test_request_context("/", base_url=base_url, method="POST"):
        yield


def _run(step: Callable[[], int], base_url: str | None) -> int:
    with _site(base_url):
        return step()


def _send(limit: int) -> int:
    """Tell the fan-outs deferred past their request (``app.notifications.fanout``), then
    e-mail what is due (theirs included); how many e-mails were queued."""
    fanout.tell_pending(limit)
    return mailer.send_due(limit)


@notifications_cli.command("send")
@sender_options(interval=5.0, waiting="nothing is due", batch="People to e-mail")
@click.option("--base-url", default=None, help=BASE_URL_HELP)
def send_command(loop: bool, interval: float, limit: int, base_url: str | None) -> None:
    """Write the e-mails of notifications wanted right away to the outbox (after telling
    the followers of events too widely followed to be told in their request).

    Several senders may run at once; each notification is e-mailed once, and nobody more
    than NOTIFICATION_EMAILS_PER_HOUR times an hour (the rest wait for one summary).
    """
    if not loop:
        click.echo(f"Queued {_emails(_run(lambda: _send(limit), base_url))}.")
        return
    stopper = Stopper()
    with stopper.on_signals():
        click.echo(f"E-mailing notifications every {interval:g} s. Stop with Ctrl-C or SIGTERM.")
        while not stopper.requested:
            try:
                count = _run(lambda: _send(limit), base_url)
            except click.ClickException:
                raise
            except Exception:
                # The database went away, most likely: keep going, it comes back.
                log.exception("the notification sender failed; trying again in %g s", interval)
                db.session.remove()
                count = 0
            if count:
                click.echo(f"Queued {_emails(count)}.")
            if count < limit:
                stopper.wait(interval)
    click.echo("Stopped.")


@notifications_cli.command("digest")
@click.option("--base-url", default=None, help=BASE_URL_HELP)
def digest_command(base_url: str | None) -> None:
    """Write today's daily digests (one per person per UTC day; run it at any hour, as
    often as you like: a second run the same day sends nothing new)."""
    count = _run(mailer.send_digests, base_url)
    click.echo(f"Queued {count} digest{'' if count == 1 else 's'}.")
