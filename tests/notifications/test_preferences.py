"""The e-mail settings page: one choice per kind of notification, saved with a flash."""

from __future__ import annotations

import re

import pytest

from app.answers import services as answers
from app.errors import ValidationError
from app.notifications import services as notifications
from app.notifications.models import Category, EmailChoice, NotificationKind
from app.notifications.queries import preferences_of
from app.questions import services as questions
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_user
from tests.notifications.helpers import notifications_of, save, text

CHECKED = re.compile(r"<input[^>]*\bchecked\b[^>]*>")


def _checked(page: str) -> dict[str, str]:
    """The radio buttons a page shows as chosen: name → value."""
    found = {}
    for tag in CHECKED.findall(page):
        found[re.search(r'name="([^"]+)"', tag).group(1)] = re.search(
            r'value="([^"]+)"', tag
        ).group(1)
    return found


FORM = {
    "my_questions": "immediate",
    "followed_questions": "daily",
    "my_answers": "daily",
    "status_changes": "daily",
    "new_questions": "daily",
}


def test_the_page_shows_the_defaults(client):
    login_as(client, make_user())

    page = text(client.get("/notifications/settings"))

    assert "Answers to questions I asked" in page
    assert _checked(page) == FORM
    assert page.count("<fieldset") == 5
    # Claims and invitations have no choice: their own e-mails carry the links to act on.
    assert "always e-mailed as they happen" in page


def test_saving_the_choices(client):
    user = make_user()
    save()
    login_as(client, user)

    response = client.post(
        "/notifications/settings",
        data={**FORM, "my_questions": "daily", "new_questions": "off"},
        follow_redirects=True,
    )

    assert "Your e-mail choices are saved." in text(response)
    chosen = preferences_of(user.id)
    assert chosen[Category.MY_QUESTIONS] is EmailChoice.DAILY
    assert chosen[Category.NEW_QUESTIONS] is EmailChoice.OFF
    assert chosen[Category.MY_ANSWERS] is EmailChoice.DAILY


def test_an_unknown_choice_is_shown_at_its_field_and_nothing_changes(client):
    user = make_user()
    save()
    login_as(client, user)
    before = snapshot()

    response = client.post("/notifications/settings", data={**FORM, "my_answers": "hourly"})

    assert response.status_code == 422
    assert "Choose right away, daily digest or never." in text(response)
    assert snapshot() == before


def test_the_service_refuses_a_choice_for_claims_and_unknown_values():
    user = make_user()

    with pytest.raises(ValidationError) as refused:
        notifications.set_preferences(user, {Category.COMPANY: "off", Category.MY_ANSWERS: "x"})

    assert set(refused.value.fields) == {"company", "my_answers"}


def test_new_notifications_follow_the_choice_and_waiting_ones_too():
    asker = make_user()
    question = questions.ask_question(asker, make_company(), title="Beep beep", body="Why?")
    answers.post_answer(make_user(), question, body="The battery.")
    (waiting,) = notifications_of(asker)
    assert waiting.email is EmailChoice.IMMEDIATE

    notifications.set_preferences(asker, {Category.MY_QUESTIONS: "off"})
    answers.post_answer(make_user(), question, body="Or the charger.")

    assert [n.email for n in notifications_of(asker, NotificationKind.ANSWER)] == [
        EmailChoice.OFF,
        EmailChoice.OFF,
    ]
