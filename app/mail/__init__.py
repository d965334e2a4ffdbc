"""E-mail: messages are built from templates and written to the outbox in the same
transaction as the change that caused them; a sender delivers them afterwards.

Services call ``queue_message``; nothing else in the app sends mail.
"""

from __future__ import annotations

import json

from flask import Flask, render_template
from jinja2 import TemplateNotFound

from app.extensions import db
from app.mail.models import OutboxMessage


def queue_message(
    to: str,
    subject: str,
    template: str,
    headers: dict[str, str] | None = None,
    **context: object,
) -> OutboxMessage:
    """Add a message built from ``templates/mail/<template>.txt`` (and ``.html`` when it
    exists) to the outbox; the calling service's commit makes it real."""
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
    return message


def init_app(app: Flask) -> None:
    """Delivery after each request (MAIL_SEND=inline) and the ``flask mail`` commands."""
