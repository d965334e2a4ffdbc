"""Signing out and changing the password end every other session, copied cookies included."""

from app.extensions import db
from tests.accounts.helpers import (
    client_with_cookie,
    field_error,
    session_cookie,
    session_version,
    sign_in,
    signed_in_username,
)
from tests.conftest import login_as
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def test_sign_out_ends_the_session(client):
    ada = make_user("ada")
    sign_in(client, "ada")

    response = client.post("/sign-out")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_username(client) is None
    assert session_version(ada) == 2


def test_a_cookie_copied_before_sign_out_is_dead_afterwards(app, client):
    make_user("ada")
    sign_in(client, "ada")
    copy = client_with_cookie(app, session_cookie(client))
    assert signed_in_username(copy) == "ada"

    client.post("/sign-out")

    assert signed_in_username(copy) is None
    assert copy.get("/account/password").status_code == 302  # sent to sign in


def test_sign_out_also_ends_sessions_on_other_devices(app, client):
    make_user("ada")
    sign_in(client, "ada")
    laptop = app.test_client()
    sign_in(laptop, "ada")

    client.post("/sign-out")

    assert signed_in_username(laptop) is None


def test_a_remember_me_cookie_is_dead_after_sign_out(app, client):
    make_user("ada")
    response = sign_in(client, "ada", remember="y")
    remember = client.get_cookie("remember_token", domain="helpsquare.test").value
    assert response.status_code == 302
    stolen = app.test_client()
    stolen.set_cookie("remember_token", remember, domain="helpsquare.test")
    assert signed_in_username(stolen) == "ada"

    client.post("/sign-out")

    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember, domain="helpsquare.test")
    assert signed_in_username(fresh) is None


def test_sign_out_needs_a_post(client):
    make_user("ada")
    sign_in(client, "ada")

    assert client.get("/sign-out").status_code == 405
    assert signed_in_username(client) == "ada"


def test_sign_out_without_a_csrf_token_is_refused(app, client, monkeypatch):
    ada = make_user("ada")
    login_as(client, ada)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/sign-out")

    assert response.status_code == 400
    assert session_version(ada) == 1
    assert signed_in_username(client) == "ada"


def test_sign_out_with_the_csrf_token_works(app, client, monkeypatch):
    ada = make_user("ada")
    login_as(client, ada)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/sign-up").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    response = client.post("/sign-out", data={"csrf_token": token})

    assert response.status_code == 302
    assert session_version(ada) == 2


def test_change_password_keeps_this_browser_and_ends_every_other_session(app, client):
    ada = make_user("ada")
    sign_in(client, "ada")
    copy = client_with_cookie(app, session_cookie(client))

    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/users/ada"
    assert signed_in_username(client) == "ada"
    assert signed_in_username(copy) is None
    assert session_version(ada) == 2
    db.session.refresh(ada)
    assert ada.check_password(NEW_PASSWORD)
    assert not ada.check_password(PASSWORD)
    assert ada.password_hash.startswith("scrypt:")


def test_after_a_password_change_only_the_new_password_signs_in(app, client):
    make_user("ada")
    sign_in(client, "ada")
    client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    fresh = app.test_client()
    assert sign_in(fresh, "ada", PASSWORD).status_code == 422
    assert sign_in(fresh, "ada", NEW_PASSWORD).status_code == 302


def test_change_password_refuses_a_wrong_current_password(client):
    ada = make_user("ada")
    sign_in(client, "ada")

    response = client.post(
        "/account/password",
        data={"current_password": "not my password", "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "current_password") == "That is not your current password."
    assert session_version(ada) == 1
    db.session.refresh(ada)
    assert ada.check_password(PASSWORD)
    assert signed_in_username(client) == "ada"


def test_change_password_applies_the_password_rules(client):
    ada = make_user("ada")
    sign_in(client, "ada")

    for new_password, message in [
        ("short", "Use at least 10 characters."),
        ("1234567890", "one of the most common passwords"),
        ("ADA@example.org", "not be your e-mail address"),
    ]:
        response = client.post(
            "/account/password",
            data={"current_password": PASSWORD, "new_password": new_password},
        )
        assert response.status_code == 422
        assert message in field_error(response.get_data(as_text=True), "new_password")
    assert session_version(ada) == 1


def test_change_password_page_needs_sign_in_and_reads_well(client):
    assert client.get("/account/password").status_code == 302
    ada = make_user("ada")
    login_as(client, ada)

    page = client.get("/account/password").get_data(as_text=True)

    assert "<h1>Change your password</h1>" in page
    assert 'autocomplete="current-password"' in page
    assert 'autocomplete="new-password"' in page
