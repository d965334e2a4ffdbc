"""E-mail: messages are built from templates and written to the outbox in the same
transaction as the change that caused them; a sender delivers them afterwards.

Services call ``queue_message``; nothing else in the app sends mail. Delivery:

- ``MAIL_SEND=inline`` (the default): right after a request that queued a message has
  finished (its service committed before the response was made), the outbox is sent
  from the request's teardown. A failure there is logged and never touches the
  response; the message waits in the outbox for the next attempt.
- ``MAIL_SEND=worker``: nothing inline; ``flask mail send --loop`` runs as its own process
  (several may run at once, see ``app.mail.outbox``).

``app.mail.backends`` builds the messages and holds the backends (``MAIL_BACKEND``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import suppress

from flask import Flask, current_app, g, render_template
from jinja2 import TemplateNotFound

from app.config import ConfigError
from app.extensions import db
from app.mail import outbox
from app.mail.backends import BACKENDS
from app.mail.cli import mail_cli
from app.mail.models import OutboxMessage

log = logging.getLogger("app.mail")

SEND_MODES = ("inline", "worker")
# Set in ``g`` by ``queue_message``: only a request that queued mail sends the outbox.
_QUEUED = "mail_queued"
# Where ``add_inline_step`` keeps an app's steps (in ``app.extensions``).
_STEPS = "mail_inline_steps"


def queue_message(
    to: str,
    subject: str,
    template: str,
    headers: dict[str, str] | None = None,
    **context: object,
) -> OutboxMessage:
    """Add a message built from ``templates/mail/<template>.txt`` (and ``.html`` when it
    exists) to the outbox; the calling service's commit makes it real."""
    if "\r" in to or "\n" in to:
        raise ValueError("an e-mail address cannot contain a line break")
    # A header is one line: a title typed by a user must not add headers of its own.
    subject = " ".join(subject.split())
    context.setdefault("subject", subject)
    body_text = render_template(f"mail/{template}.txt", **context)
    try:
        body_html = render_template(f"mail/{template}.html", **context)
    except TemplateNotFound:
        body_html = ""
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=json.dumps(headers or {}),
    )
    db.session.add(message)
    setattr(g, _QUEUED, True)
    return message


def add_inline_step(app: Flask, step: Callable[[], None]) -> None:
    """Run ``step`` after each request, before the outbox is sent (MAIL_SEND=inline).

    For domains that turn what a request committed into outbox messages afterwards (the
    notification mailer): the messages a step queues go out in the same teardown. A step
    decides itself, from ``g``, whether its request gave it anything to do; it then rolls
    back what the request left uncommitted and commits its own work. A step that fails
    is logged and the next one still runs.
    """
    steps = app.extensions.setdefault(_STEPS, [])
    if step not in steps:
        steps.append(step)


def _run_inline_steps() -> None:
    for step in current_app.extensions.get(_STEPS, ()):
        try:
            step()
        except Exception:
            log.exception("an after-request mail step failed; its work waits for the worker")
            with suppress(Exception):
                db.session.rollback()


def _deliver_after_request(error: BaseException | None) -> None:
    """Send the outbox once the request that queued mail is over (MAIL_SEND=inline).

    Runs at teardown, after the view's service committed; what the request did not
    commit is rolled back first, so only committed messages ever go out. The steps of
    ``add_inline_step`` run first, so the messages they queue go out too.
    """
    if current_app.config["MAIL_SEND"] != "inline":
        g.pop(_QUEUED, None)
        return
    _run_inline_steps()
    if not g.pop(_QUEUED, False):
        return
    try:
        db.session.rollback()
        outbox.deliver_pending(outbox.INLINE_LIMIT)
    except Exception:
        log.exception("the outbox could not be sent after the request; its messages wait")
        with suppress(Exception):
            db.session.rollback()


def _show_mail_in_terminal() -> None:
    """Make the console backend's messages visible even when nobody configured logging
    (``flask run``): the ``app.mail`` logger logs at INFO, to stderr if need be."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not log.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
        )
        log.addHandler(handler)
        # Flask may later give the app's logger a handler too: print each message once.
        log.propagate = False


def _check_config(app: Flask) -> None:
    backend, mode = app.config["MAIL_BACKEND"], app.config["MAIL_SEND"]
    if backend not in BACKENDS:
        raise ConfigError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}.")
    if mode not in SEND_MODES:
        raise ConfigError(f"MAIL_SEND must be one of {', '.join(SEND_MODES)}, not {mode!r}.")


def init_app(app: Flask) -> None:
    """Delivery after each request (MAIL_SEND=inline) and the ``flask mail`` commands."""
    _check_config(app)
    _show_mail_in_terminal()
    app.teardown_request(_deliver_after_request)
    app.cli.add_command(mail_cli)
