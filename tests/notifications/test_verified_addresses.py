"""Only verified addresses receive notification e-mails (right away or in the daily digest)
and invitation notices; an unverified account's notifications are still recorded in the app,
and verifying later does not send the old ones."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts import verification
from app.answers import services as answers
from app.companies import staff
from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import mailer
from app.notifications import services as notifications
from app.notifications.models import Category, EmailChoice, Notification, NotificationKind
from app.questions import services as questions
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.mail.helpers import read_mail, use_file_backend
from tests.notifications.helpers import notifications_of, recipients, save, unread_counter


def _mail_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .execution_options(populate_existing=True)
        )
    )


def _asked_by(asker):  # noqa: ANN001, ANN202
    return questions.ask_question(
        asker, make_company("Acme"), title="Why does the widget beep?", body="It beeps."
    )


def test_an_answer_e_mails_the_verified_asker_and_not_the_unverified_one(
    app, client, monkeypatch, tmp_path
):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    vera = make_user("vera", email="vera@example.org")
    ivy = make_user("ivy", email="ivy@example.org", email_verified=False)
    # Ivy may follow before verifying, and wants answers e-mailed right away.
    question = _asked_by(vera)
    notifications.follow(ivy, question=question)
    notifications.set_preferences(ivy, {Category.FOLLOWED_QUESTIONS: "immediate"})
    save()
    login_as(client, make_user("bob"))
    save()

    response = client.post(f"/questions/{question.id}/answers", data={"body": "The battery."})

    assert response.status_code == 303
    assert [message["To"] for message in read_mail(folder)] == ["vera@example.org"]
    (note,) = notifications_of(ivy)
    assert note.kind is NotificationKind.ANSWER
    assert (note.email, note.emailed_at) == (EmailChoice.OFF, None)
    assert unread_counter(ivy) == 1  # the bell still rings in the app


def test_verifying_later_does_not_send_what_arrived_before(app):
    ivy = make_user("ivy", email_verified=False)
    question = _asked_by(make_user())
    notifications.follow(ivy, question=question)
    notifications.set_preferences(ivy, {Category.FOLLOWED_QUESTIONS: "immediate"})
    answers.post_answer(make_user(), question, body="The battery.")
    assert notifications_of(ivy)[0].email is EmailChoice.OFF

    verification.mark_verified(ivy)
    mailer.send_due()
    assert _mail_to(ivy.email) == []
    answers.post_answer(make_user(), question, body="Or the charger.")
    mailer.send_due()
    assert len(_mail_to(ivy.email)) == 1


def test_the_daily_digest_goes_only_to_verified_addresses():
    vera = make_user("vera")
    ivy = make_user("ivy", email_verified=False)
    question = _asked_by(make_user())
    for fan in (vera, ivy):
        notifications.follow(fan, question=question)  # followed questions: daily by default
    answers.post_answer(make_user(), question, body="The battery.")

    assert mailer.send_digests() == 1

    assert len(_mail_to(vera.email)) == 1
    assert _mail_to(ivy.email) == []
    assert len(notifications_of(ivy)) == 1


def test_the_mailer_itself_skips_an_unverified_address():
    """Also a notification recorded as due (before this rule, or by another writer) is not
    e-mailed to an address that is not verified."""
    ivy = make_user("ivy", email_verified=False)
    for choice in (EmailChoice.IMMEDIATE, EmailChoice.DAILY):
        db.session.add(
            Notification(
                user_id=ivy.id, kind=NotificationKind.HELPFUL, category=Category.MY_ANSWERS,
                event_key=f"probe:{choice.value}", email=choice, created_at=utcnow(),
            )
        )  # fmt: skip
    db.session.flush()

    assert mailer.send_due() == 0
    assert mailer.send_digests() == 0
    assert _mail_to(ivy.email) == []
    assert [n.emailed_at for n in notifications_of(ivy)] == [None, None]


def test_an_unverified_account_receives_no_invitation_notice():
    acme = make_company("Acme", domain="acme.example")
    admin = make_staff(acme, role="admin").user
    squatter = make_user("squatter", email="omar@acme.example", email_verified=False)
    omar = make_user("omar2", email="omar2@acme.example")

    staff.invite_staff(admin, acme, email="omar@acme.example", role="agent")
    staff.invite_staff(admin, acme, email="omar2@acme.example", role="agent")

    assert recipients(NotificationKind.STAFF_INVITATION) == {omar.id}
    assert notifications_of(squatter) == []
    assert unread_counter(squatter) == 0
    # The invitation e-mail itself goes to the invited address, as always.
    assert len(_mail_to("omar@acme.example")) == 1
