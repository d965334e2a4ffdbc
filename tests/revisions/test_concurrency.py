"""Edits saved at the same moment each keep a version: none is lost from the history, none is
kept twice, and no request fails.

On PostgreSQL the requests really run at once (one thread, client, session and connection
each, over rows committed for real and deleted afterwards), as in tests/api/test_concurrency.py.
SQLite lets one writer in at a time, so there the same requests come one after another.
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
from app.answers.models import Answer
from app.companies.models import Company
from app.db import utcnow
from app.extensions import db
from app.moderation.models import AnswerRevision, QuestionRevision
from app.questions.models import Question
from tests.api.helpers import API, auth, save, token_for
from tests.factories import make_answer, make_company, make_question, make_user

EDITS = 8
ORIGINAL = "The original words."


def _bodies(session: orm.Session, question_id: int, answer_id: int) -> tuple[list, list]:
    """(number, body) of every kept version and the post now, for the question and answer."""
    histories = []
    for model, column, post, post_id in (
        (QuestionRevision, QuestionRevision.question_id, Question, question_id),
        (AnswerRevision, AnswerRevision.answer_id, Answer, answer_id),
    ):
        rows = session.execute(
            sa.select(model.number, model.body).where(column == post_id).order_by(model.number)
        ).all()
        now = session.execute(sa.select(post.body).where(post.id == post_id)).scalar_one()
        histories.append([tuple(row) for row in rows] + [(len(rows) + 1, now)])
    return histories[0], histories[1]


def _assert_every_edit_kept_once(history: list[tuple[int, str]], written: set[str]) -> None:
    assert [number for number, _ in history] == list(range(1, EDITS + 2))
    assert history[0][1] == ORIGINAL
    assert {body for _, body in history[1:]} == written


def _requests(question_id: int, answer_id: int) -> list[tuple[str, dict]]:
    return [
        (f"{API}/{kind}/{post_id}", {"body": f"Edit number {n} of the {kind}."})
        for n in range(EDITS)
        for kind, post_id in (("questions", question_id), ("answers", answer_id))
    ]


def _written(kind: str) -> set[str]:
    return {f"Edit number {n} of the {kind}." for n in range(EDITS)}


@pytest.fixture
def committed_post(app: Flask) -> Iterator[dict]:
    """An author with a token per request, a question and an answer of theirs, committed
    for every connection to see; deleted again afterwards. PostgreSQL only."""
    if db.engine.dialect.name != "postgresql":
        yield {}
        return
    engine = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], pool_size=EDITS * 2 + 2, max_overflow=4
    )
    tag = f"editor{secrets.token_hex(4)}"
    rendered = content.render(ORIGINAL)
    with orm.Session(engine) as session:
        author = User(
            username=tag,
            email=f"{tag}@example.org",
            password_hash="x",
            email_verified_at=utcnow(),
        )
        company = Company(slug=tag, name=f"Edits {tag}", domain=f"{tag}.example.com")
        session.add_all([author, company])
        session.flush()
        question = Question(
            company_id=company.id,
            author_id=author.id,
            title="Edited by many at once",
            slug="edited",
            body=ORIGINAL,
            body_html=rendered.html,
            body_renderer_version=rendered.version,
        )
        session.add(question)
        session.flush()
        answer = Answer(
            question_id=question.id,
            author_id=author.id,
            body=ORIGINAL,
            body_html=rendered.html,
            body_renderer_version=rendered.version,
        )
        session.add(answer)
        tokens = []
        for _ in range(EDITS * 2):
            secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
            tokens.append(secret)
            session.add(
                ApiToken(
                    user_id=author.id,
                    token_hash=token_digest(secret),
                    hint=secret[:8],
                    created_at=utcnow(),
                )
            )
        session.commit()
        world = {
            "engine": engine,
            "author_id": author.id,
            "company_id": company.id,
            "question_id": question.id,
            "answer_id": answer.id,
            "tokens": tokens,
        }
    try:
        yield world
    finally:
        with engine.begin() as connection:
            # Revisions, the search entry and the follows go with the question (CASCADE).
            connection.execute(sa.delete(Question).where(Question.id == world["question_id"]))
            connection.execute(sa.delete(Company).where(Company.id == world["company_id"]))
            connection.execute(sa.delete(ApiToken).where(ApiToken.user_id == world["author_id"]))
            connection.execute(sa.delete(User).where(User.id == world["author_id"]))
        engine.dispose()


def test_edits_saved_at_once_each_keep_one_version(app, client, monkeypatch, committed_post):
    if db.engine.dialect.name != "postgresql":
        author = make_user("author")
        question = make_question(make_company("Acme"), author=author, body=ORIGINAL)
        answer = make_answer(question, author=author, body=ORIGINAL)
        token = token_for(author)
        save()
        statuses = [
            client.patch(path, json=body, headers=auth(token)).status_code
            for path, body in _requests(question.id, answer.id)
        ]
        assert statuses == [200] * (EDITS * 2)
        db.session.expire_all()
        questions, answers = _bodies(db.session, question.id, answer.id)
        _assert_every_edit_kept_once(questions, _written("questions"))
        _assert_every_edit_kept_once(answers, _written("answers"))
        return

    world = committed_post
    engine = world["engine"]
    monkeypatch.setattr(
        db, "session", orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    )
    requests = _requests(world["question_id"], world["answer_id"])
    start = threading.Barrier(len(requests), timeout=30)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def send(token: str, path: str, body: dict) -> None:
        try:
            own_client = app.test_client()
            start.wait()  # every edit leaves at the same moment
            statuses.append(own_client.patch(path, json=body, headers=auth(token)).status_code)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [
        threading.Thread(target=send, args=(token, path, body))
        for token, (path, body) in zip(world["tokens"], requests, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert statuses == [200] * len(requests)
    with orm.Session(engine) as session:
        questions, answers = _bodies(session, world["question_id"], world["answer_id"])
    _assert_every_edit_kept_once(questions, _written("questions"))
    _assert_every_edit_kept_once(answers, _written("answers"))
