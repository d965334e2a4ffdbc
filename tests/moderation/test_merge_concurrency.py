"""Merging the same duplicate several times at once leaves one merge: one request succeeds,
the others hear it is already merged (409), one log line, counters equal to the rows.

On PostgreSQL the requests really run at once (one thread, client, session and connection
each, over rows committed for real and deleted afterwards), as in
tests/revisions/test_concurrency.py. SQLite lets one writer in at a time, so there the same
requests come one after another.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app import content
from app.accounts.access_tokens import TOKEN_PREFIX, token_digest
from app.accounts.models import ApiToken, User
from app.companies.models import Company
from app.db import utcnow
from app.extensions import db
from app.moderation.models import ModerationAction, ModerationLogEntry
from app.questions.models import MeToo, Question
from tests.api.helpers import API, auth, save, token_for
from tests.factories import make_company, make_question, make_user

REQUESTS = 6


def _outcome(session: orm.Session, original_id: int, duplicate_id: int) -> tuple:
    merged_into = session.scalar(
        sa.select(Question.merged_into_id).where(Question.id == duplicate_id)
    )
    me_too_count = session.scalar(
        sa.select(Question.me_too_count).where(Question.id == original_id)
    )
    me_too_rows = session.scalar(
        sa.select(sa.func.count()).select_from(MeToo).where(MeToo.question_id == original_id)
    )
    logged = session.scalar(
        sa.select(sa.func.count())
        .select_from(ModerationLogEntry)
        .where(
            ModerationLogEntry.action == ModerationAction.MERGE,
            ModerationLogEntry.target_id == duplicate_id,
        )
    )
    return merged_into, me_too_count, me_too_rows, logged


@pytest.fixture
def committed_pair(app: Flask) -> Iterator[dict]:
    """A moderator with a token per request, an original and a later duplicate (asked by
    someone else), committed for every connection to see; deleted afterwards. PostgreSQL
    only."""
    if db.engine.dialect.name != "postgresql":
        yield {}
        return
    engine = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], pool_size=REQUESTS + 2, max_overflow=4
    )
    tag = f"merger{secrets.token_hex(4)}"
    rendered = content.render("It stops.")
    now = utcnow()
    with orm.Session(engine) as session:
        people = [
            User(
                username=f"{tag}{n}",
                email=f"{tag}{n}@example.org",
                password_hash="x",
                email_verified_at=now,
                is_moderator=n == 0,
            )
            for n in range(3)
        ]
        company = Company(slug=tag, name=f"Merges {tag}", domain=f"{tag}.example.com")
        session.add_all([*people, company])
        session.flush()
        questions = [
            Question(
                company_id=company.id,
                author_id=people[n + 1].id,
                title=f"Sync stops, take {n}",
                slug="sync-stops",
                body="It stops.",
                body_html=rendered.html,
                body_renderer_version=rendered.version,
                created_at=now - timedelta(days=1 - n),
            )
            for n in range(2)
        ]
        session.add_all(questions)
        session.flush()
        tokens = []
        for _ in range(REQUESTS):
            secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
            tokens.append(secret)
            session.add(
                ApiToken(
                    user_id=people[0].id,
                    token_hash=token_digest(secret),
                    hint=secret[:8],
                    created_at=now,
                )
            )
        session.commit()
        world = {
            "engine": engine,
            "user_ids": [person.id for person in people],
            "company_id": company.id,
            "original_id": questions[0].id,
            "duplicate_id": questions[1].id,
            "tokens": tokens,
        }
    try:
        yield world
    finally:
        with engine.begin() as connection:
            connection.execute(
                sa.delete(ModerationLogEntry).where(
                    ModerationLogEntry.target_id == world["duplicate_id"],
                    ModerationLogEntry.action == ModerationAction.MERGE,
                )
            )
            for key in ("duplicate_id", "original_id"):
                connection.execute(sa.delete(Question).where(Question.id == world[key]))
            connection.execute(sa.delete(Company).where(Company.id == world["company_id"]))
            connection.execute(sa.delete(ApiToken).where(ApiToken.user_id.in_(world["user_ids"])))
            connection.execute(sa.delete(User).where(User.id.in_(world["user_ids"])))
        engine.dispose()


def test_merging_the_same_question_at_once_leaves_one_merge(
    app, client, monkeypatch, committed_pair
):
    if db.engine.dialect.name != "postgresql":
        moderator = make_user("mod", is_moderator=True)
        acme = make_company("Acme", domain="acme.example")
        original = make_question(acme, age=timedelta(days=1))
        duplicate = make_question(acme)
        token = token_for(moderator)
        save()
        statuses = [
            client.post(
                f"{API}/questions/{duplicate.id}/merge",
                json={"into": original.id},
                headers=auth(token),
            ).status_code
            for _ in range(REQUESTS)
        ]
        assert statuses == [200] + [409] * (REQUESTS - 1)
        db.session.expire_all()
        assert _outcome(db.session, original.id, duplicate.id) == (original.id, 1, 1, 1)
        return

    world = committed_pair
    engine = world["engine"]
    monkeypatch.setattr(
        db, "session", orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    )
    path = f"{API}/questions/{world['duplicate_id']}/merge"
    start = threading.Barrier(REQUESTS, timeout=30)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def send(token: str) -> None:
        try:
            own_client = app.test_client()
            start.wait()  # every merge leaves at the same moment
            response = own_client.post(
                path, json={"into": world["original_id"]}, headers=auth(token)
            )
            statuses.append(response.status_code)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=send, args=(token,)) for token in world["tokens"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert sorted(statuses) == [200] + [409] * (REQUESTS - 1)
    with orm.Session(engine) as session:
        # The duplicate's asker became the one "me too" of the original, once.
        assert _outcome(session, world["original_id"], world["duplicate_id"]) == (
            world["original_id"],
            1,
            1,
            1,
        )
