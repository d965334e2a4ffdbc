"""Many clients vote helpful and say "me too" on the same answer and question at once, each
twice: the counts come out exact, and each person is counted once.

On PostgreSQL the requests really run at the same moment: one thread per request, each
with its own test client, app context, session and connection, over rows committed for
real on an engine of the test's own (and deleted again afterwards). SQLite lets one writer
in at a time, so there the same requests come one after another, interleaved (every client
once, then every client again), and must leave the same exact counts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app.answers.models import Answer, HelpfulVote
from app.extensions import db
from app.questions.models import MeToo, Question
from tests.api.helpers import API, auth, save, token_for
from tests.committed import committed_forum
from tests.factories import make_answer, make_company, make_question, make_user

CLIENTS = 12
TIMES = 2


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _actions(question_id: int, answer_id: int) -> list[str]:
    return [f"{API}/answers/{answer_id}/helpful", f"{API}/questions/{question_id}/me-too"]


def _exact_counts(question_id: int, answer_id: int, session: orm.Session) -> tuple[int, ...]:
    helpful = session.execute(sa.select(Answer.helpful_count).where(Answer.id == answer_id))
    me_too = session.execute(sa.select(Question.me_too_count).where(Question.id == question_id))
    votes = session.execute(
        sa.select(sa.func.count())
        .select_from(HelpfulVote)
        .where(HelpfulVote.answer_id == answer_id)
    )
    me_toos = session.execute(
        sa.select(sa.func.count()).select_from(MeToo).where(MeToo.question_id == question_id)
    )
    return (
        helpful.scalar_one(),
        votes.scalar_one(),
        me_too.scalar_one(),
        me_toos.scalar_one(),
    )


# SQLite: the same requests, one after another -------------------------------------------------


def _one_after_the_other(client) -> None:
    question = make_question(make_company("Acme"))
    answer = make_answer(question)
    tokens = [token_for(make_user(f"fan{n}")) for n in range(CLIENTS)]
    save()

    statuses = []
    for _ in range(TIMES):
        for token in tokens:
            for path in _actions(question.id, answer.id):
                statuses.append(client.post(path, headers=auth(token)).status_code)

    assert statuses == [200] * (CLIENTS * TIMES * 2)
    db.session.expire_all()
    assert _exact_counts(question.id, answer.id, db.session) == (CLIENTS,) * 4
    # And withdrawn the same way: each withdrawal counts once.
    for _ in range(TIMES):
        for token in tokens[: CLIENTS // 2]:
            for path in _actions(question.id, answer.id):
                assert client.delete(path, headers=auth(token)).status_code == 200
    db.session.expire_all()
    assert _exact_counts(question.id, answer.id, db.session) == (CLIENTS - CLIENTS // 2,) * 4


# PostgreSQL: real concurrency ------------------------------------------------------------------


@pytest.fixture
def committed_world(app: Flask) -> Iterator[dict]:
    """An asker, an answerer, CLIENTS fans with tokens, a company, a question and an answer,
    committed for every connection to see; deleted again afterwards. PostgreSQL only."""
    if not _is_postgresql():
        yield {}
        return
    with committed_forum(app, fans=CLIENTS, pool=CLIENTS * TIMES * 2 + 2) as world:
        (world["answer_id"],) = world["answer_ids"]
        yield world


def test_concurrent_helpful_votes_and_me_toos_leave_exact_counts(
    app, client, monkeypatch, committed_world
):
    if not _is_postgresql():
        _one_after_the_other(client)
        return
    world = committed_world
    engine = world["engine"]
    # Each request's app context gets its own session on the test's own engine, hence its
    # own connection, outside the test's rolled-back transaction.
    monkeypatch.setattr(
        db, "session", orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    )
    requests = [
        (token, path)
        for token in world["tokens"]
        for path in _actions(world["question_id"], world["answer_id"])
        for _ in range(TIMES)
    ]
    start = threading.Barrier(len(requests), timeout=30)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def send(token: str, path: str) -> None:
        try:
            own_client = app.test_client()
            start.wait()  # every request leaves at the same moment
            statuses.append(own_client.post(path, headers=auth(token)).status_code)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert statuses == [200] * len(requests)
    with orm.Session(engine) as session:
        counts = _exact_counts(world["question_id"], world["answer_id"], session)
    assert counts == (CLIENTS,) * 4
