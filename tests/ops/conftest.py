"""An app of its own for a test that needs other settings, on the suite's database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from tests.conftest import RequestClient


@pytest.fixture
def make_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """``make_app(SETTING=value, …)``: the suite's settings, changed; disposed at the end.
    Each app keeps its own rate-limit state (``app.extensions.AppLimiter``)."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PAGE_CACHE_SECONDS": 0,
            "SERVER_NAME": "helpsquare.test",
        }
        other = create_app(config | settings)
        other.test_client_class = RequestClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()
