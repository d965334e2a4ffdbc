"""Webhooks (issue 15, item 3): company admins register HTTPS endpoints for events; each
delivery is signed (Standard Webhooks), written to an outbox with its event, sent after the
request (``WEBHOOKS_SEND=inline``) or by ``flask webhooks send --loop`` (``worker``),
retried with backoff for three days, and logged.

``services`` holds the endpoints and ``emit`` (called by the services of the events);
``delivery`` the sender; ``views`` the company admins' pages; ``cli`` the commands.
"""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, Flask, g

from app.config import ConfigError

SEND_MODES = ("inline", "worker")

bp = Blueprint("webhooks", __name__)


def init_app(app: Flask) -> None:
    from app.webhooks import models, views  # noqa: F401 - models for the schema, routes
    from app.webhooks.cli import webhooks_cli

    mode = app.config["WEBHOOKS_SEND"]
    if mode not in SEND_MODES:
        raise ConfigError(f"WEBHOOKS_SEND must be one of {', '.join(SEND_MODES)}, not {mode!r}.")
    app.register_blueprint(bp, url_prefix="/companies")
    app.cli.add_command(webhooks_cli)
    app.teardown_request(_end_transaction)


def _end_transaction(error: BaseException | None) -> None:
    """A request that wrote deliveries ends its transaction at teardown (its service
    committed; anything left is rolled back, as the mail sender does), so the sender that
    runs after the response (``app.mail.after_response``) reads from a finished request."""
    from app.extensions import db
    from app.webhooks.services import SCHEDULED

    if g.pop(SCHEDULED, False):
        with suppress(Exception):
            db.session.rollback()
