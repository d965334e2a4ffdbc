"""Deleting one's own account: the password is asked; the account becomes "a former
member" everywhere a person is named; its sessions, tokens, follows and e-mail settings end;
its posts stay; the last site admin cannot leave this way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts import deletion
from app.accounts.models import FORMER_MEMBER, ApiToken, User
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.moderation.models import AuditEntry
from app.notifications import services as notifications
from app.notifications.models import Category, Follow, NotificationPreference
from app.questions.models import Question
from app.templating import person
from tests.accounts.helpers import sign_in, signed_in_username
from tests.api.helpers import API, Api, auth, error_of, token_for
from tests.checks import snapshot
from tests.claims.helpers import save, text
from tests.conftest import login_as
from tests.factories import PASSWORD, make_answer, make_company, make_question, make_user

OLD_NAME, OLD_EMAIL = "zelda-marker", "zelda.marker@example.org"


@pytest.fixture
def world():
    zelda = make_user(OLD_NAME, email=OLD_EMAIL, display_name="Zelda Marker")
    other = make_user("other")
    acme = make_company("Acme", domain="acme.example")
    asked = make_question(acme, author=zelda, title="Why does the widget hum?")
    theirs = make_question(acme, author=other, title="How do I pair it?")
    answer = make_answer(theirs, author=zelda, body="Hold the pair button.")
    notifications.follow(zelda, question=theirs)
    notifications.set_preferences(zelda, {Category.MY_QUESTIONS: "daily"})
    save()
    return zelda, other, asked, theirs, answer


def _fresh(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def _leaks(body: str) -> list[str]:
    lowered = body.lower()
    return [marker for marker in (OLD_NAME, OLD_EMAIL, "zelda marker") if marker in lowered]


def test_the_account_becomes_a_former_member(app, world):
    zelda, _, asked, theirs, answer = world
    zelda_id = zelda.id
    token_for(zelda)
    save()

    deletion.delete_account(zelda, PASSWORD)

    former = _fresh(zelda_id)
    assert former.deleted_at is not None
    assert former.label == FORMER_MEMBER and former.name == FORMER_MEMBER
    assert OLD_NAME not in former.username and former.email.endswith(".invalid")
    assert former.display_name == "" and not former.check_password(PASSWORD)
    assert not db.session.scalars(sa.select(Follow).where(Follow.user_id == zelda_id)).all()
    prefs = sa.select(NotificationPreference).where(NotificationPreference.user_id == zelda_id)
    assert not db.session.scalars(prefs).all()
    tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == zelda_id)).all()
    assert tokens and all(t.revoked_at is not None for t in tokens)
    assert db.session.get(Question, asked.id).author_id == zelda_id  # posts stay
    audit = db.session.scalars(sa.select(AuditEntry)).all()
    assert [(a.action, a.subject_user_id) for a in audit] == [("account.deleted", zelda_id)]
    with app.test_request_context():
        assert str(person(former)) == f'<span class="person person--former">{FORMER_MEMBER}</span>'


def test_a_wrong_password_is_refused_at_its_field_and_changes_nothing(world):
    zelda, *_ = world
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        deletion.delete_account(zelda, "not my password at all")

    db.session.rollback()
    assert set(refused.value.fields) == {"password"}
    after = snapshot()
    after.pop("throttle_counts", None), before.pop("throttle_counts", None)
    assert after == before


def test_the_last_site_admin_is_refused_saying_why(world):
    keeper = make_user("keeper", is_admin=True)
    save()
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        deletion.delete_account(keeper, PASSWORD)

    db.session.rollback()
    assert "only site admin" in refused.value.message
    assert snapshot() == before
    make_user("second", is_admin=True)
    save()
    deletion.delete_account(keeper, PASSWORD)
    assert _fresh(keeper.id).is_former_member


def test_nobody_signs_in_as_the_former_member_nor_registers_its_names(client, world):
    zelda, *_ = world
    zelda_id = zelda.id
    deletion.delete_account(zelda, PASSWORD)
    former = _fresh(zelda_id)

    for login in (OLD_NAME, OLD_EMAIL, former.username, former.email):
        assert sign_in(client, login).status_code == 422
    taken = client.post(
        f"{API}/users",
        json={"username": former.username, "email": former.email, "password": PASSWORD},
    )
    assert taken.status_code == 422
    assert set(error_of(taken)["fields"]) == {"username", "email"}


def test_the_page_asks_the_password_and_deletes(client, world):
    zelda, *_ = world
    zelda_id = zelda.id
    login_as(client, zelda)
    assert 'href="/account/delete"' in text(client.get(f"/users/{OLD_NAME}"))
    before = snapshot()

    wrong = client.post("/account/delete", data={"password": "wrong password here"})
    assert wrong.status_code == 422 and "not your current password" in text(wrong)
    assert _fresh(zelda_id).deleted_at is None

    deleted = client.post("/account/delete", data={"password": PASSWORD})

    assert deleted.status_code == 303
    assert _fresh(zelda_id).is_former_member
    assert signed_in_username(client) is None
    assert snapshot() != before


def test_the_page_refuses_the_last_site_admin(client):
    keeper = make_user("keeper", is_admin=True)
    save()
    login_as(client, keeper)

    response = client.post("/account/delete", data={"password": PASSWORD})

    assert response.status_code == 409 and "only site admin" in text(response)
    assert not _fresh(keeper.id).is_former_member


def test_the_page_needs_its_csrf_token_and_a_signed_in_user(app, client, world, monkeypatch):
    zelda, *_ = world
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(client, zelda)

    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400
    assert _fresh(zelda.id).deleted_at is None


def test_the_api_deletes_with_the_password_and_the_token_dies(client, world):
    zelda, *_ = world
    zelda_id = zelda.id
    api = Api(client, zelda)
    save()

    wrong = api.call("DELETE", "/me", {"password": "wrong password here"})
    assert wrong.status_code == 422 and set(error_of(wrong)["fields"]) == {"password"}
    missing = api.call("DELETE", "/me", {})
    assert missing.status_code == 422 and set(error_of(missing)["fields"]) == {"password"}

    deleted = api.call("DELETE", "/me", {"password": PASSWORD})

    assert deleted.status_code == 204
    assert _fresh(zelda_id).is_former_member
    assert client.get(f"{API}/me", headers=auth(api.token)).status_code == 401


def test_the_api_refuses_the_last_site_admin_with_409(client):
    keeper = make_user("keeper", is_admin=True)
    api = Api(client, keeper)
    save()

    refused = api.call("DELETE", "/me", {"password": PASSWORD})

    assert refused.status_code == 409 and "only site admin" in error_of(refused)["message"]


def test_the_old_names_appear_nowhere_afterwards(client, world):
    zelda, other, asked, theirs, answer = world
    before_urls = [
        f"/questions/{asked.id}/{asked.slug}",
        f"/questions/{theirs.id}/{theirs.slug}",
        f"/questions/{asked.id}/feed.atom",
        f"/questions/{theirs.id}/feed.atom",
        "/feeds/questions.atom",
        "/companies/acme/feed.atom",
        "/questions",
        "/companies/acme",
        f"{API}/questions/{asked.id}",
        f"{API}/questions/{theirs.id}/answers",
        f"{API}/questions",
        f"/answers/{answer.id}/revisions",
    ]
    shown = {url: client.get(url, follow_redirects=True) for url in before_urls}
    assert all(response.status_code == 200 for response in shown.values()), {
        url: r.status_code for url, r in shown.items()
    }
    assert _leaks(text(shown[before_urls[0]]))  # the marker is there before
    deletion.delete_account(zelda, PASSWORD)

    for url in before_urls:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert _leaks(text(response)) == [], url
    page = text(client.get(f"/questions/{asked.id}/{asked.slug}"))
    assert FORMER_MEMBER in page
    api_question = client.get(f"{API}/questions/{asked.id}").get_json()
    assert api_question["author"]["display_name"] == FORMER_MEMBER
    assert api_question["author"]["url"] is None
    assert client.get(f"/users/{OLD_NAME}").status_code == 404
    assert client.get(f"/users/{_fresh(zelda.id).username}").status_code == 404
