"""related questions stored on write; companies listed by size through an index

Revision ID: 0006_related_questions
Revises: 0005_search

The question page used to match its title against the whole search index on every view
(40–60 ms at 100,000 questions, bench/RESULTS.md). The few related questions are now
found when a question is asked or its title edited, and by `flask search reindex`, and
the page reads their ids with one indexed statement.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_related_questions"
down_revision = "0005_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "related_questions",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("related_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_related_questions_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["related_id"],
            ["questions.id"],
            name=op.f("fk_related_questions_related_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("question_id", "position", name=op.f("pk_related_questions")),
        sa.UniqueConstraint(
            "question_id", "related_id", name=op.f("uq_related_questions_question_id_related_id")
        ),
        sa.CheckConstraint(
            "question_id <> related_id", name=op.f("ck_related_questions_not_itself")
        ),
    )
    op.create_index("ix_related_questions_related", "related_questions", ["related_id"])
    op.create_index("ix_companies_question_count", "companies", ["question_count", "id"])


def downgrade():
    op.drop_index("ix_companies_question_count", table_name="companies")
    op.drop_index("ix_related_questions_related", table_name="related_questions")
    op.drop_table("related_questions")
