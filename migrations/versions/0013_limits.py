"""notification_mail_windows: at most N notification e-mails per person per hour

Revision ID: 0013_limits
Revises: 0012_page_version

One row per person who has been e-mailed a notification right away: the times of their
last e-mails and when their hour has room again (app/notifications/mailer.py). Nothing to
fill in: a person without a row has room.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_limits"
down_revision = "0012_page_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_mail_windows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("room_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_mail_windows_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_mail_windows")),
    )


def downgrade():
    op.drop_table("notification_mail_windows")
