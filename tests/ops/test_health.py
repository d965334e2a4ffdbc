"""/healthz and /readyz: what a load balancer asks. Never cached, no cookie, nothing written."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_user

UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/nothing_listens_here"


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word: a database that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_signed_in_browser_gets_no_cookie_and_no_cache(client, path, count_queries):
    login_as(client, make_user("probe"))
    before = snapshot()

    with count_queries() as statements:
        response = client.get(path)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert response.headers["X-Request-ID"]
    assert snapshot() == before
    # Only /readyz asks the database anything, and only that.
    asked = [s for s in statements if not s.startswith("BEGIN")]
    assert asked == (["SELECT 1"] if path == "/readyz" else [])


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")

    assert response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"


def test_readyz_is_ready_when_the_database_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {"database": "ok"}}


def test_readyz_is_503_when_the_database_is_unreachable(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE_DATABASE)

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.headers["Cache-Control"] == "no-store"
    body = json.loads(response.get_data())
    assert body == {"status": "unavailable", "checks": {"database": "unreachable"}}
    assert "127.0.0.1" not in response.get_data(as_text=True)  # no address given away


def test_readyz_gives_up_on_a_database_that_hangs_after_a_second(make_app, silent_server):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{silent_server}/x"
    )
    started = time.monotonic()

    response = app.test_client().get("/readyz")

    assert time.monotonic() - started < 2.0
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "timeout"}


def test_healthz_answers_while_the_database_is_down(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE_DATABASE)

    assert app.test_client().get("/healthz").status_code == 200


def test_readyz_asks_each_redis_the_configuration_names(make_app):
    app = make_app(
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/7",
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens there
    )

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json["checks"] == {
        "database": "ok",
        "rate_limits": "ok",
        "page_cache": "unreachable",
    }
