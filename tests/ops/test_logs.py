"""LOG_FORMAT=json: one JSON line per request, with the request id the response carries, and
never a password, a token or a cookie. The request id comes from our proxy or is made here,
and error pages show it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from flask import Flask

from app import ops
from app.extensions import db
from tests.api.helpers import token_for
from tests.factories import PASSWORD, make_user

SECRET_IN_A_LINK = "reset-token-that-must-not-be-logged"  # noqa: S105 - a test value


@pytest.fixture
def json_app(make_app) -> Iterator[Flask]:
    logger = logging.getLogger("app")
    level = logger.level
    yield make_app(LOG_FORMAT="json")
    logger.removeHandler(ops.JSON_HANDLER)
    logger.setLevel(level)


def request_lines(err: str) -> list[dict]:
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "app.requests"]


def test_one_line_per_request_with_what_finds_it(json_app, capsys):
    user = make_user("logger", email="logger@example.com")
    db.session.commit()
    client = json_app.test_client()
    capsys.readouterr()

    signed_in = client.post("/sign-in", data={"login": "logger", "password": PASSWORD})
    home = client.get("/")

    lines = request_lines(capsys.readouterr().err)
    assert [line["route"] for line in lines] == ["/sign-in", "/"]
    sign_in, page = lines
    assert set(page) == {
        "time", "level", "logger", "request_id", "method", "route", "status", "duration_ms",
        "user_id",
    }  # fmt: skip
    assert sign_in["request_id"] == signed_in.headers["X-Request-ID"]
    assert page["request_id"] == home.headers["X-Request-ID"]
    assert (sign_in["method"], sign_in["status"]) == ("POST", signed_in.status_code)
    assert (page["method"], page["status"], page["user_id"]) == ("GET", 200, user.id)
    assert 0 < page["duration_ms"] < 10_000
    assert page["time"].endswith("+00:00")


def test_no_password_token_or_cookie_reaches_the_log(json_app, capsys):
    user = make_user("secretive")
    token = token_for(user)
    db.session.commit()
    client = json_app.test_client()
    client.post("/sign-in", data={"login": "secretive", "password": PASSWORD})
    cookie = client.get_cookie("session", domain="helpsquare.test")
    assert cookie is not None
    capsys.readouterr()

    client.post("/sign-in", data={"login": "secretive", "password": "wrong " + PASSWORD})
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": "x"})
    client.get(f"/reset-password/{SECRET_IN_A_LINK}?token={SECRET_IN_A_LINK}")
    json_app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    json_app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer forged-token"})

    err = capsys.readouterr().err
    assert len(request_lines(err)) == 5
    for secret in (PASSWORD, token, "forged-token", SECRET_IN_A_LINK, cookie.value):
        assert secret not in err
    assert "/reset-password/<token>" in err  # the URL rule stands for the path


def test_plain_text_logs_write_no_request_lines(make_app, capsys):
    client = make_app().test_client()
    capsys.readouterr()

    client.get("/healthz")

    assert request_lines(capsys.readouterr().err) == []


def test_a_request_id_from_our_proxy_is_kept(make_app):
    client = make_app(TRUSTED_PROXY_COUNT=1).test_client()

    response = client.get("/healthz", headers={"X-Request-ID": "4f2a9c1e-77b0.edge:1"})

    assert response.headers["X-Request-ID"] == "4f2a9c1e-77b0.edge:1"


@pytest.mark.parametrize(
    "given",
    ["", "a" * 129, "<script>alert(1)</script>", "two words", "id\u00e9", "id;drop"],
)
def test_a_request_id_that_does_not_look_like_one_is_replaced(make_app, given):
    client = make_app(TRUSTED_PROXY_COUNT=1).test_client()

    response = client.get("/healthz", headers={"X-Request-ID": given})

    made = response.headers["X-Request-ID"]
    assert made != given and len(made) == 32 and int(made, 16) >= 0


def test_without_a_proxy_of_ours_the_client_cannot_choose_the_id(client):
    response = client.get("/healthz", headers={"X-Request-ID": "chosen-by-the-client"})

    assert response.headers["X-Request-ID"] != "chosen-by-the-client"


def test_every_response_gets_a_new_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}

    assert len(ids) == 3


def test_an_error_page_shows_the_request_id(client):
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert f"<code>{response.headers['X-Request-ID']}</code>" in response.get_data(as_text=True)


def test_the_bare_error_page_shows_it_too(app, client, monkeypatch):
    """When the error page itself cannot be rendered, the page that needs nothing."""

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003
        raise RuntimeError("template broke")

    monkeypatch.setattr("app.errors.render_template", broken)

    response = client.get("/no/such/page")

    assert f"<code>{response.headers['X-Request-ID']}</code>" in response.get_data(as_text=True)
