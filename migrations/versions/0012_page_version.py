"""a version number per question page, moved by every change the page shows

Revision ID: 0012_page_version
Revises: 0011_name_skeletons

Signed-out readers get question pages from a shared cache (app/page_cache.py). Its key used
to be built from a few columns of the question, so an edited answer, a helpful vote or an
endorsement stayed hidden from them for up to a minute. Every service that changes what the
page shows now adds one to ``questions.page_version`` in its own transaction
(``app.questions.services.page_changed``), and the key carries that number.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_page_version"
down_revision = "0011_name_skeletons"
branch_labels = None
depends_on = None


def upgrade():
    # A constant default: PostgreSQL 11+ and SQLite add the column without rewriting the table.
    with op.batch_alter_table("questions") as batch:
        batch.add_column(
            sa.Column("page_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("page_version")
