"""Forgot your password? A single-use link by e-mail, valid one hour, that tells nobody
whether an account exists."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app import db as db_module
from app.accounts import services
from app.extensions import db
from app.mail.models import OutboxMessage
from app.tokens import Purpose, make_token
from tests.accounts.helpers import (
    client_with_cookie,
    field_error,
    find_user,
    session_cookie,
    session_version,
    sign_in,
    signed_in_username,
)
from tests.checks import snapshot
from tests.factories import PASSWORD, make_user
from tests.mail.helpers import html_of, links_in, read_mail, text_of, use_file_backend

NEW_PASSWORD = "a brand new passphrase"
SENT = "If an account uses {}, we have sent it a link to choose a new password."
START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def mailbox(app, monkeypatch, tmp_path):
    return use_file_backend(app, monkeypatch, tmp_path / "mail")


@pytest.fixture
def ada():
    user = make_user("ada", email="ada@example.org")
    # Requests run in sessions of their own; what they must see is committed.
    db.session.commit()
    return user


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = START

        def move(self, **delta: float) -> None:
            self.now += timedelta(**delta)

    stopped = Clock()
    monkeypatch.setattr(db_module, "CLOCK", lambda: stopped.now)
    return stopped


def ask(client, email: str = "ada@example.org", address: str = "127.0.0.1"):  # noqa: ANN001, ANN201
    return client.post(
        "/forgot-password", data={"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def reset_link(mailbox) -> str:  # noqa: ANN001
    """The path of the link in the newest e-mail."""
    message = read_mail(mailbox)[-1]
    return urlsplit(links_in(message)[0]).path


def choose(client, link: str, password: str = NEW_PASSWORD):  # noqa: ANN001, ANN201
    return client.post(link, data={"new_password": password})


def flashes(page: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S)]


def outbox_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))


def password_works(username: str, password: str) -> bool:
    return services.authenticate(username, password) is not None


# Asking for a link -------------------------------------------------------------------------


def test_the_sign_in_page_offers_a_way_to_reset_the_password(client):
    page = client.get("/sign-in").get_data(as_text=True)

    assert '<a href="/forgot-password">Forgot your password?</a>' in page
    form = client.get("/forgot-password")
    assert form.status_code == 200
    assert "<h1>Forgot your password?</h1>" in form.get_data(as_text=True)


def test_a_known_and_an_unknown_address_get_the_same_answer(app, client, mailbox, ada):
    before = outbox_count()

    known = ask(client, "ada@example.org")
    known_page = client.get(known.headers["Location"]).get_data(as_text=True)
    stranger = app.test_client()
    unknown = ask(stranger, "nobody@example.org")
    unknown_page = stranger.get(unknown.headers["Location"]).get_data(as_text=True)

    assert (known.status_code, unknown.status_code) == (302, 302)
    assert known.headers["Location"] == unknown.headers["Location"] == "/sign-in"
    assert flashes(known_page)[0].startswith(SENT.format("ada@example.org"))
    assert flashes(unknown_page)[0].startswith(SENT.format("nobody@example.org"))
    assert flashes(known_page)[0].replace("ada@", "nobody@") == flashes(unknown_page)[0]
    # Only the real account got mail.
    assert [m["To"] for m in read_mail(mailbox)] == ["ada@example.org"]
    assert outbox_count() == before + 1


def _statements(statements: list[str]) -> list[str]:
    return [" ".join(statement.split()) for statement in statements]


def test_a_known_and_an_unknown_address_cost_the_same_work_in_the_request(
    app, count_queries, mailbox, ada
):
    """The work that differs (finding the account, writing and sending the mail) happens
    after the response has been sent: the answer cannot tell the two apart by its time."""
    known_client, unknown_client = app.test_client(), app.test_client()
    form = {"REMOTE_ADDR": "127.0.0.1"}

    with count_queries() as known:
        known_answer = known_client.post(
            "/forgot-password", data={"email": "ada@example.org"}, environ_base=form, buffered=False
        )
    with count_queries() as unknown:
        unknown_answer = unknown_client.post(
            "/forgot-password",
            data={"email": "nobody@example.org"},
            environ_base=form,
            buffered=False,
        )

    assert (known_answer.status_code, unknown_answer.status_code) == (302, 302)
    assert _statements(known) == _statements(unknown)
    assert read_mail(mailbox) == []  # nothing is sent while the answer is being made
    known_answer.close()  # the server has sent the answer
    unknown_answer.close()
    assert [m["To"] for m in read_mail(mailbox)] == ["ada@example.org"]
    assert outbox_count() == 1


def test_with_a_mail_worker_the_link_waits_in_the_outbox_for_it(app, client, monkeypatch, ada):
    monkeypatch.setitem(app.config, "MAIL_SEND", "worker")

    ask(client, "ada@example.org")
    ask(client, "nobody@example.org")

    (message,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.to_address == "ada@example.org"
    assert message.sent_at is None
    assert "/reset-password/" in message.body_text


def test_work_that_fails_after_the_answer_is_logged_and_the_answer_stands(
    client, monkeypatch, mailbox, ada, caplog
):
    def broken(address: str) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "send_password_reset", broken)

    response = ask(client)

    assert response.status_code == 302
    assert read_mail(mailbox) == []
    assert "work after the response failed: broken" in caplog.text


def test_outside_a_request_the_work_is_done_at_once(mailbox, ada):
    services.request_password_reset("ada@example.org")

    assert outbox_count() == 1


def test_the_email_carries_a_working_link(client, mailbox, ada):
    ask(client)

    (message,) = read_mail(mailbox)
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Choose a new password for Helpsquare"
    link = links_in(message)[0]
    assert link.startswith("http://helpsquare.test/reset-password/")
    assert f'href="{link}"' in html_of(message)
    assert "The link works for 1 hour, once." in text_of(message)
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>Choose a new password</h1>" in text
    assert "For @ada." in text
    assert '<meta name="referrer" content="no-referrer">' in text


def test_the_address_is_matched_in_any_letter_case(client, mailbox, ada):
    ask(client, "  ADA@Example.ORG ")

    assert [m["To"] for m in read_mail(mailbox)] == ["ada@example.org"]


def test_an_invalid_address_is_refused_at_the_field(client, mailbox):
    before = outbox_count()

    response = ask(client, "not an address")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "email") == "Enter a valid e-mail address, like name@example.com."
    assert outbox_count() == before
    assert read_mail(mailbox) == []


def test_asking_without_a_csrf_token_sends_nothing(app, client, monkeypatch, mailbox, ada):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = outbox_count()

    response = ask(client)

    assert response.status_code == 400
    assert outbox_count() == before
    assert read_mail(mailbox) == []


def test_a_forged_host_header_cannot_redirect_the_link_elsewhere(
    app, client, monkeypatch, mailbox, ada
):
    # With SERVER_NAME set, links name it whatever Host the request claimed.
    client.post("/forgot-password", data={"email": ada.email}, headers={"Host": "evil.example"})
    assert links_in(read_mail(mailbox)[0])[0].startswith("http://helpsquare.test/")

    # With TRUSTED_HOSTS set, such a request is refused before anything is sent.
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["helpsquare.test"])
    response = client.post(
        "/forgot-password", data={"email": ada.email}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 400
    assert len(read_mail(mailbox)) == 1


# Using the link ----------------------------------------------------------------------------


def test_the_link_sets_the_new_password_signs_in_and_ends_every_other_session(
    app, client, mailbox, ada
):
    elsewhere = app.test_client()
    sign_in(elsewhere, "ada")
    copied = client_with_cookie(app, session_cookie(elsewhere))
    assert signed_in_username(copied) == "ada"
    ask(client)

    response = choose(client, reset_link(mailbox))

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Your new password is set and you are signed in." in flashes(home)[0]
    assert signed_in_username(client) == "ada"
    assert signed_in_username(elsewhere) is None
    assert signed_in_username(copied) is None
    assert session_version(ada) == 2
    assert password_works("ada", NEW_PASSWORD)
    assert not password_works("ada", PASSWORD)


def test_the_link_works_once(client, mailbox, ada):
    ask(client)
    link = reset_link(mailbox)
    assert choose(client, link).status_code == 302

    again = client.get(link)
    second_try = choose(client, link, "yet another passphrase")

    assert again.status_code == second_try.status_code == 400
    page = again.get_data(as_text=True)
    assert "That link has already been used" in unescape(page)
    assert '<a href="/forgot-password">Ask for a new link</a>' in page
    assert password_works("ada", NEW_PASSWORD)
    assert not password_works("ada", "yet another passphrase")


def test_using_one_link_ends_every_link_sent_before(client, mailbox, ada):
    ask(client)
    first = reset_link(mailbox)
    ask(client)
    second = reset_link(mailbox)

    assert choose(client, second).status_code == 302

    assert client.get(first).status_code == 400


def test_the_link_expires_after_an_hour(client, mailbox, ada, clock):
    ask(client)
    link = reset_link(mailbox)

    clock.move(minutes=59)
    assert client.get(link).status_code == 200

    clock.move(minutes=1, seconds=1)
    page = client.get(link)
    refused = choose(client, link)

    assert page.status_code == refused.status_code == 400
    assert "That link has expired." in page.get_data(as_text=True)
    assert password_works("ada", PASSWORD)


def test_the_link_dies_when_the_password_is_changed_another_way(client, mailbox, ada):
    ask(client)
    link = reset_link(mailbox)

    services.change_password(find_user("ada"), PASSWORD, "changed while signed in")

    assert client.get(link).status_code == 400
    assert choose(client, link).status_code == 400
    assert password_works("ada", "changed while signed in")


def test_a_tampered_foreign_or_made_up_link_changes_nothing(client, mailbox, ada):
    ask(client)
    token = reset_link(mailbox).rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    other_purpose = make_token(Purpose.CLAIM_VERIFY, ada.id, "1")
    nobody = make_token(Purpose.PASSWORD_RESET, 2**31 - 1, "1.0")
    before = snapshot()

    for bad in (tampered, other_purpose, nobody, "nonsense", "x" * 600):
        page = client.get(f"/reset-password/{bad}")
        posted = choose(client, f"/reset-password/{bad}")
        assert page.status_code == posted.status_code == 400, bad
        text = page.get_data(as_text=True)
        assert "<h1>That link does not work</h1>" in text
        assert '<a href="/forgot-password">Ask for a new link</a>' in text

    assert snapshot() == before
    assert signed_in_username(client) is None


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "Choose a password."),
        ("too short", "Use at least 10 characters."),
        ("ada@example.org", "Your password must not be your e-mail address."),
        ("1234567890", "That is one of the most common passwords."),
        ("x" * 129, "Use at most 128 characters."),
    ],
)
def test_the_new_password_follows_the_sign_up_rules(client, mailbox, ada, password, problem):
    ask(client)
    link = reset_link(mailbox)

    response = choose(client, link, password)

    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "new_password").startswith(problem)
    assert password_works("ada", PASSWORD)
    assert session_version(ada) == 1
    # The link is still good for a password that follows the rules.
    assert choose(client, link).status_code == 302


def test_the_pages_only_read(client, count_queries, mailbox, ada):
    ask(client)
    link = reset_link(mailbox)

    with count_queries() as statements:
        client.get("/forgot-password")
        client.get(link)
        client.get("/reset-password/nonsense")

    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []


# Throttling ------------------------------------------------------------------------------


def _assert_throttled(response) -> None:  # noqa: ANN001
    assert response.status_code == 429
    assert "Too many requests for a new password." in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def test_requests_are_limited_per_network_address(client, mailbox, ada):
    for n in range(5):
        assert ask(client, f"someone{n}@example.org", "203.0.113.7").status_code == 302

    _assert_throttled(ask(client, "ada@example.org", "203.0.113.7"))
    assert read_mail(mailbox) == []
    assert ask(client, "ada@example.org", "198.51.100.1").status_code == 302


@pytest.mark.parametrize("email", ["ada@example.org", "nobody@example.org"])
def test_requests_are_limited_per_email_address_whether_or_not_it_has_an_account(
    client, mailbox, ada, email
):
    for n in range(3):
        assert ask(client, email, f"198.51.100.{n + 1}").status_code == 302

    _assert_throttled(ask(client, email.upper(), "192.0.2.99"))
    assert ask(client, "someone.else@example.org", "192.0.2.99").status_code == 302


def test_the_limits_come_from_the_config(app, client, monkeypatch, mailbox):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_LIMITS_PER_ADDRESS", "1 per hour")

    assert ask(client, "one@example.org").status_code == 302

    _assert_throttled(ask(client, "two@example.org"))
