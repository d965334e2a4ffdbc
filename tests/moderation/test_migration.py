"""Migration 0014: adding the moderation columns keeps every row, up and down.

On SQLite the new foreign keys rebuild ``questions`` and ``answers``; with foreign keys on,
dropping the old table would delete every answer, me-too and follow that refers to it
(migrations/env.py turns them off for the migration and checks them before committing).
"""

from __future__ import annotations

from datetime import UTC, datetime

import flask_migrate
import sqlalchemy as sa

from app import create_app
from app.extensions import db

BEFORE = "0013_limits"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
ROWS = {
    "users": [
        dict(id=1, username="ann", email="a@x.org", display_name="", password_hash="x",
             is_admin=False, session_version=1, unread_notification_count=0, created_at=NOW,
             email_verified_at=NOW),
        dict(id=2, username="bob", email="b@x.org", display_name="", password_hash="x",
             is_admin=False, session_version=1, unread_notification_count=0, created_at=NOW,
             email_verified_at=NOW),
    ],
    "companies": [
        dict(id=1, slug="acme", name="Acme", domain="acme.com", description="", website="",
             created_at=NOW, product_count=0, question_count=1),
    ],
    "questions": [
        dict(id=1, company_id=1, author_id=1, kind="question", status="open",
             title="Printer jams", slug="printer-jams", body="Paper sticks.",
             body_html="<p>Paper sticks.</p>", body_renderer_version=1,
             has_official_answer=False, locked=True, answer_count=1, me_too_count=1,
             page_version=0, created_at=NOW, updated_at=NOW, last_activity_at=NOW),
    ],
    "answers": [
        dict(id=1, question_id=1, author_id=2, body="Clean the rollers.",
             body_html="<p>Clean the rollers.</p>", body_renderer_version=1,
             is_official=False, is_endorsed=False, helpful_count=1,
             created_at=NOW, updated_at=NOW),
    ],
    "me_toos": [dict(question_id=1, user_id=2, created_at=NOW)],
    "helpful_votes": [dict(answer_id=1, user_id=1, created_at=NOW)],
}  # fmt: skip


def _counts(connection: sa.Connection) -> dict[str, int]:
    tables = sa.MetaData()
    tables.reflect(bind=connection, only=list(ROWS))
    return {
        name: connection.execute(
            sa.select(sa.func.count()).select_from(tables.tables[name])
        ).scalar_one()
        for name in ROWS
    }


def test_upgrading_and_downgrading_keep_every_row(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db"})
    expected = {name: len(rows) for name, rows in ROWS.items()}
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        tables = sa.MetaData()
        tables.reflect(bind=db.engine, only=list(ROWS))
        with db.engine.begin() as connection:
            for name, rows in ROWS.items():
                connection.execute(tables.tables[name].insert(), rows)

        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            assert _counts(connection) == expected
            question = connection.execute(
                sa.text("SELECT locked, lock_reason, hidden_at, merged_into_id FROM questions")
            ).one()
            assert tuple(question) == (1, "", None, None)  # still locked, nothing hidden
            users = connection.execute(sa.text("SELECT is_moderator, suspended_at FROM users"))
            assert users.all() == [(0, None), (0, None)]
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1

        flask_migrate.downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            assert _counts(connection) == expected
            columns = {c["name"] for c in sa.inspect(connection).get_columns("questions")}
            assert not columns & {"hidden_at", "merged_into_id", "lock_reason"}
        db.engine.dispose()
