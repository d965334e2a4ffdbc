"""Signing up: an account is made only from valid input, and the form keeps what was typed."""

import pytest

from app.accounts import services
from app.extensions import db
from tests.accounts.helpers import (
    field_error,
    find_user,
    input_value,
    signed_in_username,
    user_count,
)
from tests.factories import make_user

GOOD = {
    "username": "newcomer",
    "email": "newcomer@example.org",
    "display_name": "New Comer",
    "password": "a long and unusual passphrase",
}


def test_sign_up_creates_the_account_and_signs_in(client):
    response = client.post("/sign-up", data=GOOD)

    assert response.status_code == 302
    user = find_user("newcomer")
    assert user is not None
    assert user.email == "newcomer@example.org"
    assert user.display_name == "New Comer"
    assert not user.is_admin
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password(GOOD["password"])
    assert signed_in_username(client) == "newcomer"


def test_sign_up_normalises_username_and_email_to_lowercase(client):
    data = dict(GOOD, username="  NewComer ", email=" NewComer@Example.ORG ")
    response = client.post("/sign-up", data=data)

    assert response.status_code == 302
    user = find_user("newcomer")
    assert user.email == "newcomer@example.org"


def test_sign_up_follows_a_safe_next_and_ignores_an_unsafe_one(client, app):
    assert client.post("/sign-up?next=/questions", data=GOOD).headers["Location"] == "/questions"
    other = app.test_client()
    data = dict(GOOD, username="second", email="second@example.org")
    response = other.post("/sign-up?next=//evil.example", data=data)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "short1"}, "password", "Use at least 10 characters."),
        ({"password": "x" * 129}, "password", "Use at most 128 characters."),
        ({"password": "password123"}, "password", "one of the most common passwords"),
        ({"password": "Qwertyuiop"}, "password", "one of the most common passwords"),
        (
            {"username": "longenough1", "password": "LongEnough1"},
            "password",
            "not be your username",
        ),
        ({"password": "newcomer@example.org"}, "password", "not be your e-mail address"),
        ({"password": "with a nul\x00 inside"}, "password", "NUL"),
        ({"password": ""}, "password", "Choose a password."),
        ({"username": "admin"}, "username", "reserved"),
        ({"username": "Support"}, "username", "reserved"),
        ({"username": "helpsquare-team"}, "username", "reserved"),
        ({"username": "ab"}, "username", "Use 3 to 30 characters."),
        ({"username": "a" * 31}, "username", "Use 3 to 30 characters."),
        ({"username": "u" * 5000}, "username", "Use 3 to 30 characters."),
        ({"username": "has space"}, "username", "Use only letters a–z"),
        ({"username": "émile"}, "username", "Use only letters a–z"),
        ({"username": "nul\x00byte"}, "username", "control character"),
        ({"username": ""}, "username", "Choose a username."),
        ({"email": "not-an-address"}, "email", "Enter a valid e-mail address"),
        ({"email": "someone@localhost"}, "email", "Enter a valid e-mail address"),
        ({"email": "nul\x00@example.org"}, "email", "control character"),
        ({"email": "a" * 250 + "@example.org"}, "email", "Use at most 254 characters."),
        ({"email": ""}, "email", "Enter your e-mail address."),
        ({"display_name": "D" * 61}, "display_name", "Use at most 60 characters."),
        ({"display_name": "Nul\x00Name"}, "display_name", "control character"),
    ],
)
def test_sign_up_refuses_bad_input_at_the_field_and_keeps_what_was_typed(
    client, changes, field, message
):
    data = dict(GOOD, **changes)
    before = user_count()

    response = client.post("/sign-up", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in (field_error(page, field) or "")
    assert user_count() == before
    assert signed_in_username(client) is None
    for kept in ("username", "email", "display_name"):
        if "\x00" not in data[kept] and len(data[kept]) < 1000:
            assert input_value(page, kept) == data[kept]
    assert not input_value(page, "password")  # a password is never sent back


def test_sign_up_reports_every_problem_at_once(client):
    data = {"username": "x", "email": "nope", "password": "short", "display_name": ""}
    page = client.post("/sign-up", data=data).get_data(as_text=True)

    assert field_error(page, "username")
    assert field_error(page, "email")
    assert field_error(page, "password")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "taken"}, "username", "already taken"),
        ({"username": "TAKEN"}, "username", "already taken"),
        ({"email": "Taken@Example.org"}, "email", "already exists"),
    ],
)
def test_sign_up_refuses_a_username_or_email_in_use(client, changes, field, message):
    make_user("taken", email="taken@example.org")
    before = user_count()

    response = client.post("/sign-up", data=dict(GOOD, **changes))

    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field)
    assert user_count() == before


def test_a_duplicate_lost_to_a_concurrent_sign_up_is_a_field_error(client, monkeypatch):
    make_user("taken", email="taken@example.org")
    db.session.commit()  # committed by "another request"
    # As if another request created the account between our check and our commit.
    monkeypatch.setattr(services, "_taken", lambda *args, **kwargs: {})
    before = user_count()

    response = client.post("/sign-up", data=dict(GOOD, username="taken"))

    assert response.status_code == 422
    assert "already taken" in field_error(response.get_data(as_text=True), "username")
    assert user_count() == before

    response = client.post("/sign-up", data=dict(GOOD, email="taken@example.org"))
    assert "already exists" in field_error(response.get_data(as_text=True), "email")


def test_sign_up_page_offers_sign_in_and_labelled_fields(client):
    page = client.get("/sign-up").get_data(as_text=True)

    assert "<h1>Create your Helpsquare account</h1>" in page
    assert 'href="/sign-in"' in page
    assert 'autocomplete="new-password"' in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="email"' in page
    assert '<label class="field__label" for="password">Password</label>' in page
