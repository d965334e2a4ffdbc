"""Migration 0019: the private details' columns arrive empty on every existing post, keep
every row, hold all three together, and go again on the way down."""

from __future__ import annotations

from datetime import UTC, datetime

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db

BEFORE = "0018_scorecard"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
COLUMNS = {"private_details", "private_details_html", "private_details_renderer_version"}


def _insert(connection: sa.Connection) -> None:
    tables = sa.MetaData()
    tables.reflect(bind=connection, only=["users", "companies", "questions", "answers"])
    t = tables.tables
    connection.execute(
        t["users"].insert(),
        dict(id=1, username="ann", email="a@x.org", display_name="", password_hash="x",
             is_admin=False, session_version=1, unread_notification_count=0, created_at=NOW,
             email_verified_at=NOW),
    )  # fmt: skip
    connection.execute(
        t["companies"].insert(),
        dict(id=1, slug="acme", name="Acme", domain="acme.com", description="", website="",
             created_at=NOW, product_count=0, question_count=1, name_skeleton="acme",
             name_cased_skeleton="Acme"),
    )  # fmt: skip
    connection.execute(
        t["questions"].insert(),
        dict(id=1, company_id=1, author_id=1, kind="question", status="open",
             title="Printer jams", slug="printer-jams", body="Paper sticks.",
             body_html="<p>Paper sticks.</p>", body_renderer_version=1,
             created_at=NOW, updated_at=NOW, last_activity_at=NOW),
    )  # fmt: skip
    connection.execute(
        t["answers"].insert(),
        dict(id=1, question_id=1, author_id=1, body="Clean the rollers.",
             body_html="<p>Clean the rollers.</p>", body_renderer_version=1,
             created_at=NOW, updated_at=NOW),
    )  # fmt: skip


def test_upgrading_and_downgrading_keep_every_post(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db"})
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _insert(connection)

        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            for table in ("questions", "answers"):
                row = connection.execute(
                    sa.text(f"SELECT body, {', '.join(sorted(COLUMNS))} FROM {table}")  # noqa: S608
                ).one()
                assert row[0] and tuple(row[1:]) == (None, None, None)
        with db.engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
            # Source without its HTML: refused by the check constraint.
            connection.execute(sa.text("UPDATE answers SET private_details = 'Order 1'"))

        flask_migrate.downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            for table in ("questions", "answers"):
                columns = {c["name"] for c in sa.inspect(connection).get_columns(table)}
                assert not columns & COLUMNS
                assert connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 1  # noqa: S608
        db.engine.dispose()
