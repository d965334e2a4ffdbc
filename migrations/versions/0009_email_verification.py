"""verified e-mail before writing: users.email_verified_at and the links sent

Revision ID: 0009_email_verification
Revises: 0008_notifications

Every account that exists when this runs was made before addresses were verified, and has
been writing since: it counts as verified, as of its sign-up (``created_at``), so nobody
who already takes part is suddenly refused. One set-based UPDATE.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_email_verification"
down_revision = "0008_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("email_verified_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL")
    op.create_table(
        "email_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("resent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_verifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_verifications")),
    )
    op.create_index(
        "ix_email_verifications_user", "email_verifications", ["user_id", "created_at"]
    )


def downgrade():
    op.drop_index("ix_email_verifications_user", table_name="email_verifications")
    op.drop_table("email_verifications")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite 3.35+ drops a column in place. Batch mode would copy and DROP the users
        # table, which with foreign keys on deletes every row that cascades from users.
        op.execute("ALTER TABLE users DROP COLUMN email_verified_at")
    else:
        op.drop_column("users", "email_verified_at")
