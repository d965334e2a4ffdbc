"""Flags sent at the same moment: two identical flags by one user leave one flag (the
unique constraint, 409 for the other); three spam flags from three users at once hide the
post exactly once, counted exactly (the counter increment locks the flagged post, so the
last of them sees the first two).

On PostgreSQL the flags really race, in threads with connections of their own, on rows
committed for real on an engine of the test's own, deleted again afterwards. SQLite allows
one writer at a time: there the same flags come one after the other and must end the same.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app import content
from app.accounts.models import User
from app.answers.models import Answer
from app.companies.models import Company
from app.db import utcnow
from app.errors import Conflict
from app.extensions import db
from app.moderation import flags
from app.moderation.flag_models import Flag, FlaggedPost
from app.moderation.models import ModerationLogEntry
from app.questions.models import Kind, Question
from app.search.backends import backend_for
from tests.factories import make_answer, make_question, make_user
from tests.moderation.helpers import flagged_of


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def committed(app: Flask) -> Iterator[dict]:
    """An answer and four readers, committed for every connection to see (PostgreSQL)."""
    if not _is_postgresql():
        yield {}
        return
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=6)
    tag = f"flagrace{utcnow().timestamp():.0f}"
    with orm.Session(engine) as session:
        users = [
            User(
                username=f"{tag}u{n}",
                email=f"{tag}u{n}@example.org",
                password_hash="x",
                email_verified_at=utcnow(),
            )
            for n in range(5)
        ]
        company = Company(slug=tag, name=f"Race {tag}", domain=f"{tag}.example.com")
        session.add_all([*users, company])
        session.flush()
        rendered = content.render("Buy cheap watches")
        now = utcnow()
        question = Question(
            company_id=company.id, author_id=users[0].id, kind=Kind.QUESTION, title="Race",
            slug="race", body="Race body", body_html=rendered.html,
            body_renderer_version=rendered.version, created_at=now, updated_at=now,
            last_activity_at=now, answer_count=1,
        )  # fmt: skip
        session.add(question)
        session.flush()
        answer = Answer(
            question_id=question.id, author_id=users[0].id, body="Buy cheap watches",
            body_html=rendered.html, body_renderer_version=rendered.version,
        )  # fmt: skip
        session.add(answer)
        session.commit()
        world = {
            "engine": engine,
            "reader_ids": [u.id for u in users[1:]],
            "user_ids": [u.id for u in users],
            "company_id": company.id,
            "question_id": question.id,
            "answer_id": answer.id,
        }
    try:
        yield world
    finally:
        with orm.Session(engine) as session:
            session.execute(
                sa.delete(ModerationLogEntry).where(
                    ModerationLogEntry.target_id == world["answer_id"]
                )
            )
            session.execute(sa.delete(Company).where(Company.id == world["company_id"]))
            session.execute(sa.delete(User).where(User.id.in_(world["user_ids"])))
            backend_for(session).remove(session, [world["question_id"]])
            session.commit()
        engine.dispose()


def _race(app: Flask, monkeypatch, world: dict, reader_ids: list[int], reason: str) -> list[str]:
    engine = world["engine"]
    monkeypatch.setattr(
        db, "session", orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    )
    start = threading.Barrier(len(reader_ids))
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def flag(reader_id: int) -> None:
        with app.test_request_context():
            try:
                reader = db.session.get(User, reader_id)
                answer = db.session.get(Answer, world["answer_id"])
                start.wait(timeout=10)
                flags.flag_post(reader, answer, reason=reason)
                outcomes.append("flagged")
            except Conflict:
                outcomes.append("conflict")
            except BaseException as error:  # reported by the main thread
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=flag, args=(i,)) for i in reader_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, failures
    return sorted(outcomes)


def _counts(engine: sa.Engine, world: dict) -> tuple:
    with engine.connect() as connection:
        flagged = connection.execute(
            sa.select(FlaggedPost.id, FlaggedPost.flag_count, FlaggedPost.hide_count).where(
                FlaggedPost.answer_id == world["answer_id"]
            )
        ).all()
        rows = connection.execute(
            sa.select(sa.func.count())
            .select_from(Flag)
            .join(FlaggedPost, FlaggedPost.id == Flag.flagged_post_id)
            .where(FlaggedPost.answer_id == world["answer_id"])
        ).scalar_one()
        hidden = connection.execute(
            sa.select(Answer.hidden_at.is_not(None)).where(Answer.id == world["answer_id"])
        ).scalar_one()
        answer_count = connection.execute(
            sa.select(Question.answer_count).where(Question.id == world["question_id"])
        ).scalar_one()
        hides = connection.execute(
            sa.select(sa.func.count())
            .select_from(ModerationLogEntry)
            .where(ModerationLogEntry.target_id == world["answer_id"])
        ).scalar_one()
    return [(count, hide) for _, count, hide in flagged], rows, hidden, answer_count, hides


def test_the_same_flag_twice_at_once_leaves_one(app, monkeypatch, committed):
    if not _is_postgresql():
        reader, answer = make_user(), make_answer(make_question())
        flags.flag_post(reader, answer, reason="spam")
        with pytest.raises(Conflict):
            flags.flag_post(reader, answer, reason="spam")
        assert flagged_of(answer).flag_count == 1
        return
    reader = committed["reader_ids"][0]

    outcomes = _race(app, monkeypatch, committed, [reader, reader], "spam")

    assert outcomes == ["conflict", "flagged"]
    assert _counts(committed["engine"], committed) == ([(1, 1)], 1, False, 1, 0)


def test_three_spam_flags_at_once_hide_the_answer_once(app, monkeypatch, committed):
    if not _is_postgresql():
        answer = make_answer(make_question())
        for _ in range(3):
            flags.flag_post(make_user(), answer, reason="spam")
        assert db.session.get(Answer, answer.id).hidden_at is not None
        return
    readers = committed["reader_ids"][:3]

    outcomes = _race(app, monkeypatch, committed, readers, "spam")

    assert outcomes == ["flagged"] * 3
    assert _counts(committed["engine"], committed) == ([(3, 3)], 3, True, 0, 1)
