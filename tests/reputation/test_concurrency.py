"""Concurrent votes keep the points exact: many people voting on one person's two answers at
the same moment, each twice, some withdrawing at the same time, leave a reputation (and
company and monthly totals) equal to the votes that stand, and to the recomputation.

On PostgreSQL the requests really run at once (a thread each, with its own client, session
and connection, over rows committed for real and deleted afterwards), as in
tests/api/test_concurrency.py. SQLite lets one writer in at a time, so there the same
requests come one after another, interleaved, and must leave the same exact totals.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app import content
from app.accounts.access_tokens import TOKEN_PREFIX, token_digest
from app.accounts.models import ApiToken, User
from app.answers.models import Answer, HelpfulVote
from app.companies.models import Company
from app.db import utcnow
from app.extensions import db
from app.questions.models import Question
from app.reputation import recompute
from tests.api.helpers import API, auth, save, token_for
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
    """A peer with two answers on Acme's question, VOTERS fans with tokens (the first few
    voted for the first answer already), committed for every connection to see; deleted
    again afterwards. PostgreSQL only."""
    if not _is_postgresql():
        yield {}
        return
    engine = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], pool_size=VOTERS * 4 + 2, max_overflow=8
    )
    tag = f"race{secrets.token_hex(4)}"
    now = utcnow()
    with orm.Session(engine) as session:
        people = [
            User(
                username=f"{tag}{n}",
                email=f"{tag}{n}@example.org",
                password_hash="x",
                email_verified_at=now,
            )
            for n in range(VOTERS + 2)
        ]
        company = Company(slug=tag, name=f"Race {tag}", domain=f"{tag}.example.com")
        session.add_all([*people, company])
        session.flush()
        asker, peer, fans = people[0], people[1], people[2:]
        rendered = content.render("Does it work for you?")
        question = Question(
            company_id=company.id,
            author_id=asker.id,
            title="Does it work for everyone?",
            slug="does-it-work",
            body="Does it work for you?",
            body_html=rendered.html,
            body_renderer_version=rendered.version,
        )
        session.add(question)
        session.flush()
        answers = [
            Answer(
                question_id=question.id,
                author_id=peer.id,
                body=f"Yes ({n}).",
                body_html=f"<p>Yes ({n}).</p>",
                body_renderer_version=rendered.version,
            )
            for n in range(2)
        ]
        session.add_all(answers)
        tokens = []
        for fan in fans:
            secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
            tokens.append(secret)
            session.add(
                ApiToken(
                    user_id=fan.id, token_hash=token_digest(secret), hint=secret[:8], created_at=now
                )
            )
        session.commit()
        world = {
            "engine": engine,
            "user_ids": [person.id for person in people],
            "peer_id": peer.id,
            "company_id": company.id,
            "question_id": question.id,
            "answer_ids": [answer.id for answer in answers],
            "tokens": tokens,
        }
    try:
        yield world
    finally:
        with engine.begin() as connection:
            # Everything hangs off these rows and goes with them (ON DELETE CASCADE): votes,
            # the ledger, the totals, notifications, badges.
            connection.execute(sa.delete(Answer).where(Answer.id.in_(world["answer_ids"])))
            connection.execute(sa.delete(Question).where(Question.id == world["question_id"]))
            connection.execute(sa.delete(Company).where(Company.id == world["company_id"]))
            connection.execute(sa.delete(ApiToken).where(ApiToken.user_id.in_(world["user_ids"])))
            connection.execute(sa.delete(User).where(User.id.in_(world["user_ids"])))
        engine.dispose()


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
            sa.select(User.reputation).where(User.id == world["peer_id"])
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
