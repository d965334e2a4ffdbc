"""POST /users/verify-email: the token from the link sign-up mails (its last path segment)
verifies the address once; every other token is a 400 ``invalid_token`` and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

import app.db as db_module
from app.accounts import verification
from tests.accounts.helpers import find_user
from tests.api.helpers import API, auth, error_of
from tests.checks import snapshot
from tests.factories import PASSWORD
from tests.mail.helpers import links_in, read_mail, use_file_backend


@pytest.fixture
def signed_up(app, client, monkeypatch, tmp_path):
    """Grace signed up through the API; the token is the last segment of the mailed link."""
    folder = use_file_backend(app, monkeypatch, tmp_path)
    created = client.post(
        f"{API}/users",
        json={"username": "grace", "email": "grace@example.org", "password": PASSWORD},
    )
    assert created.status_code == 201
    (message,) = read_mail(folder)
    assert message["To"] == "grace@example.org"
    assert message["Subject"] == "Verify your e-mail address for Helpsquare"
    (link,) = links_in(message)
    path = urlsplit(link).path
    assert path.startswith("/verify-email/")
    return {"token": path.rsplit("/", 1)[1], "folder": folder}


def _verify(client, token):  # noqa: ANN001, ANN202
    return client.post(f"{API}/users/verify-email", json={"token": token})


def test_the_mailed_token_verifies_the_address_and_answers_the_user(client, signed_up):
    response = _verify(client, signed_up["token"])

    assert response.status_code == 200
    body = response.get_json()
    assert (body["username"], body["url"]) == ("grace", "http://helpsquare.test/users/grace")
    assert find_user("grace").is_email_verified
    issued = client.post(f"{API}/tokens", json={"username": "grace", "password": PASSWORD})
    me = client.get(f"{API}/me", headers=auth(issued.get_json()["token"]))
    assert me.get_json()["email_verified"] is True


def test_a_used_token_is_refused(client, signed_up):
    assert _verify(client, signed_up["token"]).status_code == 200
    before = snapshot()

    again = _verify(client, signed_up["token"])

    assert again.status_code == 400
    assert error_of(again)["code"] == "invalid_token"
    assert "already used" in error_of(again)["message"]
    assert snapshot() == before


def test_an_expired_token_is_refused(client, signed_up, monkeypatch):
    later = db_module.utcnow() + timedelta(hours=48, seconds=1)
    monkeypatch.setattr(db_module, "CLOCK", lambda: later)
    before = snapshot()

    response = _verify(client, signed_up["token"])

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_token"
    assert "expired" in error_of(response)["message"]
    assert snapshot() == before


def test_a_replaced_token_is_refused(app, client, signed_up):
    with app.test_request_context():
        verification.resend_link(find_user("grace"))
    before = snapshot()

    response = _verify(client, signed_up["token"])

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_token"
    assert "replaced by a newer one" in error_of(response)["message"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "token",
    ["tampered", "not-a-token", "", "a" * 2000],
    ids=["tampered", "garbage", "empty", "long"],
)
def test_a_bad_token_is_refused(client, signed_up, token):
    if token == "tampered":
        real = signed_up["token"]
        token = real[:-2] + ("A" if real[-2] != "A" else "B") + real[-1]
    before = snapshot()

    response = _verify(client, token)

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_token"
    assert snapshot() == before
    assert not find_user("grace").is_email_verified


@pytest.mark.parametrize("body", [{}, {"token": 12}, {"token": None}, ["x"]])
def test_a_body_of_the_wrong_shape_is_422(client, body):
    response = client.post(f"{API}/users/verify-email", json=body)

    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid"
