"""MAIL_SEND=inline: what a request queued is delivered right after it, and never breaks it."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from app.extensions import db
from app.mail import backends, outbox
from app.mail.models import OutboxMessage
from tests.factories import make_user
from tests.mail.helpers import (
    failing_backend,
    links_in,
    make_outbox_message,
    outbox_row,
    read_mail,
    use_file_backend,
)


def _ask_for_a_reset_link(client, email: str = "ada@example.org"):  # noqa: ANN001, ANN202
    return client.post("/forgot-password", data={"email": email})


def _messages_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .execution_options(populate_existing=True)
        )
    )


def test_mail_a_request_queued_is_in_the_mailbox_when_the_response_arrives(
    app, client, monkeypatch, tmp_path
):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    make_user("ada", email="ada@example.org")
    db.session.commit()

    response = _ask_for_a_reset_link(client)

    assert response.status_code == 302
    (email,) = read_mail(folder)
    assert email["To"] == "ada@example.org"
    assert links_in(email)[0].startswith("http://helpsquare.test/reset-password/")
    (row,) = _messages_to("ada@example.org")
    assert row.sent_at is not None


def test_the_console_backend_shows_the_link_in_the_log(app, client, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    make_user("ada", email="ada@example.org")
    db.session.commit()
    caplog.set_level(logging.INFO, logger="app.mail")

    _ask_for_a_reset_link(client)

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "app.mail")
    assert "To: ada@example.org" in logged
    assert "http://helpsquare.test/reset-password/" in logged


def test_with_mail_send_worker_nothing_is_sent_inline(app, client, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    monkeypatch.setitem(app.config, "MAIL_SEND", "worker")
    make_user("ada", email="ada@example.org")
    db.session.commit()

    assert _ask_for_a_reset_link(client).status_code == 302

    assert read_mail(folder) == []
    (row,) = _messages_to("ada@example.org")
    assert row.sent_at is None
    # The worker's command sends it.
    assert app.test_cli_runner().invoke(args=["mail", "send"]).output == "Sent 1 message.\n"
    assert len(read_mail(folder)) == 1


def test_a_failing_backend_never_breaks_the_response_and_the_message_waits(
    app, client, monkeypatch, caplog
):
    monkeypatch.setitem(backends.BACKENDS, "failing", failing_backend(OSError("no route")))
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "failing")
    make_user("ada", email="ada@example.org")
    db.session.commit()

    response = _ask_for_a_reset_link(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    (row,) = _messages_to("ada@example.org")
    assert (row.sent_at, row.attempts, row.last_error) == (None, 1, "OSError: no route")
    assert any(r.levelno == logging.WARNING and r.name == "app.mail" for r in caplog.records)


def test_even_a_crashing_sender_never_breaks_the_response(app, client, monkeypatch, caplog):
    def crash(limit: int, **options: object) -> outbox.Outcome:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(outbox, "deliver_pending", crash)
    make_user("ada", email="ada@example.org")
    db.session.commit()

    response = _ask_for_a_reset_link(client)

    assert response.status_code == 302
    (row,) = _messages_to("ada@example.org")
    assert row.sent_at is None  # still in the outbox for the next attempt
    assert "the outbox could not be sent after the request" in caplog.text


def test_a_request_that_queued_nothing_leaves_the_outbox_alone(app, client, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    waiting = make_outbox_message("bruno@example.org")
    make_user("ada", email="ada@example.org")
    db.session.commit()

    client.get("/forgot-password")
    client.post("/sign-in", data={"login": "ada", "password": "wrong password here"})
    client.post("/forgot-password", data={"email": "nobody@example.org"})

    assert read_mail(folder) == []
    assert outbox_row(waiting.id).sent_at is None

    # The next request that queues mail sends what is due, the older message included.
    _ask_for_a_reset_link(client)

    assert [email["To"] for email in read_mail(folder)] == ["bruno@example.org", "ada@example.org"]
    assert outbox_row(waiting.id).sent_at is not None
