"""Personal access tokens: issued once, stored as a hash, refused when unknown or revoked;
the API reads no cookies and needs no CSRF token; token and account creation are limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

import app.db as app_db
from app.accounts import access_tokens
from app.accounts.models import ApiToken, User
from app.db import utcnow
from app.extensions import db
from tests.api.helpers import API, Api, auth, count, error_of, save, token_for
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import PASSWORD, make_company, make_user


def _issue(client, username="ada", password=PASSWORD):
    return client.post(f"{API}/tokens", json={"username": username, "password": password})


def test_a_token_is_issued_for_the_right_password_and_works(client):
    ada = make_user("ada")
    save()

    response = _issue(client)

    assert response.status_code == 201
    token = response.get_json()["token"]
    assert set(response.get_json()) == {"token"}
    assert token.startswith("hsp_") and len(token) > 40
    me = client.get(f"{API}/me", headers=auth(token))
    assert me.status_code == 200
    assert me.get_json()["username"] == "ada"
    assert me.get_json()["id"] == ada.id


def test_only_a_hash_of_the_token_is_stored(client):
    make_user("ada")
    save()

    token = _issue(client).get_json()["token"]

    db.session.expire_all()
    (row,) = db.session.execute(sa.select(ApiToken)).scalars()
    assert row.token_hash == access_tokens.token_digest(token) != token
    assert token not in str([tuple(r) for r in db.session.execute(sa.select(ApiToken.__table__))])
    assert row.created_at is not None and row.last_used_at is None and row.revoked_at is None


def test_the_email_address_works_as_the_username(client):
    make_user("ada", email="ada@example.org")
    save()

    assert _issue(client, username="ADA@example.org").status_code == 201


@pytest.mark.parametrize(
    "username, password",
    [("ada", "not the password at all"), ("nobody", PASSWORD), ("ada", ""), ("", PASSWORD)],
)
def test_wrong_credentials_are_401_and_issue_nothing(client, username, password):
    make_user("ada")
    save()
    before = snapshot()

    response = _issue(client, username, password)

    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "invalid_credentials"
    assert error["message"] == "That username/e-mail and password do not match."
    assert snapshot() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "ada"}, "password"),
        ({"username": 7, "password": PASSWORD}, "username"),
        ({"username": "ada", "password": ["x"]}, "password"),
        ({"username": "a" * 300, "password": PASSWORD}, "username"),
    ],
)
def test_a_token_request_of_the_wrong_shape_is_422(client, body, field):
    make_user("ada")
    save()

    response = client.post(f"{API}/tokens", json=body)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert count(ApiToken) == 0


def test_a_user_has_at_most_fifty_active_tokens(client):
    ada = make_user("ada")
    for _ in range(access_tokens.ACTIVE_TOKENS_MAX):
        token_for(ada)
    save()

    response = _issue(client)

    assert response.status_code == 409
    assert "Revoke one" in error_of(response)["message"]
    assert count(ApiToken) == access_tokens.ACTIVE_TOKENS_MAX


@pytest.mark.parametrize(
    "header",
    [
        "Bearer hsp_unknowntokenunknowntokenunknowntokenunknown1",
        "Bearer not-even-our-format",
        "Bearer ",
        "Bearer",
        "Basic YWRhOnBhc3N3b3Jk",
        "hsp_withoutthescheme",
        "Bearer hsp_" + "x" * 5000,
        "Bearer hsp_\u00e9t\u00e9",
    ],
)
def test_an_unknown_or_malformed_token_is_401_even_where_none_is_needed(client, header):
    make_company("Acme")
    save()

    for path in ("/me", "/companies/acme", "/questions"):
        response = client.get(API + path, headers={"Authorization": header})
        assert response.status_code == 401, path
        assert error_of(response)["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(client):
    ada = make_user("ada")
    token = token_for(ada)
    save()
    assert client.get(f"{API}/me", headers=auth(token)).status_code == 200

    (row,) = access_tokens.tokens_of(ada)
    access_tokens.revoke_token(ada, row.id)

    response = client.get(f"{API}/me", headers=auth(token))
    assert response.status_code == 401
    assert error_of(response)["message"] == "This token is unknown or has been revoked."


def test_without_a_token_me_is_401(client):
    response = client.get(f"{API}/me")

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_last_used_is_written_at_most_once_a_minute(client, monkeypatch, count_queries):
    ada = make_user("ada")
    token = token_for(ada, used_just_now=False)
    save()
    start = utcnow()
    moments = iter([start, start + timedelta(seconds=30), start + timedelta(seconds=61)])
    now = {"value": start}
    monkeypatch.setattr(app_db, "CLOCK", lambda: now["value"])

    seen = []
    for moment in moments:
        now["value"] = moment
        with count_queries() as statements:
            assert client.get(f"{API}/me", headers=auth(token)).status_code == 200
        writes = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
        db.session.expire_all()
        (row,) = db.session.execute(sa.select(ApiToken)).scalars()
        seen.append((len(writes), row.last_used_at))

    assert seen == [(1, start), (0, start), (1, start + timedelta(seconds=61))]


def test_a_session_cookie_without_a_token_is_anonymous(client):
    ada = make_user("ada")
    save()
    login_as(client, ada)
    assert client.get("/account/profile").status_code == 200  # signed in on the pages
    before = snapshot()

    me = client.get(f"{API}/me")
    created = client.post(f"{API}/companies", json={"name": "Globex", "domain": "globex.com"})

    assert me.status_code == 401
    assert created.status_code == 401
    assert snapshot() == before


def test_the_api_sets_no_cookies(client):
    ada = make_user("ada")
    token = token_for(ada)
    save()
    login_as(client, ada)

    responses = [
        client.get(f"{API}/me", headers=auth(token)),
        client.post(
            f"{API}/companies", json={"name": "Globex", "domain": "globex.com"}, headers=auth(token)
        ),
        _issue(client),
        client.get(f"{API}/nowhere"),
    ]

    for response in responses:
        assert "Set-Cookie" not in response.headers, response.status_code


def test_the_api_needs_no_csrf_token(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    ada = make_user("ada")
    api = Api(client, ada)
    save()

    response = api.post("/companies", {"name": "Globex", "domain": "globex.com"})

    assert response.status_code == 201
    # The HTML pages still refuse a POST without one.
    login_as(client, ada)
    assert (
        client.post("/companies/new", data={"name": "Initech", "domain": "initech.com"}).status_code
        == 400
    )


def test_token_requests_are_limited_per_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_LIMITS_PER_ADDRESS", "2 per minute")
    make_user("ada")
    save()

    answers = [_issue(client).status_code for _ in range(3)]

    assert answers == [201, 201, 429]
    limited = _issue(client)
    assert limited.status_code == 429
    assert error_of(limited)["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    assert count(ApiToken) == 2


def test_wrong_passwords_are_limited_per_account_and_the_right_one_is_not_counted(
    client, app, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGNIN_LIMITS_PER_ACCOUNT", "2 per hour")
    make_user("ada")
    save()

    assert _issue(client).status_code == 201  # a success does not count
    assert [_issue(client, password="wrong password!").status_code for _ in range(2)] == [401, 401]
    third = _issue(client, "ADA ", password="wrong password!")  # the same account, as typed

    assert third.status_code == 429
    assert "Retry-After" in third.headers
    assert _issue(client, "bob", password="wrong password!").status_code == 401  # another account


def test_sign_up_is_limited_per_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_LIMITS_PER_ADDRESS", "1 per hour")

    first = client.post(
        f"{API}/users",
        json={"username": "ada", "email": "ada@example.org", "password": PASSWORD},
    )
    second = client.post(
        f"{API}/users",
        json={"username": "bob", "email": "bob@example.org", "password": PASSWORD},
    )

    assert first.status_code == 201
    assert second.status_code == 429
    assert error_of(second)["code"] == "rate_limited"
    assert int(second.headers["Retry-After"]) > 0
    db.session.expire_all()
    assert db.session.execute(sa.select(User.username)).scalars().all() == ["ada"]


def test_a_token_request_too_large_or_not_json_is_answered_before_the_limits_read_it(client):
    huge = client.post(f"{API}/tokens", json={"username": "x" * (2 * 1024 * 1024), "password": ""})
    deep = client.post(
        f"{API}/tokens", data=b"[" * 50_000 + b"]" * 50_000, content_type="application/json"
    )
    digits = client.post(
        f"{API}/tokens", data=b'{"username": ' + b"7" * 5000 + b"}", content_type="application/json"
    )

    assert huge.status_code == 413
    assert deep.status_code == digits.status_code == 400
    for response in (huge, deep, digits):
        error_of(response)
