"""Migration 0009 fills in what existing company and product names read as; names that
already read the same are all kept, the oldest keeping the plain skeleton."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import flask_migrate
import sqlalchemy as sa
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app import create_app
from app.extensions import db

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class _Collect(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _company(id_: int, name: str) -> dict:
    return dict(
        id=id_, slug=f"c{id_}", name=name, domain=f"c{id_}.example.com", description="",
        website="", created_at=NOW, product_count=0, question_count=0,
    )  # fmt: skip


def _product(id_: int, company_id: int, name: str) -> dict:
    return dict(
        id=id_, company_id=company_id, slug=f"p{id_}", name=name, description="",
        created_at=NOW, question_count=0,
    )  # fmt: skip


def test_upgrading_marks_look_alikes_and_keeps_every_row(tmp_path, monkeypatch):
    """On a database of its own (SQLite), not the one the other tests share."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db"})
    with app.app_context():
        session = orm.scoped_session(orm.sessionmaker(bind=db.engine), scopefunc=_app_ctx_id)
        monkeypatch.setattr(db, "session", session)
        flask_migrate.upgrade(revision="0010_revisions")
        tables = sa.MetaData()
        tables.reflect(bind=db.engine, only=["companies", "products"])
        companies, products = tables.tables["companies"], tables.tables["products"]
        for row in [
            _company(1, "Acme"), _company(2, "ACME."), _company(3, "Paypal"),
            _company(4, "PaypaI"), _company(5, "Nimbus"),
        ]:  # fmt: skip
            session.execute(companies.insert().values(**row))
        for row in [_product(1, 1, "Drive"), _product(2, 1, "DRIVE"), _product(3, 5, "Drive")]:
            session.execute(products.insert().values(**row))
        session.commit()
        session.remove()

        # Alembic configures logging itself (its root handler replaces pytest's capture).
        warned: list[str] = []
        handler = _Collect(warned)
        migration_log = logging.getLogger("helpsquare.migrations")
        migration_log.addHandler(handler)
        try:
            flask_migrate.upgrade(revision="0011_name_skeletons")
        finally:
            migration_log.removeHandler(handler)

        session.remove()
        readings = {
            row.id: (row.name_skeleton, row.name_cased_skeleton)
            for row in session.execute(sa.text("SELECT * FROM companies ORDER BY id"))
        }
        assert readings == {
            1: ("acrne", "Acrne"),
            2: ("acrne\x1f2", "ACME"),
            3: ("paypal", "Paypal"),
            4: ("paypai", "Paypal\x1f4"),
            5: ("nirnbus", "Nirnbus"),
        }
        product_readings = {
            row.id: (row.name_skeleton, row.name_cased_skeleton)
            for row in session.execute(sa.text("SELECT * FROM products ORDER BY id"))
        }
        # "Drive" at another company is no look-alike: products are unique per company.
        assert product_readings == {
            1: ("drive", "Drive"),
            2: ("drive\x1f2", "DRlVE"),  # a capital I is drawn as a small l
            3: ("drive", "Drive"),
        }
        assert any("companies 2 ('ACME.') reads the same as companies 1" in m for m in warned)
        assert any("companies 4 ('PaypaI') reads the same as companies 3" in m for m in warned)
        assert any("products 2 ('DRIVE') reads the same as products 1" in m for m in warned)

        # From now on the database itself refuses a third "Acme".
        session.remove()
        tables = sa.MetaData()
        tables.reflect(bind=db.engine, only=["companies"])
        third = {**_company(6, "acme"), "name_skeleton": "acrne", "name_cased_skeleton": "acrne"}
        try:
            session.execute(tables.tables["companies"].insert().values(**third))
            session.commit()
        except sa.exc.IntegrityError:
            session.rollback()
        assert session.execute(sa.text("SELECT count(*) FROM companies")).scalar_one() == 5

        session.remove()
        flask_migrate.downgrade(revision="0010_revisions")
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("companies")}
        assert "name_skeleton" not in columns
        assert session.execute(sa.text("SELECT count(*) FROM products")).scalar_one() == 3
        assert session.execute(sa.text("SELECT count(*) FROM companies")).scalar_one() == 5
        session.remove()
        db.engine.dispose()
