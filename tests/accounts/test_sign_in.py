"""Signing in by username or e-mail, without revealing which accounts exist."""

import re

import pytest

from tests.accounts.helpers import (
    SIGN_IN_FAILED,
    field_error,
    input_value,
    sign_in,
    signed_in_username,
)
from tests.factories import make_user


@pytest.mark.parametrize("login", ["ada", "ADA", "ada@example.org", " Ada@Example.ORG "])
def test_sign_in_by_username_or_email_in_any_case(client, login):
    make_user("ada", email="ada@example.org")

    response = sign_in(client, login)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_username(client) == "ada"


def _error_block(page: str) -> str:
    return re.search(r'<div class="form-errors" role="alert">(.*?)</div>', page, re.S).group(1)


def test_wrong_password_and_unknown_account_look_the_same(client):
    make_user("ada", email="ada@example.org")

    wrong_password = sign_in(client, "ada", "not the password at all")
    unknown_user = sign_in(client, "nobody", "not the password at all")
    unknown_email = sign_in(client, "nobody@example.org", "not the password at all")

    responses = [wrong_password, unknown_user, unknown_email]
    assert [r.status_code for r in responses] == [422, 422, 422]
    blocks = {_error_block(r.get_data(as_text=True)) for r in responses}
    assert len(blocks) == 1
    assert SIGN_IN_FAILED in blocks.pop()
    assert signed_in_username(client) is None


def test_failed_sign_in_keeps_the_login_but_never_the_password(client):
    make_user("ada")

    page = sign_in(client, "ada", "a wrong password").get_data(as_text=True)

    assert input_value(page, "login") == "ada"
    assert not input_value(page, "password")
    assert "a wrong password" not in page


def test_empty_fields_are_asked_for(client):
    page = client.post("/sign-in", data={"login": "", "password": ""}).get_data(as_text=True)

    assert field_error(page, "login") == "Enter your username or e-mail address."
    assert field_error(page, "password") == "Enter your password."


@pytest.mark.parametrize(
    "login", ["ada\x00", "a" * 10_000, "x@" + "e" * 300 + ".org", "/../etc/passwd", "' OR 1=1 --"]
)
def test_odd_logins_are_a_plain_failure_never_an_error_page(client, login):
    make_user("ada")

    response = sign_in(client, login)

    assert response.status_code == 422
    assert SIGN_IN_FAILED in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    ["/questions", "/companies/acme?sort=newest", "/users/ada#answers", "/account/password"],
)
def test_sign_in_follows_a_next_on_this_site(client, target):
    make_user("ada")

    response = sign_in(client, "ada", url="/sign-in?" + _query(target))

    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "///evil.com",
        "https://evil.com",
        "http:/evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "/\t/evil.com",
        " //evil.com",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "evil.com",
        "data:text/html,hi",
    ],
)
def test_sign_in_never_follows_a_next_off_site(client, target):
    make_user("ada")

    sign_in_page = client.get("/sign-in?" + _query(target)).get_data(as_text=True)
    response = sign_in(client, "ada", url="/sign-in?" + _query(target))

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "evil" not in sign_in_page and "javascript" not in sign_in_page.lower()


def _query(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})


def test_a_signed_in_visitor_of_the_sign_in_page_goes_on(client):
    make_user("ada")
    sign_in(client, "ada")

    response = client.get("/sign-in?next=/questions")

    assert response.status_code == 302
    assert response.headers["Location"] == "/questions"


def test_protected_pages_send_anonymous_visitors_to_sign_in_and_back(client):
    make_user("ada")

    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")

    after = sign_in(client, "ada", url=response.headers["Location"])
    assert after.headers["Location"] == "/account/password"


def test_session_cookie_is_httponly_and_samesite_lax(client):
    make_user("ada")

    response = sign_in(client, "ada")

    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    attributes = [part.strip().lower() for part in cookies[0].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_remember_me_sets_a_lasting_httponly_cookie(client):
    make_user("ada")

    response = sign_in(client, "ada", remember="y")

    remember = [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    ]
    assert len(remember) == 1
    assert "httponly" in remember[0].lower()
    assert "samesite=lax" in remember[0].lower()


def test_the_session_is_renewed_at_sign_in(client):
    ada = make_user("ada")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    sign_in(client, "ada")

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{ada.id}:{ada.session_version}"


def test_sign_in_page_links_to_sign_up_keeping_next(client):
    page = client.get("/sign-in?next=/questions").get_data(as_text=True)

    assert "<h1>Sign in to Helpsquare</h1>" in page
    assert 'href="/sign-up?next=/questions"' in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
