"""Fixtures: one app and schema per run (built by the migrations), one rolled-back
transaction per test, a test client and ``login_as``.

The suite runs on a temporary SQLite file by default, and on PostgreSQL when
``DATABASE_URL`` is set (the database is emptied first: point it at a test database).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app import create_app
from app.config import database_url_from_env
from app.db import SQLITE_BEGIN_OPTION
from app.extensions import db, limiter


def _database_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return database_url_from_env(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _empty_database(uri: str) -> None:
    if not uri.startswith("postgresql"):
        return
    engine = sa.create_engine(uri)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    uri = _database_uri(tmp_path_factory)
    _empty_database(uri)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": uri,
            # CSRF has its own tests (tests/test_security.py) that switch it back on.
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            # Pages are cached in tests/test_page_cache.py only: the other tests roll back,
            # so the same question id comes back with other content.
            "PAGE_CACHE_SECONDS": 0,
            "SERVER_NAME": "helpsquare.test",
            # Images (app/uploads) go to a folder of the test run, never instance/uploads.
            "UPLOADS_DIR": str(tmp_path_factory.mktemp("uploads")),
        }
    )
    app.test_client_class = RequestClient
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[None]:
    """Every test runs in a transaction that is rolled back at its end.

    Sessions join it through savepoints, so a service's commit (or a view's
    rollback) stays inside the test. On SQLite it begins DEFERRED (app.db): it takes the
    write lock only once the test writes, so a test's own other connections may write too.
    """
    with app.app_context():
        connection = db.engine.connect().execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
        outer = connection.begin()
        original_session = db.session
        factory = orm.sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=True
        )
        db.session = orm.scoped_session(factory, scopefunc=_app_ctx_id)
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original_session
            outer.rollback()
            connection.close()


class RequestClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Flask would otherwise reuse the test's app context for the request, so ``g`` (where
    Flask-Login caches the signed-in user, and the CSP nonce lives) and the database
    session would carry over from one request to the next.

    Like a server, it reads the whole response and then closes it, which runs the work
    done after the response (``app.mail.after_response``). ``buffered=False`` leaves the
    response open, for a test that looks at the moment the answer is made.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003 - FlaskClient.open's signature
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login_as(client: FlaskClient, user) -> FlaskClient:  # noqa: ANN001 - any User
    """Sign ``user`` in on ``client`` without going through the (rate-limited) form."""
    # Its own app context, like a request: the test's context (its session, its g and
    # any mail its service calls queued) stays untouched.
    with client.application.app_context(), client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def count_queries(app: Flask):
    """Count the SQL statements run inside a ``with count_queries() as counter:`` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def page_cache_on(app: Flask) -> Iterator[None]:
    """The page cache on (the suite turns it off), empty before and after the test."""
    from app.extensions import cache

    app.config["PAGE_CACHE_SECONDS"] = 60
    with app.app_context():
        cache.clear()
    yield
    app.config["PAGE_CACHE_SECONDS"] = 0
    with app.app_context():
        cache.clear()
