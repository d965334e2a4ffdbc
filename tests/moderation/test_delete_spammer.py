"""Delete spammer: suspended for good, every post hidden, the address refused for new
accounts (any letter case, at the field, page and API)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import BannedEmail, User
from app.accounts.services import EMAIL_BANNED
from app.answers.models import Answer
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.moderation import accounts
from app.moderation.models import ModerationAction, ModerationLogEntry
from app.questions.models import Question
from tests.api.helpers import API, Api, error_of
from tests.checks import snapshot
from tests.claims.helpers import save, text
from tests.conftest import login_as
from tests.factories import PASSWORD, make_answer, make_company, make_question, make_user


@pytest.fixture
def world():
    mod = make_user("mod", is_moderator=True)
    spam = make_user("spam", email="Spam.Bot@Example.org")
    other = make_user("other")
    acme = make_company("Acme", domain="acme.example")
    q1 = make_question(acme, author=spam, title="Cheap watches here")
    q2 = make_question(acme, author=other, title="How do I reset it?")
    a1 = make_answer(q2, author=spam, body="Buy watches at spam.example")
    a2 = make_answer(q2, author=other, body="Hold the button.")
    save()
    return mod, spam, other, (q1, q2, a1, a2)


def _banned() -> list[str]:
    return list(db.session.scalars(sa.select(BannedEmail.email)))


def test_delete_spammer_suspends_for_good_hides_every_post_and_bans_the_address(world):
    mod, spam, _, (q1, q2, a1, a2) = world

    accounts.suspend_user(mod, spam, reason="Spam.", delete_spammer=True)

    db.session.expire_all()
    spam = db.session.get(User, spam.id)
    assert spam.is_suspended and spam.suspended_until is None
    assert _banned() == ["spam.bot@example.org"]
    assert db.session.get(Question, q1.id).hidden_at is not None
    assert db.session.get(Answer, a1.id).hidden_at is not None
    assert db.session.get(Question, q2.id).hidden_at is None
    assert db.session.get(Answer, a2.id).hidden_at is None
    assert db.session.get(Question, q2.id).answer_count == 1
    actions = list(db.session.scalars(sa.select(ModerationLogEntry.action)))
    assert sorted(actions) == sorted(
        [ModerationAction.SUSPEND, ModerationAction.HIDE, ModerationAction.HIDE]
    )


def test_doing_it_twice_leaves_one_ban_and_hides_nothing_more(world):
    mod, spam, *_ = world
    accounts.suspend_user(mod, spam, reason="Spam.", delete_spammer=True)

    accounts.suspend_user(mod, spam, reason="Spam.", delete_spammer=True)

    assert _banned() == ["spam.bot@example.org"]
    hides = db.session.scalars(
        sa.select(ModerationLogEntry).where(ModerationLogEntry.action == ModerationAction.HIDE)
    ).all()
    assert len(hides) == 2


def test_delete_spammer_with_an_end_is_refused(world):
    mod, spam, *_ = world
    from datetime import timedelta

    from app.db import utcnow

    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        accounts.suspend_user(
            mod, spam, reason="Spam.", until=utcnow() + timedelta(days=1), delete_spammer=True
        )
    db.session.rollback()
    assert set(refused.value.fields) == {"until"}
    assert snapshot() == before


def test_nobody_but_a_moderator_deletes_a_spammer(world):
    _, spam, other, _ = world
    before = snapshot()

    with pytest.raises(PermissionDenied):
        accounts.suspend_user(other, spam, reason="Spam.", delete_spammer=True)

    db.session.rollback()
    assert snapshot() == before


def test_the_page_deletes_a_spammer(client, world):
    mod, spam, _, (q1, *_) = world
    login_as(client, mod)

    response = client.post(
        "/admin/users/spam/suspend", data={"reason": "Spam.", "delete_spammer": "y"}
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Question, q1.id).hidden_at is not None
    assert _banned() == ["spam.bot@example.org"]


def test_the_api_deletes_a_spammer(client, world):
    mod, spam, _, (q1, *_) = world
    api = Api(client, mod)
    save()

    response = api.post("/users/spam/suspend", {"reason": "Spam.", "delete_spammer": True})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["suspended_until"] == "forever"
    db.session.expire_all()
    assert db.session.get(Question, q1.id).hidden_at is not None


# A banned address cannot sign up again --------------------------------------------------------


@pytest.fixture
def banned(world):
    mod, spam, *_ = world
    accounts.suspend_user(mod, spam, reason="Spam.", delete_spammer=True)
    return "SPAM.bot@example.ORG"


def test_the_sign_up_page_refuses_a_banned_address_at_its_field(client, banned):
    before = snapshot()

    response = client.post(
        "/sign-up",
        data={"username": "newbie", "email": banned, "password": "a long passphrase"},
    )

    assert response.status_code == 422
    page = text(response)
    assert EMAIL_BANNED in page and "newbie" in page
    assert snapshot() == before


def test_the_api_refuses_a_banned_address_with_422_on_email(client, banned):
    before = snapshot()

    response = client.post(
        f"{API}/users",
        json={"username": "newbie", "email": banned, "password": "a long passphrase"},
    )

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"email": EMAIL_BANNED}
    assert snapshot() == before


def test_another_address_still_signs_up(client, banned):
    response = client.post(
        f"{API}/users",
        json={"username": "newbie", "email": "newbie@example.org", "password": PASSWORD},
    )

    assert response.status_code == 201
