"""Signing up and asking who I am, through the API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from tests.api.helpers import API, Api, error_of, save
from tests.checks import snapshot
from tests.factories import PASSWORD, make_user

USER_FIELDS = {
    "id", "username", "display_name", "created_at", "is_admin", "is_moderator",
    "reputation", "suspended_until", "url",
}  # fmt: skip


def _sign_up(client, **fields):
    body = {"username": "ada", "email": "ada@example.org", "password": PASSWORD, **fields}
    return client.post(f"{API}/users", json=body)


def test_sign_up_creates_the_account(client):
    response = _sign_up(client, username="Ada_L")

    assert response.status_code == 201
    user = response.get_json()
    assert set(user) == USER_FIELDS
    assert user["username"] == "ada_l"  # capitals are lowered
    assert user["is_admin"] is False
    assert user["url"] == "http://helpsquare.test/users/ada_l"
    assert user["created_at"].endswith("+00:00")
    db.session.expire_all()
    stored = db.session.execute(sa.select(User).where(User.username == "ada_l")).scalar_one()
    assert stored.email == "ada@example.org"
    assert stored.check_password(PASSWORD)


def test_fields_a_client_may_not_set_are_ignored(client):
    response = _sign_up(client, is_admin=True, id=999, created_at="2000-01-01T00:00:00Z")

    assert response.status_code == 201
    body = response.get_json()
    assert body["is_admin"] is False and body["id"] != 999
    db.session.expire_all()
    assert db.session.execute(sa.select(User.is_admin)).scalar_one() is False


@pytest.mark.parametrize(
    "fields, field, why",
    [
        ({"username": "ab"}, "username", "Use 3 to 30 characters."),
        ({"username": "a" * 31}, "username", "Use 3 to 30 characters."),
        ({"username": "ada lovelace"}, "username", "Use only letters a–z"),
        ({"username": "admin"}, "username", "reserved"),
        ({"username": "ad\x00a"}, "username", "control character"),
        ({"email": "not-an-address"}, "email", "valid e-mail address"),
        ({"password": "short"}, "password", "Use 10 to 128 characters."),
        ({"password": "p" * 129}, "password", "Use 10 to 128 characters."),
        ({"password": "password123"}, "password", "most common passwords"),
        ({"username": None}, "username", "Field may not be null."),
        ({"username": 12345}, "username", "Not a valid string."),
    ],
)
def test_sign_up_refuses_what_breaks_the_rules_by_field(client, fields, field, why):
    before = snapshot()

    response = _sign_up(client, **fields)

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert why in error["fields"][field]
    assert snapshot() == before


def test_a_taken_username_or_email_is_refused(client):
    make_user("ada", email="ada@example.org")
    save()
    before = snapshot()

    response = _sign_up(client)

    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "username": "That username is already taken. Please choose another.",
        "email": "An account with that e-mail address already exists.",
    }
    assert snapshot() == before


def test_sign_up_keeps_the_display_name(client):
    response = _sign_up(client, display_name="  Ada   Lovelace ")

    assert response.status_code == 201
    assert response.get_json()["display_name"] == "Ada Lovelace"
    db.session.expire_all()
    stored = db.session.execute(sa.select(User).where(User.username == "ada")).scalar_one()
    assert stored.display_name == "Ada Lovelace"


def test_a_display_name_the_rules_refuse_is_named_beside_the_other_fields(client):
    before = snapshot()

    response = _sign_up(client, display_name="@support", password="short")

    assert response.status_code == 422
    error = error_of(response)
    assert set(error["fields"]) == {"display_name", "password"}
    assert "@" in error["fields"]["display_name"]
    assert snapshot() == before


def test_a_field_an_account_does_not_have_is_named(client):
    before = snapshot()

    response = _sign_up(client, nickname="ada")

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"nickname": "There is no such field here."}
    assert snapshot() == before


def test_a_refusal_is_worded_for_the_api_not_for_a_web_form(client):
    # The service words it for the sign-up page ("…the fields marked below").
    make_user("ada")
    save()

    response = _sign_up(client)

    assert response.status_code == 422
    assert error_of(response)["message"] == "Please correct the fields named in `fields`."


def test_every_missing_field_is_named(client):
    response = client.post(f"{API}/users", json={})

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"username", "email", "password"}


def test_me_is_the_tokens_owner(client):
    ada = make_user("ada", is_admin=True)
    api = Api(client, ada)
    save()

    response = api.get("/me")

    assert response.status_code == 200
    assert response.get_json() == {
        "id": ada.id,
        "username": "ada",
        "display_name": "Ada",
        "created_at": ada.created_at.isoformat(),
        "is_admin": True,
        "is_moderator": True,  # site admins are moderators
        "reputation": 0,
        "suspended_until": None,
        "url": "http://helpsquare.test/users/ada",
        "email_verified": True,
    }
