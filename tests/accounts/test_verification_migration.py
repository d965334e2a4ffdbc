"""Migration 0009: every account that existed before verification counts as verified, as of
its sign-up; accounts made afterwards start unverified."""

from __future__ import annotations

from datetime import UTC, datetime

import flask_migrate
import sqlalchemy as sa
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app import create_app
from app.extensions import db


def test_upgrading_marks_existing_accounts_verified_at_their_sign_up(tmp_path, monkeypatch):
    """On a database of its own (SQLite), not the one the other tests share."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db"})
    with app.app_context():
        session = orm.scoped_session(orm.sessionmaker(bind=db.engine), scopefunc=_app_ctx_id)
        monkeypatch.setattr(db, "session", session)
        flask_migrate.upgrade(revision="0008_notifications")
        signed_up = {
            1: datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
            2: datetime(2026, 2, 1, 12, 0, tzinfo=UTC),
        }
        users = sa.Table("users", sa.MetaData(), autoload_with=db.engine)
        for user_id, when in signed_up.items():
            session.execute(
                users.insert().values(
                    id=user_id, username=f"u{user_id}", email=f"u{user_id}@x.org",
                    display_name="", password_hash="x", is_admin=False, session_version=1,
                    unread_notification_count=0, created_at=when,
                )
            )  # fmt: skip
        session.commit()
        session.remove()

        flask_migrate.upgrade()

        from app.accounts.models import User

        rows = session.execute(sa.select(User).order_by(User.id)).scalars().all()
        assert [(u.id, u.email_verified_at) for u in rows] == list(signed_up.items())
        assert all(u.is_email_verified for u in rows)
        session.add(User(username="new", email="new@x.org", password_hash="x"))
        session.commit()
        newcomer = session.execute(sa.select(User).where(User.username == "new")).scalar_one()
        assert newcomer.email_verified_at is None
        session.remove()

        flask_migrate.downgrade(revision="0008_notifications")
        inspector = sa.inspect(db.engine)
        assert "email_verified_at" not in {c["name"] for c in inspector.get_columns("users")}
        assert "email_verifications" not in inspector.get_table_names()
        remaining = session.execute(sa.text("SELECT count(*) FROM users")).scalar_one()
        assert remaining == 3  # dropping the column kept every account
        session.remove()
        db.engine.dispose()
