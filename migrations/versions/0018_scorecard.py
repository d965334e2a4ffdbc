"""scorecard: a per-company version that moves with every write the public scorecard shows

Revision ID: 0018_scorecard
Revises: 0017_problem_life

``companies.scorecard_version`` (0 for what exists): the cached scorecard
(app/companies/scorecard.py) is keyed by it, so a new question or official answer shows at
once. No index: it is read with the company's row.

``companies.official_answer_rank`` (2**31 - 1, "not ranked", for what exists; ``flask
scorecard-rank`` ranks them): the directory's "Answers officially fastest" sort, keyset-paged
on ``(official_answer_rank, id)``.

``ix_answers_official``: a partial covering index of the listed official answers, for the
scorecard's first official answer per question (bench/RESULTS.md, "Public scorecard").
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_scorecard"
down_revision = "0017_problem_life"
branch_labels = None
depends_on = None

NOT_RANKED = 2**31 - 1


def upgrade():
    with op.batch_alter_table("companies") as batch:
        batch.add_column(
            sa.Column("scorecard_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column(
                "official_answer_rank",
                sa.Integer(),
                server_default=str(NOT_RANKED),
                nullable=False,
            )
        )
    op.create_index(
        "ix_companies_official_answer_rank", "companies", ["official_answer_rank", "id"]
    )
    op.create_index(
        "ix_answers_official",
        "answers",
        ["question_id", "created_at"],
        postgresql_where=sa.text("is_official IS true AND hidden_at IS NULL"),
        sqlite_where=sa.text("is_official IS 1 AND hidden_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_answers_official", table_name="answers")
    op.drop_index("ix_companies_official_answer_rank", table_name="companies")
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("official_answer_rank")
        batch.drop_column("scorecard_version")
