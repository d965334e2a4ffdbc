"""Concurrent votes keep the points exact: many people voting on one person's two answers at
the same moment, each twice, some withdrawing at the same time, leave a reputation (and
company and monthly totals) equal to the votes that stand, and to the recomputation.

On PostgreSQL the requests really run at once (a thread each, with its own client, session
and connection, over rows committed for real and deleted afterwards), as in
tests/api/test_concurrency.py. SQLite lets one writer in at a time, so there the same
requests come one after another, interleaved, and must leave the same exact totals.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app.accounts.models import User
from app.answers.models import HelpfulVote
from app.extensions import db
from app.reputation import recompute
from tests.api.helpers import API, auth, save, token_for
from tests.committed import committed_forum
from tests.factories import make_answer, make_company, make_question, make_user

VOTERS = 12
TIMES = 2
WITHDRAWING = VOTERS // 3  # of the first answer's voters, who voted before the race


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _requests(tokens: list[str], first: int, second: int) -> list[tuple[str, str, str]]:
    """(method, path, token): every voter votes for both answers, twice; the first
    ``WITHDRAWING`` withdraw their earlier vote on the first answer, twice."""
    votes = [
        ("POST", f"{API}/answers/{answer}/helpful", token)
        for token in tokens[WITHDRAWING:]
        for answer in (first, second)
        for _ in range(TIMES)
    ]
    votes += [
        ("POST", f"{API}/answers/{second}/helpful", token)
        for token in tokens[:WITHDRAWING]
        for _ in range(TIMES)
    ]
    withdrawals = [
        ("DELETE", f"{API}/answers/{first}/helpful", token)
        for token in tokens[:WITHDRAWING]
        for _ in range(TIMES)
    ]
    return votes + withdrawals


EXPECTED = 10 * (2 * VOTERS - WITHDRAWING)


def _one_after_the_other(client) -> None:  # noqa: ANN001
    peer = make_user("peer")
    question = make_question(make_company("Acme"))
    first, second = make_answer(question, author=peer), make_answer(question, author=peer)
    tokens = [token_for(make_user(f"fan{n}")) for n in range(VOTERS)]
    save()
    for token in tokens[:WITHDRAWING]:
        assert (
            client.post(f"{API}/answers/{first.id}/helpful", headers=auth(token)).status_code == 200
        )

    for method, path, token in _requests(tokens, first.id, second.id):
        assert client.open(path, method=method, headers=auth(token)).status_code == 200

    db.session.expire_all()
    assert db.session.get(User, peer.id).reputation == EXPECTED
    assert recompute.check(db.session.connection(), db.metadata).ok


@pytest.fixture
def committed_world(app: Flask) -> Iterator[dict]:
    """A peer with two answers to a question, VOTERS fans with tokens, committed for every
    connection to see; deleted again afterwards. PostgreSQL only."""
    if not _is_postgresql():
        yield {}
        return
    with committed_forum(app, fans=VOTERS, answers=2, pool=VOTERS * 4 + 2) as world:
        yield world


def test_concurrent_votes_keep_the_points_exact(app, client, monkeypatch, committed_world):
    if not _is_postgresql():
        _one_after_the_other(client)
        return
    world = committed_world
    engine = world["engine"]
    monkeypatch.setattr(
        db, "session", orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    )
    first, second = world["answer_ids"]
    for token in world["tokens"][:WITHDRAWING]:  # the votes withdrawn in the race
        assert (
            app.test_client()
            .post(f"{API}/answers/{first}/helpful", headers=auth(token))
            .status_code
            == 200
        )
    requests = _requests(world["tokens"], first, second)
    start = threading.Barrier(len(requests), timeout=30)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def send(method: str, path: str, token: str) -> None:
        try:
            own_client = app.test_client()
            start.wait()  # every request leaves at the same moment
            statuses.append(own_client.open(path, method=method, headers=auth(token)).status_code)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert statuses == [200] * len(requests)
    with engine.connect() as connection:
        reputation = connection.scalar(
            sa.select(User.reputation).where(User.id == world["answerer_id"])
        )
        votes = connection.scalar(
            sa.select(sa.func.count())
            .select_from(HelpfulVote)
            .where(HelpfulVote.answer_id.in_(world["answer_ids"]))
        )
        report = recompute.check(connection, db.metadata)
    assert votes == 2 * VOTERS - WITHDRAWING
    assert reputation == EXPECTED
    assert report.ok, report
