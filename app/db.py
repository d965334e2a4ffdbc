"""The declarative base every model uses, and the column types they share."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Constraint names are predictable, so migrations can name what they drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _system_clock() -> datetime:
    return datetime.now(UTC)


# The clock every "now" in Helpsquare reads. Tests move time by replacing it
# (the ``clock`` fixture) instead of sleeping: token expiry, backoff, digests.
CLOCK = _system_clock


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC, from ``CLOCK``."""
    return CLOCK()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always stored and returned as timezone-aware UTC.

    SQLite keeps no offset, so values are normalised to UTC on the way in and
    marked as UTC on the way out; PostgreSQL stores ``timestamptz``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use app.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def string_enum(enum: type[StrEnum], name: str) -> sa.Enum:
    """A StrEnum column stored as plain strings with a CHECK constraint.

    Portable across SQLite and PostgreSQL; a new value needs only a migration of the
    constraint.
    """
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda e: [member.value for member in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def configure_engine(engine: sa.Engine) -> None:
    """Make SQLite enforce foreign keys and honour transactions and savepoints.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; the
    recipe from SQLAlchemy's SQLite notes hands transaction control back to it.
    """
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


# Ids are 32-bit integers in the database; anything larger cannot exist.
MAX_ID = 2**31 - 1


def insert_if_absent(session: sa.orm.Session, table: sa.Table, values: dict) -> bool:
    """Insert a row unless one with the same key exists; True when this call inserted it.

    Used for one-per-user rows (me too, helpful votes): a duplicate click, or two
    concurrent ones, leaves exactly one row and lets the caller bump a counter
    only when it really added something.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # psycopg reports -1 for an INSERT unless asked to keep the count.
    result = session.execute(
        insert(table).values(**values).on_conflict_do_nothing(),
        execution_options={"preserve_rowcount": True},
    )
    return result.rowcount == 1


def increment(
    session: sa.orm.Session, column: sa.orm.InstrumentedAttribute, row_id: int, by: int = 1
) -> None:
    """``UPDATE … SET n = n + by`` in SQL, so concurrent requests lose no count."""
    model = column.class_
    session.execute(sa.update(model).where(model.id == row_id).values({column.key: column + by}))
