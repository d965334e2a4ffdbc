"""RATELIMIT_ENABLED=false (test suites, load tests, the browser suite): nothing is counted,
and signing in, signing up and getting a token still work through both doors.

Flask-Limiter keeps no storage at all when it is off, so any code that reaches for it
fails: a right password once gave a 500 here.
"""

from __future__ import annotations

import flask_migrate
import pytest
from flask import Flask

from app import create_app
from app.accounts import services as account_services
from app.extensions import db

PASSWORD = "correct horse battery"


@pytest.fixture
def unlimited(tmp_path) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/off.db",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "helpsquare.test",
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        account_services.create_site_admin(username="dana", email="dana@x.org", password=PASSWORD)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_signing_in_with_limits_off(unlimited):
    client = unlimited.test_client()

    wrong = client.post("/sign-in", data={"login": "dana", "password": "not it at all"})
    right = client.post("/sign-in", data={"login": "dana", "password": PASSWORD})

    assert wrong.status_code == 422  # refused at the field, not a 500
    assert right.status_code == 302
    assert "Welcome back" in client.get("/").get_data(as_text=True)


def test_tokens_with_limits_off(unlimited):
    client = unlimited.test_client()

    made = client.post("/api/v1/tokens", json={"username": "dana", "password": PASSWORD})

    assert made.status_code == 201
    assert made.get_json()["token"].startswith("hsp_")
