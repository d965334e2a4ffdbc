"""Small helpers for the account tests: signing in through the form, reading rows."""

from __future__ import annotations

import re
from html import unescape

import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.accounts.models import User
from app.extensions import db
from tests.factories import PASSWORD

HOST = "helpsquare.test"  # the SERVER_NAME of the test app
SIGN_IN_FAILED = "That username/e-mail and password do not match."


def sign_in(
    client: FlaskClient,
    login: str,
    password: str = PASSWORD,
    *,
    address: str = "127.0.0.1",
    url: str = "/sign-in",
    **fields: str,
) -> TestResponse:
    return client.post(
        url,
        data={"login": login, "password": password, **fields},
        environ_base={"REMOTE_ADDR": address},
    )


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def find_user(username: str) -> User | None:
    return db.session.execute(
        sa.select(User).where(User.username == username).execution_options(populate_existing=True)
    ).scalar_one_or_none()


def session_version(user: User) -> int:
    return db.session.scalar(sa.select(User.session_version).where(User.id == user.id))


def session_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie("session", domain=HOST)
    return cookie.value if cookie is not None else None


def client_with_cookie(app, value: str) -> FlaskClient:  # noqa: ANN001 - the Flask app
    """A second browser that carries a copy of another one's session cookie."""
    other = app.test_client()
    other.set_cookie("session", value, domain=HOST)
    return other


def signed_in_username(client: FlaskClient) -> str | None:
    """Who the site says is signed in on this client (the profile link in the header)."""
    page = client.get("/sign-up").get_data(as_text=True)
    nav = page.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    if "Sign out" not in nav:
        return None
    match = re.search(r'href="/users/([^"]+)"', nav)
    return match.group(1) if match else None


def field_error(page: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return unescape(match.group(1)) if match else None


def input_value(page: str, field_id: str) -> str | None:
    match = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', page)
    if not match:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else None
