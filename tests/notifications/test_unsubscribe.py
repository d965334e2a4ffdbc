"""One-click unsubscribe: a signed link that works without signing in, for one purpose,
and that nobody can bend to something else."""

from __future__ import annotations

from datetime import timedelta

import pytest

import app.db
from app.db import utcnow
from app.notifications import services as notifications
from app.notifications.models import Category, EmailChoice
from app.notifications.queries import preferences_of
from app.tokens import Purpose, make_token
from tests.checks import snapshot
from tests.factories import make_user
from tests.notifications.helpers import save, text


def _link(user, scope: Category | str = Category.FOLLOWED_QUESTIONS) -> str:  # noqa: ANN001
    return f"/notifications/unsubscribe/{notifications.unsubscribe_token(user.id, scope)}"


def test_the_link_shows_a_button_and_changes_nothing(client):
    user = make_user()
    save()
    before = snapshot()

    response = client.get(_link(user))

    assert response.status_code == 200
    page = text(response)
    assert "Answers to other questions I follow" in page
    assert ">Unsubscribe</button>" in page
    assert snapshot() == before


def test_pressing_the_button_turns_that_kind_of_email_off_without_signing_in(client):
    user = make_user()
    save()

    response = client.post(_link(user))

    assert response.status_code == 200
    assert "You are unsubscribed" in text(response)
    chosen = preferences_of(user.id)
    assert chosen[Category.FOLLOWED_QUESTIONS] is EmailChoice.OFF
    assert chosen[Category.MY_QUESTIONS] is EmailChoice.IMMEDIATE  # only that kind


def test_a_mail_clients_one_click_post_works_without_csrf_or_session(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = make_user()
    save()

    response = client.post(_link(user), data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert preferences_of(user.id)[Category.FOLLOWED_QUESTIONS] is EmailChoice.OFF
    # Not single-use: again is harmless.
    assert client.post(_link(user)).status_code == 200


def test_the_digest_link_turns_off_every_daily_kind(client):
    user = make_user()
    notifications.set_preferences(user, {Category.NEW_QUESTIONS: "immediate"})
    save()

    client.post(_link(user, notifications.DIGEST_SCOPE))

    chosen = preferences_of(user.id)
    assert chosen[Category.FOLLOWED_QUESTIONS] is EmailChoice.OFF
    assert chosen[Category.MY_ANSWERS] is EmailChoice.OFF
    assert chosen[Category.STATUS_CHANGES] is EmailChoice.OFF
    assert chosen[Category.MY_QUESTIONS] is EmailChoice.IMMEDIATE
    assert chosen[Category.NEW_QUESTIONS] is EmailChoice.IMMEDIATE


def _tampered(token: str) -> str:
    payload, _, rest = token.partition(".")
    # Another user id in the payload, the original signature.
    forged = notifications.unsubscribe_token(999, Category.FOLLOWED_QUESTIONS).partition(".")[0]
    assert forged != payload
    return f"{forged}.{rest}"


@pytest.mark.parametrize(
    "make_bad",
    [
        pytest.param(lambda user: _tampered(_link(user).rsplit("/", 1)[1]), id="tampered"),
        pytest.param(
            lambda user: make_token(Purpose.PASSWORD_RESET, user.id, user.session_version),
            id="password-reset-token",
        ),
        pytest.param(
            lambda user: make_token(Purpose.NOTIFICATION_UNSUBSCRIBE, user.id, "everything"),
            id="unknown-scope",
        ),
        pytest.param(
            lambda user: make_token(Purpose.NOTIFICATION_UNSUBSCRIBE, user.id, "company"),
            id="claims-are-not-unsubscribable",
        ),
        pytest.param(
            lambda user: make_token(Purpose.NOTIFICATION_UNSUBSCRIBE, 2**31 - 1, "my_answers"),
            id="nobody",
        ),
        pytest.param(lambda user: "not-a-token", id="garbage"),
    ],
)
def test_a_bad_link_is_refused_clearly_and_changes_nothing(client, make_bad):
    user = make_user()
    save()
    token = make_bad(user)
    before = snapshot()

    shown = client.get(f"/notifications/unsubscribe/{token}")
    pressed = client.post(f"/notifications/unsubscribe/{token}")

    assert shown.status_code == pressed.status_code == 400
    assert "That link is not valid" in text(pressed)
    assert snapshot() == before


def test_an_unsubscribe_token_is_no_password_reset_token(client):
    user = make_user()
    save()
    token = notifications.unsubscribe_token(user.id, Category.MY_ANSWERS)

    response = client.get(f"/reset-password/{token}")

    assert "not valid" in text(response) or response.status_code in (400, 404)


def test_links_work_for_a_year(client, monkeypatch):
    user = make_user()
    save()
    link = _link(user)

    later = utcnow() + timedelta(days=364)
    monkeypatch.setattr(app.db, "CLOCK", lambda: later)
    assert client.get(link).status_code == 200

    much_later = utcnow() + timedelta(days=400)
    monkeypatch.setattr(app.db, "CLOCK", lambda: much_later)
    assert client.get(link).status_code == 400
