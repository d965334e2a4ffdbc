"""The search index's migration: created from empty, filled from existing questions, and
kept out of autogenerate's comparison (its shape differs by database)."""

from __future__ import annotations

from datetime import UTC, datetime

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app import create_app
from app.extensions import db
from app.search import include_name


def test_the_models_agree_with_the_migrations_apart_from_the_search_index(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, db.metadata) == []


def test_the_search_indexes_are_the_ones_searches_read(app):
    """PostgreSQL: the two GIN indexes searches read have no pending list, which every
    search would read whole (migration 0028), and the title index 0027 made unused is gone.
    SQLite: the two FTS5 tables."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            options = dict(
                connection.execute(
                    sa.text(
                        "SELECT relname, array_to_string(reloptions, ',') FROM pg_class"
                        " WHERE relname LIKE 'ix_search_index%'"
                    )
                ).all()
            )
            assert options["ix_search_index_document"] == "fastupdate=off"
            assert options["ix_search_index_titles_title_vector"] == "fastupdate=off"
            assert "ix_search_index_title_vector" not in options
        else:
            tables = connection.execute(
                sa.text("SELECT name, sql FROM sqlite_master WHERE name LIKE 'search_index%'")
            ).all()
            fts5 = {name for name, sql in tables if sql and "USING fts5" in sql}
            assert fts5 == {"search_index", "search_index_titles"}


def test_only_the_search_tables_are_left_out():
    for name in ("search_index", "search_index_data", "search_index_idx", "search_index_config"):
        assert not include_name(name, "table", {})
    for name in ("questions", "search_history", "answers"):
        assert include_name(name, "table", {})
    assert include_name("search_index", "column", {})


def test_upgrading_indexes_the_questions_already_there(tmp_path, monkeypatch):
    """On a database of its own (SQLite), not the one the other tests share."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db"})
    with app.app_context():
        session = orm.scoped_session(orm.sessionmaker(bind=db.engine), scopefunc=_app_ctx_id)
        monkeypatch.setattr(db, "session", session)
        flask_migrate.upgrade(revision="0004_api_tokens")
        now = datetime(2026, 1, 1, tzinfo=UTC)
        tables = sa.MetaData()
        tables.reflect(bind=db.engine, only=["users", "companies", "questions", "answers"])
        rows = {
            "users": dict(
                id=1, username="ann", email="a@x.org", display_name="Ann", password_hash="x",
                is_admin=False, session_version=1, created_at=now,
            ),
            "companies": dict(
                id=1, slug="acme", name="Acme", domain="acme.com", description="", website="",
                created_at=now, product_count=0, question_count=1,
            ),
            "questions": dict(
                id=1, company_id=1, author_id=1, kind="question", status="open",
                title="Printer jams", slug="printer-jams", body="Paper sticks.",
                body_html="<p>Paper sticks.</p>", body_renderer_version=1,
                has_official_answer=False, locked=False, answer_count=1, me_too_count=0,
                created_at=now, updated_at=now, last_activity_at=now,
            ),
            "answers": dict(
                id=1, question_id=1, author_id=1, body="Clean the rollers.",
                body_html="<p>Clean the rollers.</p>", body_renderer_version=1,
                is_official=False, is_endorsed=False, helpful_count=0,
                created_at=now, updated_at=now,
            ),
        }  # fmt: skip
        for name, values in rows.items():
            session.execute(tables.tables[name].insert().values(**values))
        session.commit()
        session.remove()

        flask_migrate.upgrade()

        from app.search.queries import search_questions

        assert [hit.question.id for hit in search_questions("rollers").hits] == [1]
        assert [hit.question.id for hit in search_questions("jamming printer").hits] == [1]
        session.remove()  # migrations take their own connection
        flask_migrate.downgrade(revision="0004_api_tokens")
        tables = sa.inspect(db.engine).get_table_names()
        assert not [table for table in tables if table.startswith("search_index")]
        session.remove()
        db.engine.dispose()
