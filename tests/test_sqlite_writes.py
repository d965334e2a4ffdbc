"""The embedded SQLite default under concurrent writes (security.md, "Caches and methods").

SQLite lets one writer in at a time. A transaction begun DEFERRED that reads first and
writes afterwards cannot upgrade its lock while another is writing (SQLite answers "database
is locked" at once, whatever the busy timeout, to avoid a deadlock), so people voting at the
same moment got 503s. Writing transactions take the lock up front (``BEGIN IMMEDIATE``) and
wait their turn for up to the busy timeout; WAL lets reads go on beside the one writer.

These tests run against an app of their own on a SQLite file, with every request in its own
connection and committing for real: the suite's rolled-back transaction (one connection)
could not show any of it. They run whatever database the rest of the suite uses.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app import create_app
from app.accounts.models import ApiToken
from app.answers.models import Answer, HelpfulVote
from app.db import SQLITE_BEGIN_OPTION
from app.extensions import db
from tests.api.helpers import API, auth, token_for
from tests.factories import make_answer, make_company, make_question, make_user

VOTERS = 16


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app as ``make run`` serves it: a SQLite file, built by the migrations."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'embedded.db'}",
            "SERVER_NAME": "helpsquare.test",
            # Limits stay on (the limiter is one object shared by every app: switching it
            # off here would switch it off for the tests that follow).
            "RATELIMIT_STORAGE_URI": "memory://",
            "EMAIL_VERIFICATION": "off",
            "PAGE_CACHE_SECONDS": 0,
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
        }
    )
    # Built the way the README says, on a database of its own: `flask db upgrade` (its
    # transactions begin IMMEDIATE too).
    # (Commands run in the app context that is current: the suite's is, so push this one.)
    with app.app_context():
        upgraded = app.test_cli_runner().invoke(args=["db", "upgrade"])
        engine = db.engine
    assert upgraded.exit_code == 0, upgraded.output
    # The suite's fixture bound db.session to its own connection: this app gets sessions of
    # its own on its own engine, one per app context (each request, each thread).
    monkeypatch.setattr(
        db, "session", orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    )
    yield app
    engine.dispose()


def _at_once(count: int, request) -> list[int]:  # noqa: ANN001 - a function of the index
    """Run ``request(i)`` for i in 0..count-1, each in its own thread, released together;
    the status codes, in order."""
    start = threading.Barrier(count, timeout=30)
    statuses: list[int | None] = [None] * count
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait()
            statuses[index] = request(index)
        except BaseException as error:  # reported by the test's own thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    return [status for status in statuses if status is not None]


def test_sixteen_people_voting_at_the_same_moment_all_succeed(embedded):
    with embedded.app_context():
        answer = make_answer(make_question(make_company("Acme")), author=make_user("helper"))
        tokens = [token_for(make_user(f"fan{n}")) for n in range(VOTERS)]
        answer_id = answer.id
        db.session.commit()

    def vote(index: int) -> int:
        client = embedded.test_client()
        path = f"{API}/answers/{answer_id}/helpful"
        return client.post(path, headers=auth(tokens[index])).status_code

    statuses = _at_once(VOTERS, vote)

    assert statuses == [200] * VOTERS
    with embedded.app_context():
        helpful = db.session.scalar(sa.select(Answer.helpful_count).where(Answer.id == answer_id))
        rows = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(HelpfulVote)
            .where(HelpfulVote.answer_id == answer_id)
        )
    assert helpful == VOTERS == rows


def test_the_embedded_database_is_in_wal_mode_with_a_busy_timeout(embedded):
    with embedded.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _begins(app: Flask, action) -> list[str]:  # noqa: ANN001 - what to do
    """The BEGIN statements the app's engine runs while ``action()`` runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def test_writing_requests_and_commands_take_the_lock_up_front_and_reads_do_not(embedded):
    with embedded.app_context():
        answer = make_answer(make_question(make_company("Acme")), author=make_user("helper"))
        token = token_for(make_user("fan"))
        answer_id, question_id = answer.id, answer.question_id
        db.session.commit()
    client = embedded.test_client()
    runner = embedded.test_cli_runner()

    read = _begins(embedded, lambda: client.get(f"/questions/{question_id}/x"))
    head = _begins(embedded, lambda: client.head(f"{API}/questions/{question_id}/answers"))
    vote = _begins(
        embedded, lambda: client.post(f"{API}/answers/{answer_id}/helpful", headers=auth(token))
    )
    with embedded.app_context():
        digest = _begins(embedded, lambda: runner.invoke(args=["notifications", "digest"]))

    assert read and set(read) == {"BEGIN"}
    assert head and set(head) == {"BEGIN"}
    assert vote and set(vote) == {"BEGIN IMMEDIATE"}
    assert digest and set(digest) == {"BEGIN IMMEDIATE"}


def test_a_long_read_does_not_hold_up_a_write(embedded):
    # WAL: a writer commits while a read is still going on, and the reader keeps seeing the
    # database as it was when its read began (without WAL the commit waits for the read).
    with embedded.app_context():
        answer = make_answer(make_question(make_company("Acme")), author=make_user("helper"))
        token = token_for(make_user("fan"))
        answer_id = answer.id
        db.session.commit()
        engine = db.engine
    count = sa.select(Answer.helpful_count).where(Answer.id == answer_id)
    with engine.connect().execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}) as reader:
        assert reader.execute(count).scalar_one() == 0  # the read has begun

        voted = embedded.test_client().post(
            f"{API}/answers/{answer_id}/helpful", headers=auth(token)
        )

        assert voted.status_code == 200
        assert reader.execute(count).scalar_one() == 0
    with engine.connect() as later:
        assert later.execute(count).scalar_one() == 1


def test_sixteen_api_reads_whose_tokens_note_their_use_all_succeed(embedded):
    # A GET writes once: its token's "last used" time (at most once a minute). That write
    # takes the lock up front too (app.db.writing), after the read that found the token.
    with embedded.app_context():
        tokens = [token_for(make_user(f"fan{n}"), used_just_now=False) for n in range(VOTERS)]
        db.session.commit()

    def read(index: int) -> int:
        return embedded.test_client().get(f"{API}/me", headers=auth(tokens[index])).status_code

    statuses = _at_once(VOTERS, read)

    assert statuses == [200] * VOTERS
    with embedded.app_context():
        used = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ApiToken)
            .where(ApiToken.last_used_at.is_not(None))
        )
    assert used == VOTERS
