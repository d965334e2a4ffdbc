"""Notification e-mails: right away after the request, or once a day in a digest; never
twice, never about one's own action, never about a question that is gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

import app.db
from app.answers import services as answers
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import mailer
from app.notifications import services as notifications
from app.notifications.models import Category, NotificationDigest
from app.questions import services as questions
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_user
from tests.mail.helpers import html_of, links_in, read_mail, text_of, use_file_backend
from tests.notifications.helpers import notifications_of, save

MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _outbox() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )


def _digests_to(address: str) -> list[OutboxMessage]:
    return [m for m in _outbox() if m.to_address == address and "digest" in m.subject]


def _ask(asker, title: str = "Why does the widget beep?"):  # noqa: ANN001, ANN202
    return questions.ask_question(asker, make_company("Acme"), title=title, body="It beeps.")


def test_the_asker_gets_an_email_as_soon_as_an_answer_is_posted(app, client, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    alice = make_user("alice", display_name="Alice", email="alice@example.org")
    fan = make_user("fan", email="fan@example.org")
    bob = make_user("bob", display_name="Bob", email="bob@example.org")
    question = _ask(alice)
    questions.add_me_too(fan, question)
    save()
    login_as(client, bob)

    response = client.post(f"/questions/{question.id}/answers", data={"body": "The battery."})

    assert response.status_code == 303
    # Alice (right away by default) only: not Bob, who answered; not the fan (daily).
    (message,) = read_mail(folder)
    assert message["To"] == "alice@example.org"
    assert message["Subject"] == "Bob (@bob) answered “Why does the widget beep?”"
    body = text_of(message)
    assert "Bob (@bob) answered “Why does the widget beep?”." in body
    answer_link, settings_link, unsubscribe_link = links_in(message)
    answer_id = notifications_of(alice)[0].answer_id
    # The answer's own address: it leads to the page of answers that holds it.
    assert answer_link == f"http://helpsquare.test/answers/{answer_id}"
    assert client.get(answer_link).location == (
        f"/questions/{question.id}/{question.slug}#answer-{answer_id}"
    )
    assert settings_link == "http://helpsquare.test/notifications/settings"
    assert unsubscribe_link.startswith("http://helpsquare.test/notifications/unsubscribe/")
    assert message["List-Unsubscribe"] == f"<{unsubscribe_link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = html_of(message)
    for link in (answer_link, settings_link, unsubscribe_link):
        assert f'href="{link}"' in html
    # The links work: the answer's page, and the unsubscribe page without signing in.
    assert client.get(urlsplit(answer_link).path, follow_redirects=True).status_code == 200
    client.post("/sign-out")
    assert client.get(urlsplit(unsubscribe_link).path).status_code == 200
    assert notifications_of(alice)[0].emailed_at is not None


def test_a_notification_is_emailed_once_whoever_sends():
    alice = make_user("alice")
    answers.post_answer(make_user(), _ask(alice), body="The battery.")

    assert mailer.send_due() == 1
    assert mailer.send_due() == 0

    assert [m.to_address for m in _outbox()] == [alice.email]


def test_what_is_off_or_daily_is_not_emailed_right_away():
    alice, fan = make_user("alice"), make_user("fan")
    notifications.set_preferences(alice, {Category.MY_QUESTIONS: "off"})
    question = _ask(alice)
    questions.add_me_too(fan, question)
    answers.post_answer(make_user(), question, body="The battery.")

    assert mailer.send_due() == 0
    assert _outbox() == []


def test_a_question_deleted_before_its_email_is_never_mailed():
    alice = make_user("alice")
    question = _ask(alice)
    answers.post_answer(make_user(), question, body="The battery.")

    db.session.delete(question)
    db.session.commit()

    assert mailer.send_due() == 0
    assert mailer.send_digests() == 0
    assert _outbox() == []


def test_with_mail_send_worker_nothing_is_mailed_inline(app, client, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    monkeypatch.setitem(app.config, "MAIL_SEND", "worker")
    alice, bob = make_user("alice"), make_user("bob")
    question = _ask(alice)
    save()
    login_as(client, bob)

    client.post(f"/questions/{question.id}/answers", data={"body": "The battery."})

    assert read_mail(folder) == []
    assert _outbox() == []
    assert notifications_of(alice)[0].emailed_at is None


# Digests ---------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):  # noqa: ANN001, ANN201
    """The time every "now" reads; ``clock.now`` moves it."""

    class Clock:
        now = MORNING

    stopped = Clock()
    monkeypatch.setattr(app.db, "CLOCK", lambda: stopped.now)
    return stopped


def _fan_of_two_questions():  # noqa: ANN202
    fan = make_user("fan", display_name="Fan", email="fan@example.org")
    first = _ask(make_user(), "First question about the widget")
    second = questions.ask_question(
        make_user(), first.company, title="Second question about the widget", body="Why?"
    )
    for question in (first, second):
        questions.add_me_too(fan, question)
    return fan, first, second


def test_the_digest_groups_by_question_and_goes_out_once_a_day(clock):
    fan, first, second = _fan_of_two_questions()
    answers.post_answer(make_user("ann", display_name="Ann"), first, body="One.")
    answers.post_answer(make_user("ben", display_name="Ben"), second, body="Two.")
    answers.post_answer(make_user("cat", display_name="Cat"), first, body="Three.")
    own = make_answer(second, author=fan)
    answers.vote_helpful(make_user("dan", display_name="Dan"), own)

    assert mailer.send_due() == 3  # the askers' answers, right away; nothing for the fan
    mailer.send_digests()

    digest = _digests_to("fan@example.org")
    assert len(digest) == 1
    message = digest[0]
    assert message.subject == "Your Helpsquare digest: 4 updates"
    body = message.body_text
    assert body.index("First question about the widget") < body.index("Ann (@ann) answered")
    assert body.index("Ann (@ann) answered") < body.index("Cat (@cat) answered")
    assert body.index("Cat (@cat) answered") < body.index("Second question about the widget")
    assert body.index("Second question about the widget") < body.index("Ben (@ben) answered")
    assert "Dan (@dan) found your answer to “Second question about the widget” helpful" in body
    assert f"http://helpsquare.test/questions/{first.id}/{first.slug}" in body
    assert "http://helpsquare.test/notifications/settings" in body
    assert '"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"' in message.headers
    assert 'href="http://helpsquare.test/questions/' in message.body_html

    # Again the same day, at any hour: nothing more, also for what arrives meanwhile.
    clock.now = MORNING + timedelta(hours=10)
    answers.post_answer(make_user("eve", display_name="Eve"), first, body="Four.")
    mailer.send_digests()
    clock.now = MORNING + timedelta(hours=15, minutes=59)  # 23:59 UTC
    mailer.send_digests()
    assert len(_digests_to("fan@example.org")) == 1

    # The next day, what arrived since.
    clock.now = MORNING + timedelta(days=1)
    mailer.send_digests()
    assert mailer.send_digests() == 0
    latest = _digests_to("fan@example.org")[-1]
    assert len(_digests_to("fan@example.org")) == 2
    assert "Eve (@eve) answered" in latest.body_text
    assert "Ann (@ann) answered" not in latest.body_text
    days = db.session.scalars(
        sa.select(NotificationDigest.day).where(NotificationDigest.user_id == fan.id)
    ).all()
    assert sorted(days) == [MORNING.date(), MORNING.date() + timedelta(days=1)]


def test_nothing_waiting_means_no_digest_and_no_digest_row(clock):
    fan, first, _second = _fan_of_two_questions()

    assert mailer.send_digests() == 0

    answers.post_answer(make_user(), first, body="One.")
    assert mailer.send_digests() == 1  # the same day: the empty run did not use it up


def test_the_digest_renders_as_text_and_html_with_working_links(
    app, client, clock, monkeypatch, tmp_path
):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    fan, first, _second = _fan_of_two_questions()
    answers.post_answer(make_user("ann", display_name="Ann"), first, body="One.")
    save()

    result = app.test_cli_runner().invoke(args=["notifications", "digest"])

    assert result.output == "Queued 1 digest.\n"
    (message,) = [m for m in read_mail(folder) if m["To"] == "fan@example.org"]
    links = links_in(message)
    assert all(link.startswith("http://helpsquare.test/") for link in links)
    assert message["List-Unsubscribe"].startswith("<http://helpsquare.test/notifications/")
    html = html_of(message)
    assert "Ann (@ann) answered “First question about the widget”" in html
    for link in links:  # the settings page sends a signed-out reader to sign in first
        assert client.get(urlsplit(link).path).status_code in (200, 302)
