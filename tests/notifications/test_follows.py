"""Follow and unfollow buttons on question, product and company pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Follow
from app.questions.models import Kind
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_question, make_user
from tests.notifications.helpers import follows_of, save, text


@pytest.fixture
def targets():  # noqa: ANN201
    acme = make_company("Acme")
    drive = make_product(acme, "Drive")
    question = make_question(acme, product=drive, title="Why does Drive beep?")
    save()
    return {
        "question": (
            question,
            f"/questions/{question.id}/follow",
            f"/questions/{question.id}/{question.slug}",
            (question.id, None, None),
        ),
        "product": (
            drive,
            "/companies/acme/products/drive/follow",
            "/companies/acme/products/drive",
            (None, drive.id, None),
        ),
        "company": (acme, "/companies/acme/follow", "/companies/acme", (None, None, acme.id)),
    }


@pytest.mark.parametrize("what", ["question", "product", "company"])
def test_follow_then_unfollow(client, targets, what):
    _target, action, page, row = targets[what]
    reader = make_user()
    save()
    login_as(client, reader)
    assert "Follow" in text(client.get(page))

    response = client.post(action, data={"action": "add"})

    assert response.status_code == 303
    assert urlsplit(response.location).path == page
    assert urlsplit(response.location).fragment == "follow"
    assert follows_of(reader) == [row]
    shown = text(client.get(page))
    assert "Unfollow" in shown

    client.post(action, data={"action": "add"})  # twice: still one follow
    assert follows_of(reader) == [row]

    client.post(action, data={"action": "remove"})
    assert follows_of(reader) == []


@pytest.mark.parametrize("what", ["question", "product", "company"])
def test_anonymous_visitors_see_no_button_and_are_sent_to_sign_in(client, targets, what):
    _target, action, page, _row = targets[what]
    assert f'action="{action}"' not in text(client.get(page))
    before = snapshot()

    response = client.post(action, data={"action": "add"})

    assert urlsplit(response.location).path == "/sign-in"
    assert snapshot() == before


def test_following_needs_the_forms_csrf_token(app, client, targets, monkeypatch):
    _target, action, _page, _row = targets["question"]
    reader = make_user()
    save()
    login_as(client, reader)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post(action, data={"action": "add"})

    assert response.status_code == 400
    assert follows_of(reader) == []


def test_an_unknown_action_changes_nothing(client, targets):
    _target, action, _page, _row = targets["company"]
    reader = make_user()
    save()
    login_as(client, reader)

    assert client.post(action, data={"action": "subscribe-everyone"}).status_code == 400
    assert follows_of(reader) == []


def test_a_follow_names_exactly_one_target():
    user = make_user()
    with pytest.raises(ValueError, match="exactly one"):
        notifications.add_follow(user.id)
    with pytest.raises(ValueError, match="exactly one"):
        notifications.add_follow(user.id, question_id=1, company_id=1)


def test_the_database_refuses_a_follow_of_two_targets():
    import sqlalchemy as sa

    acme = make_company()
    question = make_question(acme)
    user = make_user()

    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(Follow(user_id=user.id, question_id=question.id, company_id=acme.id))
        db.session.flush()


def test_a_question_titled_follow_keeps_a_page_of_its_own():
    from app.questions.services import question_slug

    assert question_slug("Follow") != "follow"


def test_the_message_names_what_was_followed_as_its_button_does(client):
    problem = make_question(make_company("Acme"), title="Drive beeps", kind=Kind.PROBLEM)
    reader = make_user()
    save()
    login_as(client, reader)

    followed = client.post(
        f"/questions/{problem.id}/follow", data={"action": "add"}, follow_redirects=True
    )
    unfollowed = client.post(
        f"/questions/{problem.id}/follow", data={"action": "remove"}, follow_redirects=True
    )

    assert "You follow this problem now" in text(followed)
    assert "You no longer follow this problem." in text(unfollowed)
