"""insights: a covering index of a company's questions by time, for the insights page

Revision ID: 0022_insights
Revises: 0021_sso

``ix_questions_insights``: every column the insights' statements read of a company's questions
in a window (app/insights/queries.py), so they read the index and no question row: at 100k
questions the largest company's year is 8,446 rows, each a lookup past its Markdown bodies
without it (bench/RESULTS.md, "Company insights").
"""

from alembic import op

revision = "0022_insights"
down_revision = "0021_sso"
branch_labels = None
depends_on = None

COLUMNS = [
    "company_id",
    "created_at",
    "hidden_at",
    "merged_into_id",
    "kind",
    "feeling",
    "status",
    "product_id",
    "best_answer_id",
    "me_too_count",
    "id",
]


def upgrade():
    op.create_index("ix_questions_insights", "questions", COLUMNS)


def downgrade():
    op.drop_index("ix_questions_insights", table_name="questions")
