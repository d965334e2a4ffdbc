"""what company and product names read as: a unique skeleton per company, per product of a company

Revision ID: 0011_name_skeletons
Revises: 0010_revisions

Companies get ``name_skeleton`` and ``name_cased_skeleton``, each unique, and products the
same two, unique within their company: Unicode's confusable skeleton of the name after NFKC,
with and without case folding (``app.confusables``), so "Acme", "ACME.", "Αcme" (a Greek
alpha) and "PaypaI" (a capital i) are names already taken by "Acme" and "Paypal", and two
requests at once cannot both create one.

Existing rows are filled in here, in id order. When existing names already read the same
(they were accepted before this rule), the oldest keeps the plain skeleton, so nobody can add
another look-alike of it; each later one gets its skeleton followed by a unit separator
(U+001F, which no name may contain) and its id, which keeps it unique. Nothing is renamed or
deleted: each such row is logged as a warning (``helpsquare.migrations``) for a site admin
to look at.
"""

import logging

import sqlalchemy as sa
from alembic import op

from app.confusables import name_cased_skeleton, name_skeleton

revision = "0011_name_skeletons"
down_revision = "0010_revisions"
branch_labels = None
depends_on = None

SKELETON_MAX = 700  # NAME_MAX (100) × the longest skeleton of one character (7)
SEPARATOR = "\x1f"

# Not under "alembic": its logging setup (env.py) clears the handlers of its children.
log = logging.getLogger("helpsquare.migrations")


COLUMNS = {"name_skeleton": name_skeleton, "name_cased_skeleton": name_cased_skeleton}
INDEXES = {
    "companies": ("ix_companies_name_skeleton", "ix_companies_name_cased_skeleton"),
    "products": ("ix_products_company_name_skeleton", "ix_products_company_name_cased_skeleton"),
}


def _fill(table: str, scope: str | None) -> None:
    """Set both skeletons on every row of ``table``, each unique within ``scope`` (a column)."""
    connection = op.get_bind()
    rows = sa.table(table, *(sa.column(name) for name in ("id", "name", *COLUMNS)))
    columns = [rows.c.id, rows.c.name] + ([sa.column(scope)] if scope else [])
    seen: dict[tuple, int] = {}
    values = []
    for row in connection.execute(sa.select(*columns).select_from(rows).order_by(rows.c.id)):
        readings = {}
        for column, reading_of in COLUMNS.items():
            reading = reading_of(row.name)
            key = (column, row[2] if scope else None, reading)
            if key in seen:
                log.warning(
                    "%s %s (%r) reads the same as %s %s: both kept, the later one marked",
                    table, row.id, row.name, table, seen[key],
                )  # fmt: skip
                reading = f"{reading}{SEPARATOR}{row.id}"
            else:
                seen[key] = row.id
            readings[column] = reading
        values.append({"row_id": row.id, **readings})
    if values:
        connection.execute(
            sa.update(rows)
            .where(rows.c.id == sa.bindparam("row_id"))
            .values({column: sa.bindparam(column) for column in COLUMNS}),
            values,
        )


def upgrade():
    # Added NOT NULL with an empty default, filled, then the default dropped where the
    # database can (SQLite cannot without copying the table, which its foreign keys forbid
    # inside the migration's transaction; the models always set the columns). Uniqueness is
    # by unique indexes, which both databases add in place.
    for table in INDEXES:
        for column in COLUMNS:
            op.add_column(
                table,
                sa.Column(column, sa.String(SKELETON_MAX), nullable=False, server_default=""),
            )
    _fill("companies", None)
    _fill("products", "company_id")
    if op.get_bind().dialect.name != "sqlite":
        for table in INDEXES:
            for column in COLUMNS:
                op.alter_column(table, column, server_default=None)
    for index, column in zip(INDEXES["companies"], COLUMNS, strict=True):
        op.create_index(index, "companies", [column], unique=True)
    for index, column in zip(INDEXES["products"], COLUMNS, strict=True):
        op.create_index(index, "products", ["company_id", column], unique=True)


def downgrade():
    for table, indexes in INDEXES.items():
        for index in indexes:
            op.drop_index(index, table_name=table)
        for column in COLUMNS:
            # SQLite 3.35+ drops a column in place (no copy, so its foreign keys stay quiet).
            op.drop_column(table, column)
