"""E-mail: messages are built from templates and written to the outbox in the same
transaction as the change that caused them; a sender delivers them afterwards.

Services call ``queue_message``; nothing else in the app sends mail. Delivery:

- ``MAIL_SEND=inline`` (the default): right after a request that queued a message has
  finished (its service committed before the response was made), the outbox is sent
  from the request's teardown. A failure there is logged and never touches the
  response; the message waits in the outbox for the next attempt.
- ``MAIL_SEND=worker``: nothing inline; ``flask mail send --loop`` runs as its own process
  (several may run at once, see ``app.mail.outbox``).

Teardown runs before the WSGI server writes the response, so a client still waits for
what happens there. Work whose cost must not show in the response time at all (whether a
password-reset mail was written for the address typed) goes through ``after_response``:
it runs once the response has been sent, and its mail goes out as after any request.

``app.mail.backends`` builds the messages and holds the backends (``MAIL_BACKEND``).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from flask import (
    Flask,
    Response,
    after_this_request,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
)
from jinja2 import TemplateNotFound

from app.config import ConfigError
from app.extensions import db
from app.i18n import current_language, in_language
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
    language: str | None = None,
    **context: object,
) -> OutboxMessage:
    """Add a message built from ``templates/mail/<template>.txt`` (and ``.html`` when it
    exists) to the outbox; the calling service's commit makes it real.

    The subject (a lazy string: ``_l``) and the bodies are written in ``language``: the
    recipient's (``User.email_language``); None for the request's own, as for a message
    to an address that has no account yet."""
    if "\r" in to or "\n" in to:
        raise ValueError("an e-mail address cannot contain a line break")
    with in_language(language or current_language()):
        # A header is one line: a title typed by a user must not add headers of its own.
        subject = " ".join(str(subject).split())
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


def after_response(task: Callable[..., None], *args: Any) -> None:
    """Run ``task(*args)`` after the response to this request has been sent.

    The client has its whole answer before the task starts, so neither how long the task
    takes nor what it finds can show in the answer. The task runs in a request context of
    its own, made from this request's environment (``url_for`` builds the same links), with
    a database session of its own; it commits its work itself, and mail it queues is sent
    when it ends (``MAIL_SEND=inline``) or by the worker. A task that fails is logged: the
    client already has its answer. It runs when the server closes the response (WSGI's
    ``close()``, after the last byte), in the worker that served the request; should that
    process die in between, the task is lost, so it suits work a person can ask for again.
    Outside a request the task simply runs now.
    """
    if not has_request_context():
        task(*args)
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # The request's own values (strings: its address, host, scheme, path, cookies); not
    # its body, which has been read, nor objects tied to this request.
    environ: dict[str, Any] = {k: v for k, v in request.environ.items() if isinstance(v, str)}
    environ.update({"REQUEST_METHOD": "GET", "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO(b"")})
    environ.pop("CONTENT_TYPE", None)
    environ["wsgi.errors"] = request.environ.get("wsgi.errors")

    def run() -> None:
        try:
            with app.app_context(), app.request_context(environ):
                task(*args)
        except Exception:
            log.exception("work after the response failed: %s", getattr(task, "__name__", task))

    @after_this_request
    def run_once_sent(response: Response) -> Response:
        response.call_on_close(run)
        return response


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
