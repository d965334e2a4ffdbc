"""Mail for tests: send through the file backend into a temporary folder and read it back.

Other test folders may use these too::

    folder = use_file_backend(app, monkeypatch, tmp_path)
    client.post(...)                      # the request queues mail; it is sent inline
    (message,) = read_mail(folder)
    link = links_in(message)[0]
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from app.db import utcnow
from app.extensions import db
from app.mail.backends import Backend
from app.mail.models import OutboxMessage

LINK = re.compile(r"https?://[^\s<>\"]+")


def use_file_backend(app: Flask, monkeypatch: Any, folder: Path) -> Path:
    """Deliver mail as ``.eml`` files into ``folder`` for this test only."""
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(folder))
    return folder


def read_mail(folder: Path) -> list[EmailMessage]:
    """The messages written to ``folder``, oldest first."""
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


def links_in(message: EmailMessage) -> list[str]:
    """The links in the plain-text part."""
    return LINK.findall(text_of(message))


def make_outbox_message(
    to: str = "ada@example.org",
    subject: str = "Hello from Helpsquare",
    *,
    text: str = "Open https://helpsquare.test/somewhere to see it.",
    html: str = "",
    headers: str = "{}",
    send_after: datetime | None = None,
    **fields: Any,
) -> OutboxMessage:
    """A queued message, written straight to the outbox (flushed, not committed)."""
    now = utcnow()
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers,
        created_at=fields.pop("created_at", now),
        send_after=send_after or now,
        **fields,
    )
    db.session.add(message)
    db.session.flush()
    return message


def outbox_row(message_id: int) -> OutboxMessage:
    """The row as the database has it now."""
    return db.session.execute(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .execution_options(populate_existing=True)
    ).scalar_one()


class RecordingBackend(Backend):
    """Keeps what it is given in ``sent`` (shared by every instance of one subclass)."""

    sent: list[EmailMessage]

    def send(self, email_message: EmailMessage) -> None:
        self.sent.append(email_message)


def recording_backend() -> type[RecordingBackend]:
    """A fresh recording backend class with its own list of sent messages."""
    return type("Recording", (RecordingBackend,), {"sent": []})


def failing_backend(error: Exception) -> type[Backend]:
    """A backend whose every delivery raises ``error``; ``attempts`` counts the tries."""

    class Failing(Backend):
        attempts: list[str] = []

        def send(self, email_message: EmailMessage) -> None:
            self.attempts.append(email_message["To"])
            raise error

    return Failing
