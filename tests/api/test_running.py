"""What docs/api.md says about running Helpsquare for a client or a test suite."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError, settings_from_env


def test_flask_env_production_also_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("FLASK_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize("value, enabled", [("false", False), ("0", False), ("true", True)])
def test_ratelimit_enabled_comes_from_the_environment(value, enabled):
    assert settings_from_env({"RATELIMIT_ENABLED": value})["RATELIMIT_ENABLED"] is enabled


@pytest.mark.parametrize("backend", ["file", "console", "smtp"])
def test_mail_backends_are_chosen_by_the_environment(backend):
    settings = settings_from_env({"MAIL_BACKEND": f" {backend.upper()} ", "MAIL_FILE_DIR": "/x"})

    assert (settings["MAIL_BACKEND"], settings["MAIL_FILE_DIR"]) == (backend, "/x")


def test_the_usual_postgresql_url_uses_psycopg_3_and_sqlite_is_the_default():
    assert (
        settings_from_env({"DATABASE_URL": "postgresql://u@h/db"})["SQLALCHEMY_DATABASE_URI"]
        == "postgresql+psycopg://u@h/db"
    )
    assert "SQLALCHEMY_DATABASE_URI" not in settings_from_env({})


def test_create_admin_makes_a_site_admin_who_can_get_a_token(app, client):
    made = app.test_cli_runner().invoke(
        args=["create-admin", "--username", "keeper", "--email", "keeper@example.org",
              "--password", "keeper of the square"]
    )  # fmt: skip

    assert made.exit_code == 0, made.output
    issued = client.post(
        "/api/v1/tokens", json={"username": "keeper", "password": "keeper of the square"}
    )
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.get_json()['token']}"})
    assert me.get_json()["is_admin"] is True
