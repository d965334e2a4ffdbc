"""moderation: the moderator role, suspensions, deleted accounts, hidden posts, locks with
a reason, merged questions, refused e-mail addresses and the public moderation log

Revision ID: 0014_moderation
Revises: 0013_limits

Every new column is empty or false for what exists: nobody is a moderator or suspended,
nothing is hidden, locked questions get an empty reason (none was ever asked for).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_moderation"
down_revision = "0013_limits"
branch_labels = None
depends_on = None

ACTIONS = ("hide", "restore", "lock", "unlock", "merge", "suspend", "unsuspend", "delete")
TARGETS = ("question", "answer", "user")


def _hidden_columns(batch, table: str) -> None:
    batch.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))
    batch.add_column(
        sa.Column("hidden_reason", sa.String(length=500), server_default="", nullable=False)
    )
    batch.add_column(sa.Column("hidden_by_id", sa.Integer(), nullable=True))
    batch.create_foreign_key(
        f"fk_{table}_hidden_by_id_users", "users", ["hidden_by_id"], ["id"], ondelete="SET NULL"
    )


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("is_moderator", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("suspended_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("suspension_reason", sa.String(length=500), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("questions") as batch:
        batch.add_column(
            sa.Column("lock_reason", sa.String(length=500), server_default="", nullable=False)
        )
        _hidden_columns(batch, "questions")
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_questions_merged_into_id_questions",
            "questions",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("answers") as batch:
        _hidden_columns(batch, "answers")
    op.create_table(
        "banned_emails",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("banned_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["banned_by_id"],
            ["users.id"],
            name=op.f("fk_banned_emails_banned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_banned_emails")),
    )
    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                *ACTIONS,
                name="moderation_action",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "target_type",
            sa.Enum(
                *TARGETS,
                name="moderation_target",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["users.id"],
            name=op.f("fk_moderation_log_moderator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_log")),
    )
    op.create_index("ix_moderation_log_created", "moderation_log", ["created_at", "id"])


def downgrade():
    op.drop_index("ix_moderation_log_created", table_name="moderation_log")
    op.drop_table("moderation_log")
    op.drop_table("banned_emails")
    with op.batch_alter_table("answers") as batch:
        batch.drop_constraint("fk_answers_hidden_by_id_users", type_="foreignkey")
        batch.drop_column("hidden_by_id")
        batch.drop_column("hidden_reason")
        batch.drop_column("hidden_at")
    with op.batch_alter_table("questions") as batch:
        batch.drop_constraint("fk_questions_merged_into_id_questions", type_="foreignkey")
        batch.drop_column("merged_into_id")
        batch.drop_constraint("fk_questions_hidden_by_id_users", type_="foreignkey")
        batch.drop_column("hidden_by_id")
        batch.drop_column("hidden_reason")
        batch.drop_column("hidden_at")
        batch.drop_column("lock_reason")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("deleted_at")
        batch.drop_column("suspension_reason")
        batch.drop_column("suspended_until")
        batch.drop_column("suspended_at")
        batch.drop_column("is_moderator")
