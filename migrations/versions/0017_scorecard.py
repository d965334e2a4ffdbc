"""scorecard: a per-company version that moves with every write the public scorecard shows

Revision ID: 0017_scorecard
Revises: 0016_flags

``companies.scorecard_version`` (0 for what exists): the cached scorecard
(app/companies/scorecard.py) is keyed by it, so a new question or official answer shows at
once. No index: it is read with the company's row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_scorecard"
down_revision = "0016_flags"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("companies") as batch:
        batch.add_column(
            sa.Column("scorecard_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("scorecard_version")
