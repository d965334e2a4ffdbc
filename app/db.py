"""The declarative base every model uses, and the column types they share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm
from flask import has_request_context, request
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


# Requests with these methods never write (architecture.md: "A GET never writes").
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How long a SQLite transaction waits for the one writer before giving up (a 503).
SQLITE_BUSY_TIMEOUT_MS = 10_000
# A connection's execution option naming how its transactions begin on SQLite, over
# ``begin_statement``: "DEFERRED" for the tests' outer transaction, which is always rolled
# back and must not keep other connections of a test from writing.
SQLITE_BEGIN_OPTION = "sqlite_begin"
_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})


# Set by ``writing()``: the transactions begun inside take the write lock up front.
_WRITING: ContextVar[bool] = ContextVar("helpsquare_writing", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside this block take SQLite's write lock up front, even in a GET.

    For the rare write a read-only request makes (an API token's "last used" time): end the
    read transaction first (commit or roll back), then write inside this block. Without it
    the write would upgrade a read lock, which SQLite refuses at once while someone else
    writes. PostgreSQL needs nothing of the kind.
    """
    reset = _WRITING.set(True)
    try:
        yield
    finally:
        _WRITING.reset(reset)


def begin_statement() -> str:
    """How a SQLite transaction begins: ``BEGIN IMMEDIATE`` unless it serves a request that
    only reads.

    SQLite has one writer at a time. A DEFERRED transaction that reads and then writes
    must upgrade its lock, and while another writer is at work SQLite refuses the upgrade at
    once ("database is locked", no busy wait, since waiting could deadlock): 16 people
    voting at the same moment got 503s. An IMMEDIATE transaction takes the write lock up
    front and waits its turn (the busy timeout). Every transaction of a request whose
    method may write, of a CLI command and of any other work outside a request begins
    IMMEDIATE; those of GET, HEAD and OPTIONS requests never write, so they stay DEFERRED
    and read beside the writer (WAL), unless they write inside ``writing()``.
    """
    if has_request_context() and request.method in READ_METHODS and not _WRITING.get():
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def configure_engine(engine: sa.Engine) -> None:
    """Make SQLite enforce foreign keys, honour transactions and savepoints, and take
    concurrent writers in turn.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; the recipe
    from SQLAlchemy's SQLite notes hands transaction control back to it, and
    ``begin_statement`` says how each transaction begins. The database is in WAL mode
    (readers never wait for the writer, nor it for them) and a connection waits up to
    ``SQLITE_BUSY_TIMEOUT_MS`` for the write lock.
    """
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Kept in the file once set; an in-memory database stays in its "memory" mode.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION)
        if mode is None:
            connection.exec_driver_sql(begin_statement())
        elif mode in _BEGIN_MODES:
            connection.exec_driver_sql(f"BEGIN {mode}")
        else:
            raise ValueError(f"{SQLITE_BEGIN_OPTION} must be one of {sorted(_BEGIN_MODES)}")


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
