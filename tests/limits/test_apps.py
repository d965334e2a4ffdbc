"""Several apps in one process (the bench tools, tests with settings of their own): each
keeps its own limits. One built with ``RATELIMIT_ENABLED=False`` limits nothing and
leaves the others' limits on, whichever was built first; each counts in its own storage."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient

from app import limits
from app.db import utcnow
from app.errors import RateLimited
from app.extensions import limiter

# PASSWORD_RESET_LIMITS_PER_ADDRESS: 5 per hour, per network address.
RESETS_LET_IN = 5


def _resets(client: FlaskClient, times: int) -> list[int]:
    """The statuses of ``times`` password-reset requests from one address."""
    return [
        client.post("/forgot-password", data={"email": f"nobody{n}@example.org"}).status_code
        for n in range(times)
    ]


def test_an_app_built_with_limits_off_leaves_an_earlier_apps_limits_on(app, client, make_app):
    off = make_app(RATELIMIT_ENABLED=False)

    refused = _resets(client, RESETS_LET_IN + 1)
    never_refused = _resets(off.test_client(), RESETS_LET_IN + 3)

    assert 429 not in refused[:RESETS_LET_IN]
    assert refused[RESETS_LET_IN] == 429
    assert 429 not in never_refused
    assert app.config["RATELIMIT_ENABLED"] is True


def test_an_app_built_with_limits_on_leaves_an_earlier_app_with_them_off(make_app):
    off = make_app(RATELIMIT_ENABLED=False)
    on = make_app()

    never_refused = _resets(off.test_client(), RESETS_LET_IN + 3)
    refused = _resets(on.test_client(), RESETS_LET_IN + 1)

    assert 429 not in never_refused
    assert 429 not in refused[:RESETS_LET_IN]
    assert refused[RESETS_LET_IN] == 429


def test_two_apps_with_limits_on_count_in_storages_of_their_own(app, client, make_app):
    other = make_app()

    assert _resets(client, RESETS_LET_IN + 1)[-1] == 429
    assert 429 not in _resets(other.test_client(), RESETS_LET_IN)
    with app.app_context():
        suites = limiter.storage
    with other.app_context():
        assert limiter.storage is not suites


def test_the_limits_on_writing_count_in_the_current_apps_storage(app, make_app):
    """app/limits.py counts where the current app's limiter counts: the suite's five
    questions an hour, used up there, leave the other app's untouched."""
    other = make_app()
    author = SimpleNamespace(
        id=987654, is_admin=False, reputation=0, created_at=utcnow() - timedelta(days=30)
    )

    def ask(n: int) -> None:
        limits.admit_question(author, body=f"Question {n} about syncing, in my own words.")

    with app.app_context():
        for n in range(5):
            ask(n)
        with pytest.raises(RateLimited):
            ask(5)
    with other.app_context():
        for n in range(5, 10):
            ask(n)
        with pytest.raises(RateLimited):
            ask(10)
