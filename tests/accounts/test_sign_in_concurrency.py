"""Thirty wrong passwords sent at the same moment: no more password checks run than the
limit allows, because each attempt takes its place in the counts with one atomic increment
before its password is checked (app/accounts/throttle.py).

Each request runs in a thread of its own, with its own app context, database session and
connection. A password check does not finish until every request has either started its
check or been refused: so every check runs at the same time as every other, which is
exactly when "check the limit, then count the failure" lets them all through.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app.accounts import services
from app.accounts.throttle import Count, Places, take_places
from app.errors import RateLimited
from app.extensions import db

ATTEMPTS = 30
LIMIT = 6  # SIGNIN_LIMITS_PER_ADDRESS and ..._PER_ACCOUNT_AND_ADDRESS allow 6 a minute
PATIENCE = 20  # seconds a check waits for the others before the test gives up on them


@pytest.fixture
def own_sessions(app) -> Iterator[None]:  # noqa: ANN001
    """Requests get sessions of their own on an engine of the test's own: the test's
    transaction is one connection, which threads cannot share. Only reads happen."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=ATTEMPTS + 2)
    test_session = db.session
    db.session = orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    try:
        yield
    finally:
        db.session.remove()
        db.session = test_session
        engine.dispose()


def test_thirty_wrong_passwords_at_once_get_at_most_the_limit_of_password_checks(
    app, monkeypatch, own_sessions
):
    lock = threading.Lock()
    everyone_decided = threading.Event()
    decided = 0
    checks = 0
    real_check = services.check_password_hash

    def decide() -> None:
        nonlocal decided
        with lock:
            decided += 1
            if decided == ATTEMPTS:
                everyone_decided.set()

    def slow_check(password_hash: str, password: str) -> bool:
        nonlocal checks
        with lock:
            checks += 1
        decide()
        everyone_decided.wait(PATIENCE)
        return real_check(password_hash, password)

    monkeypatch.setattr(services, "check_password_hash", slow_check)
    statuses: list[int] = []
    start = threading.Barrier(ATTEMPTS)

    def attempt() -> None:
        client = app.test_client()
        start.wait()
        response = client.post(
            "/sign-in",
            data={"login": "ghost", "password": "certainly not the password"},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        )
        if response.status_code != 422:  # refused without a check
            decide()
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert checks == LIMIT
    assert sorted(statuses) == [422] * LIMIT + [429] * (ATTEMPTS - LIMIT)
    # And the count stays full afterwards: the places were kept.
    assert (
        app.test_client()
        .post(
            "/sign-in",
            data={"login": "someone", "password": "certainly not the password"},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        )
        .status_code
        == 429
    )


def test_places_in_a_count_are_taken_atomically_and_given_back(app):
    """The primitive every password check uses (sign-in, API tokens, the current password):
    of 40 threads taking a place in a count of 5 at the same moment, exactly 5 get one;
    once two of them give theirs back, exactly two more do."""
    count = [Count("test:atomic", "5 per minute")]
    start = threading.Barrier(40)
    lock = threading.Lock()
    held: list[Places] = []
    refused = 0

    def take() -> None:
        nonlocal refused
        with app.app_context():
            start.wait()
            try:
                places = take_places(count, "Wait {wait}.")
            except RateLimited:
                with lock:
                    refused += 1
            else:
                with lock:
                    held.append(places)

    threads = [threading.Thread(target=take) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (len(held), refused) == (5, 35)
    held[0].give_back()
    held[1].give_back()
    again = []
    for _ in range(3):
        try:
            again.append(take_places(count, "Wait {wait}."))
        except RateLimited as error:
            assert error.retry_after > 0 and error.message.startswith("Wait a minute")
    assert len(again) == 2
