"""The staff invitation e-mail speaks the invitee's language, never the inviter's: the
language of the account that proved it owns the address, else the site's default."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage
from tests.conftest import login_as
from tests.factories import make_user
from tests.staff.helpers import acme, save

INVITE_URL = "/companies/acme/staff/invitations"
WORK_ADDRESS = "bob@support.acme.com"

DANISH_SUBJECT = "Du er inviteret til at blive medarbejder hos en virksomhed på Helpsquare"
ENGLISH_SUBJECT = "You are invited to join a company's staff on Helpsquare"
DANISH_LINE = "Jane Doe (@jane) inviterer dig til at blive medarbejder hos Acme på Helpsquare"
ENGLISH_LINE = "Jane Doe (@jane) invites you to join Acme's staff on Helpsquare as agent."


def _invite_as_jane(client, inviter_language: str) -> OutboxMessage:  # noqa: ANN001
    """Jane, whose own pages are in ``inviter_language``, invites the work address from
    the staff page; the e-mail it queued."""
    _company, jane = acme()
    jane.language = inviter_language
    save()
    login_as(client, jane)

    response = client.post(INVITE_URL, data={"email": WORK_ADDRESS, "role": "agent"})

    assert response.status_code == 303
    return db.session.execute(
        sa.select(OutboxMessage)
        .where(OutboxMessage.to_address == WORK_ADDRESS)
        .execution_options(populate_existing=True)
    ).scalar_one()


def _assert_danish(message: OutboxMessage) -> None:
    assert message.subject == DANISH_SUBJECT
    assert message.body_text.startswith("Hej")
    assert DANISH_LINE in message.body_text
    assert '<html lang="da">' in message.body_html
    assert ENGLISH_LINE not in message.body_text


def _assert_english(message: OutboxMessage) -> None:
    assert message.subject == ENGLISH_SUBJECT
    assert message.body_text.startswith("Hello,")
    assert ENGLISH_LINE in message.body_text
    assert '<html lang="en">' in message.body_html


@pytest.mark.parametrize("inviter_language", ["en", "da"])
def test_a_danish_speaking_invitee_gets_the_invitation_in_danish(client, inviter_language):
    make_user("bob", email=WORK_ADDRESS, language="da")

    _assert_danish(_invite_as_jane(client, inviter_language))


def test_an_invitee_who_signed_up_in_danish_gets_it_in_danish(client):
    make_user("bob", email=WORK_ADDRESS, signup_language="da")

    _assert_danish(_invite_as_jane(client, "en"))


@pytest.mark.parametrize("inviter_language", ["en", "da"])
def test_an_address_without_an_account_gets_the_default_language(client, inviter_language):
    _assert_english(_invite_as_jane(client, inviter_language))


def test_an_english_speaking_invitee_of_a_danish_inviter_gets_english(client):
    make_user("bob", email=WORK_ADDRESS, language="en")

    _assert_english(_invite_as_jane(client, "da"))


def test_an_account_that_never_proved_the_address_does_not_choose_the_language(client):
    """Anyone can sign up with someone else's address; until they prove it, their
    settings say nothing about its owner."""
    make_user("mallory", email=WORK_ADDRESS, language="da", email_verified=False)

    _assert_english(_invite_as_jane(client, "da"))
