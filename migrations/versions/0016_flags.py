"""flags: users report questions and answers; moderators review the flagged posts

Revision ID: 0016_flags
Revises: 0015_merge_notifications

Two new tables, empty for what exists: ``flagged_posts`` (one row per flagged question or
answer, what the review queue lists) and ``flags`` (one row per user per post).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_flags"
down_revision = "0015_merge_notifications"
branch_labels = None
depends_on = None

STATUSES = ("open", "hidden", "dismissed")
REASONS = ("spam", "abusive", "off_topic", "private_info", "duplicate", "other")


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade():
    op.create_table(
        "flagged_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("status", _enum(STATUSES, "flag_status"), nullable=False),
        sa.Column("round", sa.Integer(), server_default="1", nullable=False),
        sa.Column("flag_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("hide_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("hidden_by_flags", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.CheckConstraint(
            "(question_id IS NULL) <> (answer_id IS NULL)", name=op.f("ck_flagged_posts_one_post")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_flagged_posts_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
            name=op.f("fk_flagged_posts_answer_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_flagged_posts_resolved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flagged_posts")),
        sa.UniqueConstraint("question_id", name=op.f("uq_flagged_posts_question_id")),
        sa.UniqueConstraint("answer_id", name=op.f("uq_flagged_posts_answer_id")),
    )
    op.create_index("ix_flagged_posts_queue", "flagged_posts", ["status", "created_at", "id"])
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flagged_post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("reason", _enum(REASONS, "flag_reason"), nullable=False),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flagged_post_id"],
            ["flagged_posts.id"],
            name=op.f("fk_flags_flagged_post_id_flagged_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_flags_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["questions.id"],
            name=op.f("fk_flags_duplicate_of_id_questions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
        sa.UniqueConstraint(
            "flagged_post_id", "user_id", name=op.f("uq_flags_flagged_post_id_user_id")
        ),
    )
    op.create_index("ix_flags_user", "flags", ["user_id", "flagged_post_id"])


def downgrade():
    op.drop_index("ix_flags_user", table_name="flags")
    op.drop_table("flags")
    op.drop_index("ix_flagged_posts_queue", table_name="flagged_posts")
    op.drop_table("flagged_posts")
