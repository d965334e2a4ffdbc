#!/usr/bin/env python
"""The notification fan-out: what answering a question with 10,000 followers costs.

    .venv/bin/python bench/notify_fanout.py          # a temporary SQLite file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hs_notify \
        .venv/bin/python bench/notify_fanout.py      # and PostgreSQL

With DATABASE_URL set it also measures PostgreSQL. THAT DATABASE IS EMPTIED (its ``public``
schema dropped and recreated, as the test suite does): point it at a scratch database.

For each database it builds the schema with the migrations, makes one question with 10
followers and one with 10,000, and times ``answers.services.post_answer`` on each (the
median of ``--runs`` answers, each by a new user, each telling every follower), counting
the SQL statements it runs. ``notify`` writes every follower's notification with one
``INSERT … SELECT`` and bumps their unread counters with one ``UPDATE``: the statement
count is the same for 10 and 10,000 followers. Prints a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.answers import services as answers  # noqa: E402
from app.config import database_url_from_env  # noqa: E402
from app.db import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.notifications.models import Follow, Notification  # noqa: E402
from app.questions import services as questions  # noqa: E402

SIZES = (10, 10_000)


def _empty_postgresql(uri: str) -> None:
    engine = sa.create_engine(uri)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def _make_users(prefix: str, count: int, password_hash: str) -> list[int]:
    """``count`` users in one multi-row INSERT; their ids."""
    now = utcnow()
    db.session.execute(
        sa.insert(User.__table__),
        [
            {
                "username": f"{prefix}{n}",
                "email": f"{prefix}{n}@example.org",
                "display_name": "",
                "password_hash": password_hash,
                "is_admin": False,
                "session_version": 1,
                "unread_notification_count": 0,
                "created_at": now,
                # Verified: only verified addresses are e-mailed, and the fan-out is measured
                # with its e-mails.
                "email_verified_at": now,
            }
            for n in range(count)
        ],
    )
    return list(
        db.session.scalars(
            sa.select(User.id).where(User.username.like(f"{prefix}%")).order_by(User.id)
        )
    )


def _question_with_followers(size: int, password_hash: str) -> Any:
    from app.companies import services as companies

    (asker_id,) = _make_users(f"asker{size}x", 1, password_hash)
    asker = db.session.get(User, asker_id)
    company = companies.create_company(
        asker, name=f"Bench {size}", domain=f"bench{size}.example", description=""
    )
    question = questions.ask_question(
        asker, company, title=f"A question {size} people follow", body="Why?"
    )
    follower_ids = _make_users(f"f{size}x", size - 1, password_hash)  # plus the asker
    db.session.execute(
        sa.insert(Follow.__table__),
        [
            {"user_id": uid, "question_id": question.id, "created_at": utcnow()}
            for uid in follower_ids
        ],
    )
    db.session.commit()
    return question


def _measure(size: int, runs: int, password_hash: str) -> dict[str, Any]:
    question = _question_with_followers(size, password_hash)
    answerer_ids = _make_users(f"answerer{size}x", runs, password_hash)
    db.session.commit()
    times, statements = [], []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            seen.append(statement)

    for answerer_id in answerer_ids:
        answerer = db.session.get(User, answerer_id)
        question = db.session.merge(question)
        seen: list[str] = []
        sa.event.listen(db.engine, "before_cursor_execute", record)
        started = time.perf_counter()
        answers.post_answer(answerer, question, body="Have you tried turning it off and on?")
        elapsed = time.perf_counter() - started
        sa.event.remove(db.engine, "before_cursor_execute", record)
        times.append(elapsed * 1000)
        statements.append(len(seen))
    told = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.question_id == question.id)
    )
    # Every follower once per answer; each answerer follows too, so later answers tell more.
    expected = sum(size + i for i in range(runs))
    if told != expected:
        raise RuntimeError(f"{told} notifications, expected {expected}")
    return {
        "followers": size,
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "statements": sorted(set(statements)),
        "notifications": size,
    }


def run(label: str, uri: str, runs: int) -> list[dict[str, Any]]:
    if uri.startswith("postgresql"):
        _empty_postgresql(uri)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": "bench",
            "SERVER_NAME": "helpsquare.bench",
            "MAIL_SEND": "worker",
            "RATELIMIT_ENABLED": False,
        }
    )
    password_hash = generate_password_hash("bench-password", method="pbkdf2:sha256:1")
    rows = []
    with app.app_context():
        flask_migrate.upgrade()
        with app.test_request_context("/"):
            for size in SIZES:
                result = _measure(size, runs, password_hash)
                result["database"] = label
                rows.append(result)
                median, fastest = result["median_ms"], result["min_ms"]
                print(
                    f"{label}: {size:>6} followers: post_answer median {median:.1f} ms "
                    f"(min {fastest:.1f}), {result['statements']} statements",
                    flush=True,
                )
        db.session.remove()
        db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="answers timed per question")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results += run("SQLite", f"sqlite:///{Path(folder) / 'fanout.db'}", args.runs)
    if os.environ.get("DATABASE_URL"):
        results += run("PostgreSQL", database_url_from_env(os.environ["DATABASE_URL"]), args.runs)
    print()
    print("| database | followers | told per answer | post_answer, median | min | statements |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['database']} | {r['followers']:,} | {r['notifications']:,} | "
            f"{r['median_ms']:.1f} ms | {r['min_ms']:.1f} ms | "
            f"{', '.join(map(str, r['statements']))} |"
        )


if __name__ == "__main__":
    main()
