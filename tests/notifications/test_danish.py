"""Notifications in Danish (``Accept-Language: da``). A notification stores facts (its
kind, who, what, a detail), never words: the page words it in its reader's language, and
the same row reads in English to an English reader and in an e-mail rendered under the
recipient's locale."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale

from app.answers import services as answers
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import mailer
from app.notifications import services as notifications
from app.notifications.models import NotificationKind
from app.questions import services as questions
from tests.conftest import login_as
from tests.factories import make_company, make_user
from tests.notifications.helpers import notifications_of, save, text
from tests.notifications.test_pages import _notify

K = NotificationKind
DA = {"Accept-Language": "da"}


def test_the_notifications_page_speaks_danish(client):
    alice = make_user("alice")
    (answer,) = _notify(alice, 1)
    who = answer.author.username
    login_as(client, alice)

    # Fetched ahead by the browser (a prefetch), the page reads nothing: still unread.
    page = text(client.get("/notifications", headers={**DA, "Sec-Purpose": "prefetch"}))

    assert '<html lang="da"' in page
    assert "<h1>Notifikationer</h1>" in page
    assert "1 ulæst." in page and ">Ny</strong>" in page
    assert (
        f"Answerer 0 (@{who}) svarede på “Why does it beep?”" in page
    )  # the title stays as written
    assert "Markér alle som læst" in page and "Indstillinger for e-mails" in page
    opened = text(client.get("/notifications", headers=DA))
    assert "1 ny notifikation, nu markeret som læst." in opened and ">Ny</strong>" in opened
    english = text(client.get("/notifications"))
    assert f"Answerer 0 (@{who}) answered “Why does it beep?”" in english


def test_the_row_keeps_facts_and_an_e_mail_reads_in_the_recipient_s_language(app):
    alice = make_user("alice")
    (answer,) = _notify(alice, 1)
    who = answer.author.username
    (row,) = notifications_of(alice)
    db.session.refresh(row)

    assert row.kind is K.ANSWER and not hasattr(row, "text")
    with app.test_request_context(), force_locale("da"):
        assert row.sentence == f"Answerer 0 (@{who}) svarede på “Why does it beep?”"
    with app.test_request_context(), force_locale("en"):
        assert row.sentence == f"Answerer 0 (@{who}) answered “Why does it beep?”"


def test_a_status_change_names_the_status_in_danish_words(app):
    alice = make_user("alice")
    company = make_company("Acme")
    question = questions.ask_question(alice, company, title="It beeps", body="Loudly.")
    notifications.notify(
        notifications.Event(K.STATUS_CHANGED, question_id=question.id, detail="solved:4.2")
    )
    save()
    (row,) = [n for n in notifications_of(alice) if n.kind is K.STATUS_CHANGED]

    with app.test_request_context(), force_locale("da"):
        sentence = row.sentence
    assert sentence.startswith("En moderator på Helpsquare satte status på “It beeps” til ")
    assert sentence.endswith(" i 4.2")


def test_marking_read_and_the_settings_page_speak_danish(client):
    alice = make_user("alice")
    _notify(alice, 1)
    login_as(client, alice)

    response = client.post("/notifications/read-all", headers=DA)
    assert "1 notifikation er markeret som læst." in text(client.get(response.location, headers=DA))

    settings = text(client.get("/notifications/settings", headers=DA))
    assert '<html lang="da"' in settings
    assert "Svar på spørgsmål, jeg har stillet" in settings
    assert "Med det samme" in settings and "I en daglig oversigt" in settings
    assert "Aldrig" in settings and "Gem indstillinger for e-mails" in settings
    refused = client.post("/notifications/settings", data={"my_questions": "hourly"}, headers=DA)
    assert refused.status_code == 422
    assert "Vælg med det samme, daglig oversigt eller aldrig." in text(refused)


def test_following_is_confirmed_in_danish(client):
    alice = make_user("alice")
    question = questions.ask_question(
        make_user("asker"), make_company("Acme"), title="It beeps", body="Loudly."
    )
    save()
    login_as(client, alice)

    response = client.post(f"/questions/{question.id}/follow", data={"action": "add"}, headers=DA)

    page = text(client.get(response.location, headers=DA))
    assert "Du følger nu dette spørgsmål: ny aktivitet vises under Notifikationer." in page


def _subjects() -> list[str]:
    return list(db.session.scalars(sa.select(OutboxMessage.subject).order_by(OutboxMessage.id)))


def test_an_e_mail_is_written_in_its_recipient_s_language_not_the_sender_s(app):
    alice = make_user("alice")
    question = questions.ask_question(
        alice, make_company("Acme"), title="Why does it beep?", body="It beeps."
    )
    bo = make_user("bo", display_name="Bo")

    # Bo answers from a Danish browser; Alice has no Danish setting: her e-mail is English.
    with app.test_request_context(headers=DA):
        answers.post_answer(bo, question, body="The battery.")
        assert mailer.send_due() == 1
    assert _subjects() == ["Bo (@bo) answered “Why does it beep?”"]

    # A recipient whose language is Danish reads the same facts in Danish.
    alice.language = "da"
    answers.post_answer(make_user("cy", display_name="Cy"), question, body="The fan.")
    assert mailer.send_due() == 1
    assert _subjects()[-1] == "Cy (@cy) svarede på “Why does it beep?”"
