"""E-mails speak their recipient's language: the language they chose, else the one they
signed up in, else English; whatever the language of the request that caused them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

import app.db
from app.accounts import services as accounts
from app.answers import services as answers
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import mailer
from app.questions import services as questions
from tests.factories import make_company, make_user

MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(app.db, "CLOCK", lambda: MORNING)


def _mail_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )


def _asker(username: str, **languages: str):  # noqa: ANN202
    asker = make_user(username, display_name=username.capitalize(), **languages)
    question = questions.ask_question(
        asker, make_company("Acme"), title="Why does the widget beep?", body="It beeps."
    )
    return asker, question


def test_a_danish_users_notification_email_is_danish(clock):
    asker, question = _asker("mette", signup_language="da")
    answers.post_answer(make_user("bob", display_name="Bob"), question, body="The battery.")

    assert mailer.send_due() == 1
    (message,) = _mail_to(asker.email)
    assert message.body_text.startswith("Hej Mette (@mette)")
    assert "Du får denne e-mail, fordi" in message.body_text
    assert "Vælg, hvilke e-mails Helpsquare sender dig:" in message.body_text
    assert '<html lang="da">' in message.body_html
    assert "stop e-mails om" in message.body_html
    for english in ("Hello", "You get this e-mail", "Choose which e-mails"):
        assert english not in message.body_text


def test_an_english_users_notification_email_stays_english(clock):
    asker, question = _asker("emma", signup_language="en")
    answers.post_answer(make_user("bob", display_name="Bob"), question, body="The battery.")

    mailer.send_due()
    (message,) = _mail_to(asker.email)
    assert message.subject == "Bob (@bob) answered “Why does the widget beep?”"
    assert message.body_text.startswith("Hello Emma (@emma)")
    assert '<html lang="en">' in message.body_html


def test_a_danish_users_digest_and_its_subject_are_danish(clock):
    fan = make_user("fan", display_name="Fan", signup_language="da")
    _asker_of, question = _asker("ann")
    questions.add_me_too(fan, question)
    answers.post_answer(make_user("ben"), question, body="One.")
    answers.post_answer(make_user("cat"), question, body="Two.")

    mailer.send_due()
    assert mailer.send_digests() >= 1
    (digest,) = _mail_to(fan.email)
    assert digest.subject == "Din oversigt fra Helpsquare: 2 opdateringer"
    assert "Her er, hvad der er sket på Helpsquare siden din sidste oversigt (2 opdateringer)." in (
        digest.body_text
    )
    assert "Stop alle daglige oversigter:" in digest.body_text
    assert '<html lang="da">' in digest.body_html


def test_an_english_users_digest_stays_english_with_its_plural(clock):
    fan = make_user("fan", display_name="Fan")  # older than languages: the default
    _asker_of, question = _asker("ann")
    questions.add_me_too(fan, question)
    answers.post_answer(make_user("ben"), question, body="One.")

    mailer.send_due()
    mailer.send_digests()
    (digest,) = _mail_to(fan.email)
    assert digest.subject == "Your Helpsquare digest: 1 update"
    assert "since your last digest (1 update)." in digest.body_text


def test_the_chosen_language_wins_over_the_sign_up_language(client):
    user = make_user("mette", signup_language="da", language="en")
    db.session.commit()

    # Asked from a Danish browser, written in the language the account chose.
    client.post(
        "/forgot-password",
        data={"email": user.email},
        headers={"Accept-Language": "da"},
    )
    (message,) = _mail_to(user.email)
    assert message.subject == "Choose a new password for Helpsquare"
    assert "open this link" in message.body_text


def test_a_password_reset_goes_out_in_the_sign_up_language(app):
    user = make_user("mette", signup_language="da")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        accounts.send_password_reset(user.email)
    (message,) = _mail_to(user.email)
    assert message.subject == "Vælg en ny adgangskode til Helpsquare"
    assert "Linket virker i 1 time, én gang." in message.body_text
