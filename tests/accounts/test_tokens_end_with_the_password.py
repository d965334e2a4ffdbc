"""Changing or resetting the password and "sign out everywhere" revoke every API token of
the account, in the same transaction as the change; plain sign-out ends sessions only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts import services
from app.accounts.models import ApiToken
from app.extensions import db
from app.tokens import InvalidToken, Purpose, make_token
from tests.accounts.helpers import (
    client_with_cookie,
    session_cookie,
    session_version,
    sign_in,
    signed_in_username,
)
from tests.api.helpers import API, auth, token_for
from tests.conftest import login_as
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def works(client, token: str) -> bool:  # noqa: ANN001
    """Whether the API takes ``token`` (GET /me)."""
    status = client.get(f"{API}/me", headers=auth(token)).status_code
    assert status in (200, 401)
    return status == 200


def active_tokens(user) -> int:  # noqa: ANN001
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )


def _reset_link(user) -> str:  # noqa: ANN001
    token = make_token(Purpose.PASSWORD_RESET, user.id, services._password_reset_version(user))
    return f"/reset-password/{token}"


def test_changing_the_password_revokes_every_api_token_of_the_account(client):
    ada, bob = make_user("ada"), make_user("bob")
    adas = [token_for(ada), token_for(ada)]
    bobs = token_for(bob)
    login_as(client, ada)

    response = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert not any(works(client, token) for token in adas)
    assert works(client, bobs)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert page.count("Revoked <time") == 2


def test_a_refused_password_change_revokes_nothing(client):
    ada = make_user("ada")
    token = token_for(ada)
    login_as(client, ada)

    response = client.post(
        "/account/password", data={"current_password": "not it at all", "new_password": "short"}
    )

    assert response.status_code == 422
    assert works(client, token)
    assert session_version(ada) == 1


def test_resetting_the_password_revokes_every_api_token_of_the_account(client):
    ada, bob = make_user("ada"), make_user("bob")
    adas, bobs = token_for(ada), token_for(bob)
    db.session.commit()

    response = client.post(_reset_link(ada), data={"new_password": NEW_PASSWORD})

    assert response.status_code == 302
    assert not works(client, adas)
    assert works(client, bobs)


def test_a_reset_link_used_twice_revokes_nothing_the_second_time():
    ada = make_user("ada")
    token = make_token(Purpose.PASSWORD_RESET, ada.id, services._password_reset_version(ada))
    services.reset_password(token, NEW_PASSWORD)
    token_for(ada)  # made after the reset

    with pytest.raises(InvalidToken):
        services.reset_password(token, "yet another passphrase")

    assert active_tokens(ada) == 1


def test_sign_out_everywhere_ends_every_session_and_revokes_every_token(app, client):
    ada, bob = make_user("ada"), make_user("bob")
    adas, bobs = token_for(ada), token_for(bob)
    sign_in(client, "ada")
    laptop = app.test_client()
    sign_in(laptop, "ada")
    copied = client_with_cookie(app, session_cookie(client))

    response = client.post("/account/sign-out-everywhere")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "You are signed out everywhere, and every API token of yours is revoked" in home
    assert [signed_in_username(c) for c in (client, laptop, copied)] == [None, None, None]
    assert session_version(ada) == 2
    assert not works(client, adas)
    assert works(client, bobs)


def test_plain_sign_out_ends_sessions_but_keeps_api_tokens(app, client):
    ada = make_user("ada")
    token = token_for(ada)
    sign_in(client, "ada")

    client.post("/sign-out")

    assert signed_in_username(client) is None
    assert works(client, token)


def test_sign_out_everywhere_needs_a_post_a_signed_in_user_and_a_csrf_token(
    app, client, monkeypatch
):
    ada = make_user("ada")
    token = token_for(ada)

    anonymous = client.post("/account/sign-out-everywhere")
    login_as(client, ada)
    as_get = client.get("/account/sign-out-everywhere")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    without_csrf = client.post("/account/sign-out-everywhere")

    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/sign-in")
    assert as_get.status_code == 405
    assert without_csrf.status_code == 400
    assert session_version(ada) == 1
    assert works(client, token)
    assert signed_in_username(client) == "ada"


def test_sign_out_everywhere_works_with_the_csrf_token_from_the_page(app, client, monkeypatch):
    ada = make_user("ada")
    token = token_for(ada)
    login_as(client, ada)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/account/tokens").get_data(as_text=True)
    form = page.split('action="/account/sign-out-everywhere"', 1)[1]
    csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    response = client.post("/account/sign-out-everywhere", data={"csrf_token": csrf})

    assert response.status_code == 303
    assert not works(client, token)


def test_the_account_pages_offer_sign_out_everywhere_and_say_what_each_sign_out_does(client):
    ada = make_user("ada")
    make_user("bob")
    login_as(client, ada)

    profile = client.get("/users/ada").get_data(as_text=True)
    tokens = client.get("/account/tokens").get_data(as_text=True)
    someone_else = client.get("/users/bob").get_data(as_text=True)

    action = 'action="/account/sign-out-everywhere"'
    assert action in profile and "Sign out everywhere and revoke API tokens" in profile
    assert action in tokens and "Sign out everywhere and revoke every API token" in tokens
    assert "your API tokens keep working" in tokens
    assert 'title="Ends your sessions on every device; your API tokens keep working"' in tokens
    assert action not in someone_else


def test_create_admin_setting_an_existing_password_revokes_its_tokens():
    ada = make_user("ada", email="ada@example.org")
    token_for(ada)

    services.create_site_admin("ada", "ada@example.org", NEW_PASSWORD)

    assert active_tokens(ada) == 0
    assert session_version(ada) == 2
