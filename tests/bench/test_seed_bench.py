"""flask seed-bench: a tiny benchmark forum, loaded in bulk, is consistent and renders.

The generator writes into its own database, never the suite's: a temporary SQLite file,
or (when the suite runs on PostgreSQL) a sibling database named after the suite's with
``_seed`` appended, created for the test and dropped after it, so the COPY path is
exercised too. The benchmark itself (bench/run.py) is not part of the test run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.bench_data import BENCH_PASSWORD, _id_ranges, plan_forum, rebuild_search_index
from app.config import database_url_from_env
from app.content import render
from app.extensions import db
from app.questions.models import STATUSES_BY_KIND, Kind
from app.reputation.recompute import check

SIZES = ["--companies", "6", "--questions", "80", "--answers-per-question", "3"]


@pytest.fixture(scope="module")
def bench_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database of the suite's kind that only the generator writes to."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.db'}"
        return
    url = sa.engine.make_url(database_url_from_env(suite_url))
    name = f"{url.database}_seed"
    admin = sa.create_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
    )
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def ordinary_session() -> Iterator[None]:
    """The suite swaps ``db.session`` for one bound to each test's transaction in the
    suite's database; an app on the generator's database needs an ordinary one back."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db, "session", db._make_scoped_session({}))
        yield


@pytest.fixture(scope="module")
def forum(app: Flask, bench_url: str) -> str:
    """One tiny forum for the whole module (loading it is the slow part); its URL."""
    with ordinary_session():  # the search index rebuild reads through db.session
        result = seed(app, bench_url, "--seed", "7")
    assert result.exit_code == 0, result.output
    return bench_url


def seed(app: Flask, url: str, *args: str):
    return app.test_cli_runner().invoke(
        args=["seed-bench", *SIZES, "--database-url", url, "--quiet", *args]
    )


def scalar(connection: sa.Connection, sql: str) -> int:
    return connection.exec_driver_sql(sql).scalar_one()


def test_seed_bench_loads_a_consistent_forum(forum):
    engine = sa.create_engine(forum, poolclass=sa.pool.NullPool)
    with engine.connect() as c:
        assert scalar(c, "SELECT count(*) FROM questions") == 80
        assert scalar(c, "SELECT count(*) FROM answers") == 240
        assert scalar(c, "SELECT count(*) FROM companies") == 6
        # Every counter equals the rows it counts.
        assert (
            scalar(
                c,
                """SELECT count(*) FROM questions q WHERE answer_count <>
            (SELECT count(*) FROM answers a WHERE a.question_id = q.id)""",
            )
            == 0
        )
        assert (
            scalar(
                c,
                """SELECT count(*) FROM questions q WHERE me_too_count <>
            (SELECT count(*) FROM me_toos m WHERE m.question_id = q.id)""",
            )
            == 0
        )
        assert (
            scalar(
                c,
                """SELECT count(*) FROM answers a WHERE helpful_count <>
            (SELECT count(*) FROM helpful_votes v WHERE v.answer_id = a.id)""",
            )
            == 0
        )
        assert (
            scalar(
                c,
                """SELECT count(*) FROM companies co WHERE question_count <>
            (SELECT count(*) FROM questions q WHERE q.company_id = co.id) OR product_count <>
            (SELECT count(*) FROM products p WHERE p.company_id = co.id)""",
            )
            == 0
        )
        assert (
            scalar(
                c,
                """SELECT count(*) FROM products p WHERE question_count <>
            (SELECT count(*) FROM questions q WHERE q.product_id = p.id)""",
            )
            == 0
        )
        # Nobody votes for their own answer or says "me too" on their own question.
        assert (
            scalar(
                c,
                """SELECT count(*) FROM helpful_votes v
            JOIN answers a ON a.id = v.answer_id WHERE a.author_id = v.user_id""",
            )
            == 0
        )
        assert (
            scalar(
                c,
                """SELECT count(*) FROM me_toos m
            JOIN questions q ON q.id = m.question_id WHERE q.author_id = m.user_id""",
            )
            == 0
        )
        # A best answer is one of the question's own; official answers come from staff who
        # had joined the company when they posted; last activity is the latest answer.
        assert (
            scalar(
                c,
                """SELECT count(*) FROM questions q JOIN answers a
            ON a.id = q.best_answer_id WHERE a.question_id <> q.id""",
            )
            == 0
        )
        assert (
            scalar(
                c,
                """SELECT count(*) FROM answers a JOIN questions q ON q.id = a.question_id
            WHERE a.is_official AND NOT EXISTS (SELECT 1 FROM memberships m
              WHERE m.company_id = q.company_id AND m.user_id = a.author_id
              AND m.created_at <= a.created_at)""",
            )
            == 0
        )
        assert (
            scalar(
                c,
                """SELECT count(*) FROM questions q WHERE has_official_answer <>
            EXISTS (SELECT 1 FROM answers a WHERE a.question_id = q.id AND a.is_official)""",
            )
            == 0
        )
        assert (
            scalar(
                c,
                """SELECT count(*) FROM questions q WHERE last_activity_at <
            (SELECT max(created_at) FROM answers a WHERE a.question_id = q.id)""",
            )
            == 0
        )
        assert scalar(c, "SELECT count(*) FROM questions WHERE best_answer_id IS NOT NULL") > 0
        assert scalar(c, "SELECT count(*) FROM answers WHERE is_official") > 0
        # The search index covers every question.
        assert scalar(c, "SELECT count(*) FROM search_index") == 80
        rows = c.execute(
            sa.text("SELECT kind, status, best_answer_id, has_official_answer FROM questions")
        ).all()
        bodies = c.execute(
            sa.text(
                "SELECT body, body_html FROM questions"
                " UNION ALL SELECT body, body_html FROM answers"
            )
        ).all()
    engine.dispose()
    for kind, status, best, official in rows:
        assert status in STATUSES_BY_KIND[Kind(kind)]
        if kind == "question":
            assert (status == "answered") == bool(best or official)
    # Stored HTML is exactly what the app's renderer makes of the stored Markdown.
    assert all(render(body).html == html for body, html in bodies)


def test_seed_bench_pages_render_and_users_sign_in(forum):
    bench = create_app(
        {"SQLALCHEMY_DATABASE_URI": forum, "WTF_CSRF_ENABLED": False, "TESTING": True}
    )
    engine = sa.create_engine(forum, poolclass=sa.pool.NullPool)
    with engine.connect() as c:
        question_id, slug, company = c.exec_driver_sql(
            "SELECT q.id, q.slug, c.slug FROM questions q JOIN companies c"
            " ON c.id = q.company_id ORDER BY q.answer_count DESC LIMIT 1"
        ).one()
        username = c.exec_driver_sql("SELECT username FROM users LIMIT 1").scalar_one()
    engine.dispose()
    client = bench.test_client()

    with ordinary_session():
        home = client.get("/")
        company_page = client.get(f"/companies/{company}")
        question_page = client.get(f"/questions/{question_id}/{slug}")
        signed_in = client.post("/sign-in", data={"login": username, "password": BENCH_PASSWORD})
        with bench.app_context():
            db.engine.dispose()

    assert home.status_code == 200
    assert company_page.status_code == 200
    assert question_page.status_code == 200
    assert b"answers-section" in question_page.data
    assert signed_in.status_code in (302, 303)


def test_seed_bench_refuses_a_database_that_holds_questions(app, forum):
    again = seed(app, forum, "--no-reindex")

    assert again.exit_code != 0
    assert "already holds questions" in again.output
    engine = sa.create_engine(forum, poolclass=sa.pool.NullPool)
    with engine.connect() as c:
        assert scalar(c, "SELECT count(*) FROM questions") == 80
    engine.dispose()


def test_seed_bench_refuses_two_targets_at_once(app):
    result = app.test_cli_runner().invoke(
        args=["seed-bench", "--configured-db", "--database-url", "sqlite:////tmp/x.db"]
    )

    assert result.exit_code != 0
    assert "not both" in result.output


def test_the_same_seed_makes_the_same_forum():
    def forum_rows(seed: int) -> list[tuple]:
        plan = plan_forum(
            companies=4, questions=40, answers_per_question=2, seed=seed, now=1_700_000_000
        )
        return plan.questions + list(plan.answers()) + list(plan.helpful_votes())

    first = forum_rows(3)

    assert forum_rows(3) == first
    assert forum_rows(4) != first


def test_id_ranges_cover_every_id_once():
    assert _id_ranges(10, 3) == [(1, 4), (5, 8), (9, 10)]
    assert _id_ranges(2, 4) == [(1, 1), (2, 2)]
    assert _id_ranges(0, 2) == [(1, 0)]


def test_the_search_index_built_by_workers_is_the_serial_one(app, forum):
    """Two worker processes over id ranges, answer texts parsed once each (what the loader
    does at a million questions), write the entries the one-process rebuild wrote."""
    engine = sa.create_engine(forum, poolclass=sa.pool.NullPool)
    with engine.connect() as c:
        columns = "question_id, company_id, title, body, answers"
        if c.dialect.name == "sqlite":  # FTS5: the question's id is the rowid
            columns = "rowid, title, body, answers"
        before = c.exec_driver_sql(f"SELECT {columns} FROM search_index ORDER BY 1").all()  # noqa: S608
        if c.dialect.name == "postgresql":  # emptied, so the workers must write it all
            c.exec_driver_sql("DELETE FROM search_index_titles")
            c.exec_driver_sql("DELETE FROM search_index")
            c.commit()
    bench = create_app({"SQLALCHEMY_DATABASE_URI": forum, "RATELIMIT_ENABLED": False})
    with ordinary_session():
        done = rebuild_search_index(bench, quiet=True, workers=2, url=forum)
        with bench.app_context():
            db.engine.dispose()
    with engine.connect() as c:
        after = c.exec_driver_sql(f"SELECT {columns} FROM search_index ORDER BY 1").all()  # noqa: S608
    engine.dispose()

    assert done == 80
    assert after == before


def test_seed_bench_builds_the_points_and_puts_their_indexes_back(forum):
    """The loader writes the ledger and totals with their indexes dropped, for speed: every
    index is there again afterwards, and every stored total agrees with the ledger and with
    the rows that cause points (``flask reputation recompute``'s check)."""
    engine = sa.create_engine(forum, poolclass=sa.pool.NullPool)
    with engine.connect() as c:
        inspector = sa.inspect(c)
        for name in ("reputation_awards", "reputation_company_totals", "reputation_monthly_totals"):
            expected = {index.name for index in db.metadata.tables[name].indexes}
            assert expected <= {index["name"] for index in inspector.get_indexes(name)}
        assert scalar(c, "SELECT count(*) FROM reputation_awards") > 0
        report = check(c, db.metadata)
    engine.dispose()
    assert report.ok, report
