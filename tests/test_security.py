"""Headers, limits and error pages every response gets, whatever the page."""

import pytest
from flask import request

from app import create_app
from app.config import ConfigError
from app.extensions import csrf


@pytest.fixture
def bare_app(app):
    """A second app on the same database, free to gain test-only routes before its first request."""
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": False,
        }
    )

    @other.route("/boom")
    def boom():
        raise RuntimeError("secret internals: /etc/passwd")

    @other.route("/echo", methods=["POST"])
    @csrf.exempt
    def echo():
        return str(len(request.get_data()))

    @other.route("/guarded", methods=["POST"])
    def guarded():
        return "changed"

    return other


def test_every_response_carries_a_csp_with_a_fresh_nonce(bare_app):
    client = bare_app.test_client()
    first = client.get("/no-such-page")
    second = client.get("/no-such-page")
    policies = [r.headers["Content-Security-Policy"] for r in (first, second)]
    for policy in policies:
        assert "object-src 'none'" in policy
        assert "base-uri 'self'" in policy
        assert "frame-ancestors 'self'" in policy
        assert "script-src 'self' 'nonce-" in policy
    nonces = [p.split("'nonce-")[1].split("'")[0] for p in policies]
    assert nonces[0] != nonces[1]
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in first.headers


def test_errors_render_a_friendly_page_without_internals(bare_app):
    response = bare_app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "/etc/passwd" not in page and "Traceback" not in page


def test_not_found_is_a_friendly_page(bare_app):
    response = bare_app.test_client().get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_request_body_over_the_limit_is_refused_with_413(bare_app):
    client = bare_app.test_client()
    assert client.post("/echo", data=b"x" * 1000).status_code == 200
    response = client.post("/echo", data=b"x" * (bare_app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    assert "Too much at once" in response.get_data(as_text=True)


def test_a_post_without_a_csrf_token_is_refused(bare_app):
    response = bare_app.test_client().post("/guarded", data={"anything": "1"})
    assert response.status_code == 400
    assert "changed" not in response.get_data(as_text=True)


def test_production_refuses_to_start_with_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_sets_secure_cookies_and_hsts(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("TRUSTED_HOSTS", "localhost")
    prod = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": False})
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["SESSION_COOKIE_HTTPONLY"] is True
    assert prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = prod.test_client().get("/no-such-page")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_refuses_to_start_without_trusted_hosts(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.delenv("SERVER_NAME", raising=False)
    with pytest.raises(ConfigError, match="TRUSTED_HOSTS"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_database_url_uses_the_psycopg3_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.internal/helpsquare")
    from app.config import settings_from_env

    settings = settings_from_env({"DATABASE_URL": "postgresql://someone@db.internal/helpsquare"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://someone@db.internal/helpsquare"
    )
