"""A small forum committed for real, for the tests where requests run at the same moment on
PostgreSQL (each with its own connection, outside the test's rolled-back transaction)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from app import content
from app.accounts.access_tokens import TOKEN_PREFIX, token_digest
from app.accounts.models import ApiToken, User
from app.answers.models import Answer
from app.companies.models import Company
from app.db import utcnow
from app.questions.models import Question


@contextmanager
def committed_forum(app: Flask, *, fans: int, answers: int = 1, pool: int) -> Iterator[dict]:
    """An asker, an answerer with ``answers`` answers to the asker's question on a company of
    its own, and ``fans`` people with API tokens, committed on an engine of the test's own
    (``pool`` connections); everything deleted again afterwards (votes, me-toos, the ledger,
    notifications go with their rows: ON DELETE CASCADE).

    Yields ``engine``, ``user_ids`` (asker, answerer, fans), ``answerer_id``,
    ``company_id``, ``question_id``, ``answer_ids`` and the fans' ``tokens``.
    """
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=pool, max_overflow=8)
    tag = f"crowd{secrets.token_hex(4)}"
    now = utcnow()
    with orm.Session(engine) as session:
        people = [
            User(
                username=f"{tag}{n}",
                email=f"{tag}{n}@example.org",
                password_hash="x",
                email_verified_at=now,
            )
            for n in range(fans + 2)
        ]
        company = Company(slug=tag, name=f"Crowd {tag}", domain=f"{tag}.example.com")
        session.add_all([*people, company])
        session.flush()
        asker, answerer = people[0], people[1]
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
        posted = [
            Answer(
                question_id=question.id,
                author_id=answerer.id,
                body=f"Yes ({n}).",
                body_html=f"<p>Yes ({n}).</p>",
                body_renderer_version=rendered.version,
            )
            for n in range(answers)
        ]
        session.add_all(posted)
        tokens = []
        for fan in people[2:]:
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
            "answerer_id": answerer.id,
            "company_id": company.id,
            "question_id": question.id,
            "answer_ids": [answer.id for answer in posted],
            "tokens": tokens,
        }
    try:
        yield world
    finally:
        with engine.begin() as connection:
            connection.execute(sa.delete(Answer).where(Answer.id.in_(world["answer_ids"])))
            connection.execute(sa.delete(Question).where(Question.id == world["question_id"]))
            connection.execute(sa.delete(Company).where(Company.id == world["company_id"]))
            connection.execute(sa.delete(ApiToken).where(ApiToken.user_id.in_(world["user_ids"])))
            connection.execute(sa.delete(User).where(User.id.in_(world["user_ids"])))
        engine.dispose()
