"""private details: Markdown on questions and answers of claimed companies, for a few readers

Revision ID: 0019_private_details
Revises: 0018_scorecard

``questions`` and ``answers`` gain ``private_details`` (the Markdown source),
``private_details_html`` (rendered and sanitized on write by app/content.py) and
``private_details_renderer_version``: all three NULL for every existing post, which has
none. A check constraint keeps the three together (all NULL, or none). No index: they are
read with their post's row, never searched or listed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_private_details"
down_revision = "0018_scorecard"
branch_labels = None
depends_on = None

TABLES = ("questions", "answers")
CONSTRAINT = "private_details_rendered"
RENDERED = (
    "(private_details IS NULL AND private_details_html IS NULL"
    " AND private_details_renderer_version IS NULL)"
    " OR (private_details IS NOT NULL AND private_details_html IS NOT NULL"
    " AND private_details_renderer_version IS NOT NULL)"
)


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("private_details", sa.Text(), nullable=True))
            batch.add_column(sa.Column("private_details_html", sa.Text(), nullable=True))
            batch.add_column(
                sa.Column("private_details_renderer_version", sa.Integer(), nullable=True)
            )
            batch.create_check_constraint(CONSTRAINT, sa.text(RENDERED))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_{CONSTRAINT}"), type_="check")
            batch.drop_column("private_details_renderer_version")
            batch.drop_column("private_details_html")
            batch.drop_column("private_details")
