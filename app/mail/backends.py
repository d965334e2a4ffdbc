"""Building a message from an outbox row, and the backends that deliver it.

``MAIL_BACKEND`` chooses one:

- ``console`` (the embedded default): the message, links included, goes to the log at
  INFO on the ``app.mail`` logger, so whoever runs ``make run`` reads it in the terminal;
- ``file``: one ``.eml`` file per message in ``MAIL_FILE_DIR`` (default ``instance/mail``),
  written atomically, named so that the names sort by time;
- ``smtp``: ``MAIL_SERVER``/``MAIL_PORT``, STARTTLS with ``MAIL_USE_TLS`` (or TLS from the
  start with ``MAIL_USE_SSL``), login with ``MAIL_USERNAME``/``MAIL_PASSWORD``.

A backend raises ``MessageRefused`` when only this message failed (a refused recipient);
any other exception means the backend itself is failing (server down, disk full), and the
sender stops its run instead of failing every message in turn.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import smtplib
import ssl
import tempfile
from collections.abc import Callable, Mapping
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import Policy
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr
from pathlib import Path
from types import TracebackType
from typing import Any

from flask import current_app

from app.db import utcnow
from app.mail.models import OutboxMessage

log = logging.getLogger("app.mail")

# Headers the message builds itself; the JSON column cannot replace them.
_OWN_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "auto-submitted",
    }
)


# RFC 5322: no line of a message may be longer than this (without its CRLF).
LINE_MAX = 998


class MessageRefused(Exception):
    """Only this message could not be delivered; the backend still works for others."""


class VerbatimHeader(UnstructuredHeader):
    """A header written on one line exactly as given: RFC 2369's ``List-Unsubscribe``
    (``<https://…>``) and RFC 8058's ``List-Unsubscribe-Post``.

    Python's default policy folds an unstructured value with no spaces that passes 78
    characters (a signed unsubscribe link does) into RFC 2047 encoded words
    (``=?utf-8?q?=3Chttps…?=``); mail programs do not decode those in a URL list, so the
    one-click unsubscribe would not work. An ASCII value is written as it is, on one line up
    to RFC 5322's 998 characters; anything else is folded the default way.
    """

    def fold(self, *, policy: Policy) -> str:
        line = f"{self.name}: {self}"
        if line.isascii() and len(line) <= LINE_MAX:
            return line + policy.linesep
        return super().fold(policy=policy)


def _header_factory() -> HeaderRegistry:
    registry = HeaderRegistry()
    for name in ("list-unsubscribe", "list-unsubscribe-post"):
        registry.map_to_type(name, VerbatimHeader)
    return registry


# The e-mail policy of every message: Python's default (RFC 5322, UTF-8), with the list
# headers written verbatim. smtplib and the file backend serialize with it.
POLICY = default_policy.clone(header_factory=_header_factory())


# Building -------------------------------------------------------------------------------


def sender_domain(sender: str) -> str:
    """The domain of the sender's address ("localhost" when it has none)."""
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def build_message(message: OutboxMessage, sender: str) -> EmailMessage:
    """The e-mail for an outbox row: plain text, an HTML alternative when there is one,
    the row's extra headers, a Date and a Message-ID.

    The Message-ID is derived from the row, so a message delivered again after a crash
    carries the same one and mail programs can tell it is a duplicate.
    """
    email = EmailMessage(policy=POLICY)
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    stamp = int(message.created_at.timestamp() * 1_000_000)
    email["Message-ID"] = f"<helpsquare.{message.id}.{stamp}@{sender_domain(sender)}>"
    # RFC 3834: automatic mail; vacation responders should not answer it.
    email["Auto-Submitted"] = "auto-generated"
    extra = json.loads(message.headers or "{}")
    if not isinstance(extra, dict):
        raise ValueError("the outbox row's headers are not a JSON object")
    for name, value in extra.items():
        if str(name).lower() not in _OWN_HEADERS:
            email[str(name)] = str(value)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def text_part(email: EmailMessage) -> str:
    """The plain text of a message ("" when it has none)."""
    body = email.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""


# Backends -------------------------------------------------------------------------------


class Backend:
    """Delivers messages; used as a context manager around one run of the sender."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config

    def send(self, email: EmailMessage) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Let go of connections; the default backend holds none."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class ConsoleBackend(Backend):
    """Writes each message to the log instead of sending it (the embedded default): From,
    To and Subject, the headers the message's row added (``List-Unsubscribe``…) exactly as
    they would go on the wire, and the plain text."""

    def send(self, email: EmailMessage) -> None:
        rule = "-" * 72
        extra = "".join(
            email.policy.fold(name, value)
            for name, value in email.items()
            if name.lower() not in _OWN_HEADERS
        )
        log.info(
            "E-mail (MAIL_BACKEND=console, so it is shown here and not sent)\n%s\n"
            "From: %s\nTo: %s\nSubject: %s\n%s\n%s\n%s",
            rule,
            email["From"],
            email["To"],
            email["Subject"],
            extra,
            text_part(email).rstrip("\n"),
            rule,
        )


class FileBackend(Backend):
    """Writes each message as an ``.eml`` file: to a temporary name first, then renamed,
    so a reader never sees half a message. Names start with the UTC time, then the
    process and a counter, so they sort in the order the messages were sent."""

    _sequence = itertools.count(1)

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config)
        default = Path(current_app.instance_path, "mail")
        self.directory = Path(config.get("MAIL_FILE_DIR") or default)

    def send(self, email: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S.%fZ}-{os.getpid()}-{next(self._sequence):06d}.eml"
        # A dot-name in the same directory: invisible to "*.eml", and renamed in one step.
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(bytes(email))
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.directory / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class SMTPBackend(Backend):
    """Sends through an SMTP server, reusing one connection for a whole run."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config)
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        host, port = self.config["MAIL_SERVER"], int(self.config["MAIL_PORT"])
        timeout = float(self.config.get("MAIL_TIMEOUT") or 10)
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if self.config.get("MAIL_USE_SSL"):
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if self.config.get("MAIL_USE_TLS") and not self.config.get("MAIL_USE_SSL"):
                connection.starttls(context=context)
            if self.config.get("MAIL_USERNAME"):
                connection.login(self.config["MAIL_USERNAME"], self.config.get("MAIL_PASSWORD", ""))
        except BaseException:
            connection.close()
            raise
        return connection

    def check(self) -> None:
        """Connect, STARTTLS and log in as a delivery would, then say goodbye (``flask
        doctor``)."""
        self._connect().quit()

    def send(self, email: EmailMessage) -> None:
        if self._connection is None:
            self._connection = self._connect()
        try:
            self._connection.send_message(email)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
            # The server answered and refused this message only; it is still connected.
            raise MessageRefused(str(error)) from error
        except smtplib.SMTPDataError as error:
            self._reset()
            raise MessageRefused(str(error)) from error
        except BaseException:
            self.close()
            raise

    def _reset(self) -> None:
        """After a refused DATA the server waits for a new transaction: say RSET."""
        try:
            if self._connection is not None:
                self._connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


BACKENDS: dict[str, Callable[[Mapping[str, Any]], Backend]] = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "smtp": SMTPBackend,
}


def open_backend(config: Mapping[str, Any]) -> Backend:
    """The backend ``MAIL_BACKEND`` names, ready to send."""
    name = config.get("MAIL_BACKEND") or "console"
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ValueError(f"MAIL_BACKEND={name!r} is not one of {', '.join(BACKENDS)}") from None
    return factory(config)


__all__ = [
    "BACKENDS",
    "Backend",
    "ConsoleBackend",
    "FileBackend",
    "MessageRefused",
    "SMTPBackend",
    "build_message",
    "open_backend",
    "text_part",
]
