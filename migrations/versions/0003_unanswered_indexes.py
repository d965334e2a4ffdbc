"""partial indexes for the "Unanswered for <company>" page

Revision ID: 0003_unanswered_indexes
Revises: 0002_claims_and_staff
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_unanswered_indexes"
down_revision = "0002_claims_and_staff"
branch_labels = None
depends_on = None

_WHERE = {
    "postgresql_where": sa.text("has_official_answer IS false AND best_answer_id IS NULL"),
    "sqlite_where": sa.text("has_official_answer IS 0 AND best_answer_id IS NULL"),
}


def upgrade():
    op.create_index(
        "ix_questions_company_unanswered", "questions", ["company_id", "created_at", "id"], **_WHERE
    )
    op.create_index(
        "ix_questions_product_unanswered", "questions", ["product_id", "created_at", "id"], **_WHERE
    )


def downgrade():
    op.drop_index("ix_questions_product_unanswered", table_name="questions")
    op.drop_index("ix_questions_company_unanswered", table_name="questions")
