"""Each backend delivers the message the outbox holds: console, file and SMTP."""

from __future__ import annotations

import json
import logging
import os
import smtplib
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from flask import url_for

from app import create_app
from app import db as db_module
from app.config import ConfigError
from app.extensions import db
from app.mail import outbox, queue_message
from app.mail.backends import FileBackend, build_message
from app.notifications.services import DIGEST_SCOPE, unsubscribe_token
from tests.factories import make_user
from tests.mail.helpers import (
    html_of,
    make_outbox_message,
    outbox_row,
    read_mail,
    text_of,
    use_file_backend,
)
from tests.mail.smtp_server import smtp_server

ROOT = Path(__file__).resolve().parents[2]
LINK = "https://helpsquare.test/reset-password/abc.def"


# Console ------------------------------------------------------------------------------


def test_the_console_backend_logs_the_message_and_its_links(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    message = make_outbox_message("ada@example.org", "Your link", text=f"Open {LINK} now.")
    caplog.set_level(logging.INFO, logger="app.mail")

    assert outbox.send_pending() == 1

    (record,) = [r for r in caplog.records if r.name == "app.mail"]
    assert record.levelno == logging.INFO
    assert "To: ada@example.org" in record.getMessage()
    assert "Subject: Your link" in record.getMessage()
    assert LINK in record.getMessage()
    assert outbox_row(message.id).sent_at is not None


def test_a_newcomer_running_the_app_sees_console_mail_in_the_terminal(tmp_path):
    # A fresh process, with logging configured by nobody (as under `flask run`).
    script = (
        "from app import create_app\n"
        "from app.extensions import db\n"
        "from app.mail import outbox\n"
        "from app.mail.models import OutboxMessage\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path / 'x.db'}'}})\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "    db.session.add(OutboxMessage(to_address='ada@example.org', subject='Hi',\n"
        f"                                 body_text='Open {LINK}'))\n"
        "    db.session.commit()\n"
        "    outbox.send_pending()\n"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MAIL_") and key != "DATABASE_URL"
    }

    result = subprocess.run(  # noqa: S603 - our own interpreter running our own script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "To: ada@example.org" in result.stderr
    assert LINK in result.stderr
    assert result.stderr.count(LINK) == 1  # once, not once per handler


# File ---------------------------------------------------------------------------------


def test_the_file_backend_writes_a_parseable_eml_with_both_parts_and_the_headers(
    app, monkeypatch, tmp_path
):
    folder = use_file_backend(app, monkeypatch, tmp_path / "mail")
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Helpsquare <no-reply@helpsquare.test>")
    sent_at = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    monkeypatch.setattr(db_module, "CLOCK", lambda: sent_at)
    message = make_outbox_message(
        "ada@example.org",
        "Choose a new password",
        text=f"Open {LINK} to choose one.",
        html=f'<p><a href="{LINK}">Choose one</a></p>',
        headers=json.dumps({"List-Unsubscribe": "<https://helpsquare.test/unsubscribe>"}),
    )

    assert outbox.send_pending() == 1

    (email,) = read_mail(folder)
    assert email["From"] == "Helpsquare <no-reply@helpsquare.test>"
    assert email["To"] == "ada@example.org"
    assert email["Subject"] == "Choose a new password"
    assert email["List-Unsubscribe"] == "<https://helpsquare.test/unsubscribe>"
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["Message-ID"].endswith("@helpsquare.test>")
    assert parsedate_to_datetime(email["Date"]) == sent_at
    assert email.get_content_type() == "multipart/alternative"
    assert LINK in text_of(email)
    assert f'href="{LINK}"' in html_of(email)
    assert outbox_row(message.id).sent_at == sent_at
    # Only finished files: the temporary one was renamed, nothing else is left.
    assert [path.suffix for path in folder.iterdir()] == [".eml"]


def test_a_message_without_html_is_plain_text_only(app, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    make_outbox_message(text="Just text.", html="")

    outbox.send_pending()

    (email,) = read_mail(folder)
    assert email.get_content_type() == "text/plain"
    assert email.get_content().strip() == "Just text."


def test_file_names_sort_in_the_order_the_messages_were_sent(app, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    start = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    for minutes, subject in ((0, "first"), (1, "second"), (70, "third")):
        monkeypatch.setattr(db_module, "CLOCK", lambda m=minutes: start + timedelta(minutes=m))
        make_outbox_message(subject=subject)
        outbox.send_pending()

    assert [email["Subject"] for email in read_mail(folder)] == ["first", "second", "third"]


def test_the_file_backend_defaults_to_the_instance_folder(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", "")
    assert FileBackend(app.config).directory == Path(app.instance_path, "mail")


# Building -----------------------------------------------------------------------------


def test_the_extra_headers_cannot_replace_the_messages_own(app):
    message = make_outbox_message(
        "ada@example.org",
        headers=json.dumps({"To": "mallory@example.org", "Reply-To": "help@helpsquare.test"}),
    )

    email = build_message(message, "Helpsquare <no-reply@helpsquare.test>")

    assert email.get_all("To") == ["ada@example.org"]
    assert email["Reply-To"] == "help@helpsquare.test"


def test_a_message_keeps_its_message_id_when_it_is_built_again(app):
    message = make_outbox_message()

    first = build_message(message, "Helpsquare <no-reply@helpsquare.test>")
    again = build_message(message, "Helpsquare <no-reply@helpsquare.test>")

    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"] != build_message(make_outbox_message(), "x@y.test")["Message-ID"]


def test_a_subject_with_line_breaks_becomes_one_line(app):
    user = make_user("ada")
    with app.test_request_context():  # a request of its own, with its own session
        message = queue_message(
            user.email,
            "Hello\r\nBcc: everyone@example.org",
            "password_reset",
            user=user,
            link=LINK,
            hours=1,
        )
        db.session.flush()
        email = build_message(message, "Helpsquare <no-reply@helpsquare.test>")

    assert message.subject == "Hello Bcc: everyone@example.org"
    assert email["Subject"] == "Hello Bcc: everyone@example.org"
    assert email["Bcc"] is None


def test_an_unknown_backend_or_send_mode_is_refused_at_start():
    for setting in ({"MAIL_BACKEND": "pigeon"}, {"MAIL_SEND": "sometimes"}):
        with pytest.raises(ConfigError):
            create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", **setting})


# SMTP ---------------------------------------------------------------------------------


def _use_smtp(app, monkeypatch, port: int, **settings) -> None:  # noqa: ANN001
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USE_SSL", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "")
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)


def test_the_smtp_backend_delivers_to_a_server_and_logs_in(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Helpsquare <no-reply@helpsquare.test>")
    first = make_outbox_message("ada@example.org", "One", text=f"Open {LINK}", html="<p>Hi</p>")
    second = make_outbox_message("bruno@example.org", "Two")

    with smtp_server() as (port, mailbox):
        _use_smtp(app, monkeypatch, port, MAIL_USERNAME="helpsquare", MAIL_PASSWORD="s3cret")
        sent = outbox.send_pending()

    assert sent == 2
    assert [r.recipients for r in mailbox.received] == [["ada@example.org"], ["bruno@example.org"]]
    assert {r.mail_from for r in mailbox.received} == {"no-reply@helpsquare.test"}
    assert mailbox.received[0].login == ("helpsquare", "s3cret")
    delivered = message_from_bytes(mailbox.received[0].data, policy=policy.default)
    assert delivered["Subject"] == "One"
    assert LINK in text_of(delivered)
    assert "<p>Hi</p>" in html_of(delivered)
    assert outbox_row(first.id).sent_at is not None
    assert outbox_row(second.id).sent_at is not None


def test_a_recipient_the_server_refuses_fails_alone(app, monkeypatch):
    refused = make_outbox_message("nobody@example.org", "Refused")
    fine = make_outbox_message("ada@example.org", "Fine")

    with smtp_server() as (port, mailbox):
        mailbox.refuse.add("nobody@example.org")
        _use_smtp(app, monkeypatch, port)
        result = outbox.deliver_pending()

    assert (result.sent, result.failed, result.backend_failed) == (1, 1, False)
    assert [r.recipients for r in mailbox.received] == [["ada@example.org"]]
    row = outbox_row(refused.id)
    assert row.sent_at is None
    assert row.attempts == 1
    assert "No such user here" in row.last_error
    assert outbox_row(fine.id).sent_at is not None


def test_an_unreachable_server_stops_the_run_and_loses_nothing(app, monkeypatch):
    with socket.socket() as probe:  # a port where certainly nobody listens any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _use_smtp(app, monkeypatch, port)
    first = make_outbox_message("ada@example.org")
    second = make_outbox_message("bruno@example.org")

    result = outbox.deliver_pending()

    assert (result.sent, result.failed, result.backend_failed) == (0, 1, True)
    assert outbox_row(first.id).attempts == 1
    assert "ConnectionRefusedError" in outbox_row(first.id).last_error
    assert outbox_row(second.id).attempts == 0  # not tried against a server that is down
    assert outbox_row(second.id).sent_at is None


class _FakeSMTP:
    """Stands in for smtplib.SMTP / SMTP_SSL to watch the TLS and login steps."""

    calls: list[tuple] = []

    def __init__(self, host: str, port: int, timeout: float, **kwargs: object) -> None:
        self.calls.append((type(self).__name__, host, port, timeout, sorted(kwargs)))

    def starttls(self, context: object = None) -> None:
        self.calls.append(("starttls", context is not None))

    def login(self, user: str, password: str) -> None:
        self.calls.append(("login", user, password))

    def send_message(self, message: EmailMessage) -> dict:
        self.calls.append(("send", message["To"]))
        return {}

    def quit(self) -> None:
        self.calls.append(("quit",))

    def close(self) -> None:
        self.calls.append(("close",))


def test_starttls_comes_before_the_login(app, monkeypatch):
    fake = type("SMTP", (_FakeSMTP,), {"calls": []})
    monkeypatch.setattr(smtplib, "SMTP", fake)
    _use_smtp(
        app,
        monkeypatch,
        587,
        MAIL_SERVER="smtp.example.org",
        MAIL_USE_TLS=True,
        MAIL_USERNAME="helpsquare",
        MAIL_PASSWORD="s3cret",
    )
    make_outbox_message("ada@example.org")
    make_outbox_message("bruno@example.org")

    assert outbox.send_pending() == 2

    assert fake.calls == [
        ("SMTP", "smtp.example.org", 587, 5, []),
        ("starttls", True),
        ("login", "helpsquare", "s3cret"),
        ("send", "ada@example.org"),
        ("send", "bruno@example.org"),  # one connection for the whole run
        ("quit",),
    ]


def test_ssl_connects_with_tls_from_the_start(app, monkeypatch):
    fake = type("SMTP_SSL", (_FakeSMTP,), {"calls": []})
    monkeypatch.setattr(smtplib, "SMTP_SSL", fake)
    _use_smtp(app, monkeypatch, 465, MAIL_SERVER="smtp.example.org", MAIL_USE_SSL=True)
    make_outbox_message("ada@example.org")

    assert outbox.send_pending() == 1

    assert fake.calls == [
        ("SMTP_SSL", "smtp.example.org", 465, 5, ["context"]),
        ("send", "ada@example.org"),
        ("quit",),
    ]


# List-Unsubscribe on the wire (RFC 2369, RFC 8058) ------------------------------------------


def _unsubscribe_message(app) -> str:  # noqa: ANN001
    """An outbox row with the list headers a notification e-mail carries; its link (a real
    signed one, far past the 78 characters where Python starts folding)."""
    with app.test_request_context():
        link = url_for(
            "notifications.unsubscribe",
            token=unsubscribe_token(123456, DIGEST_SCOPE),
            _external=True,
        )
    assert len(f"List-Unsubscribe: <{link}>") > 78
    make_outbox_message(
        headers=json.dumps(
            {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        )
    )
    return link


def _header_lines(wire: str) -> list[str]:
    return wire.replace("\r\n", "\n").split("\n\n", 1)[0].split("\n")


def _assert_plain_list_headers(wire: str, link: str) -> None:
    lines = _header_lines(wire)
    assert f"List-Unsubscribe: <{link}>" in lines
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
    assert "=?" not in "\n".join(lines)  # no RFC 2047 encoded word anywhere in the headers


def test_the_file_backend_writes_list_unsubscribe_as_a_plain_url(app, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    link = _unsubscribe_message(app)

    assert outbox.send_pending() == 1

    [path] = folder.glob("*.eml")
    _assert_plain_list_headers(path.read_bytes().decode("ascii"), link)


def test_the_smtp_backend_sends_list_unsubscribe_as_a_plain_url(app, monkeypatch):
    link = _unsubscribe_message(app)

    with smtp_server() as (port, mailbox):
        _use_smtp(app, monkeypatch, port)
        assert outbox.send_pending() == 1

    [received] = mailbox.received
    wire = received.data.decode("ascii")
    _assert_plain_list_headers(wire, link)
    assert f"\r\nList-Unsubscribe: <{link}>\r\n" in wire


def test_the_console_backend_shows_list_unsubscribe_as_it_would_be_sent(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    caplog.set_level(logging.INFO, logger="app.mail")
    link = _unsubscribe_message(app)

    assert outbox.send_pending() == 1

    (record,) = [r for r in caplog.records if r.name == "app.mail"]
    logged = record.getMessage().split("\n")
    assert f"List-Unsubscribe: <{link}>" in logged
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in logged
    assert "=?" not in record.getMessage()


def test_a_header_value_that_cannot_go_verbatim_is_still_folded_safely(app):
    # Not ASCII, or past RFC 5322's 998 characters a line: the standard folding is kept.
    long_link = "<https://helpsquare.test/" + "a" * 1000 + ">"
    message = make_outbox_message(
        headers=json.dumps({"List-Unsubscribe": long_link, "List-Unsubscribe-Post": "Ünïcode"})
    )

    wire = bytes(build_message(message, "Helpsquare <no-reply@helpsquare.test>"))

    assert all(len(line) <= 998 for line in wire.split(b"\n"))
    parsed = message_from_bytes(wire, policy=policy.default)
    assert (parsed["List-Unsubscribe"], parsed["List-Unsubscribe-Post"]) == (long_link, "Ünïcode")
