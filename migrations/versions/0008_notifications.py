"""follows, notifications, e-mail preferences, daily digests; the unread counter on users

Revision ID: 0008_notifications
Revises: 0007_search_split

Existing activity becomes follows, as it would have had the feature existed: askers follow
their questions, answerers and "me too" people the questions they took part in, active
staff their company. One set-based INSERT each.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_notifications"
down_revision = "0007_search_split"
branch_labels = None
depends_on = None

KINDS = (
    "answer",
    "official_answer",
    "best_answer",
    "endorsed",
    "helpful",
    "status_changed",
    "new_question",
    "claim_decision",
    "staff_invitation",
)
CATEGORIES = (
    "my_questions",
    "followed_questions",
    "my_answers",
    "status_changes",
    "new_questions",
    "company",
)
EMAIL = ("immediate", "daily", "off")
EMAIL_DUE = "emailed_at IS NULL AND email IN ('immediate', 'daily')"


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade():
    op.add_column(
        "users",
        sa.Column("unread_notification_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN question_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN product_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN company_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_follows_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_follows_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_follows_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_follows_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_follows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
        sa.UniqueConstraint("company_id", "user_id", name=op.f("uq_follows_company_id_user_id")),
        sa.UniqueConstraint("product_id", "user_id", name=op.f("uq_follows_product_id_user_id")),
        sa.UniqueConstraint("question_id", "user_id", name=op.f("uq_follows_question_id_user_id")),
    )
    op.create_index("ix_follows_user", "follows", ["user_id", "created_at"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(KINDS, "notification_kind"), nullable=False),
        sa.Column("category", _enum(CATEGORIES, "notification_category"), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), server_default="1", nullable=False),
        sa.Column("detail", sa.String(length=40), server_default="", nullable=False),
        sa.Column("event_key", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email", _enum(EMAIL, "notification_email"), nullable=False),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("count >= 1", name=op.f("ck_notifications_count_positive")),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_notifications_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
            name=op.f("fk_notifications_answer_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_notifications_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_notifications_product_id_products"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_notifications_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "event_key", "user_id", name=op.f("uq_notifications_event_key_user_id")
        ),
    )
    op.create_index("ix_notifications_answer", "notifications", ["answer_id"], unique=False)
    op.create_index(
        "ix_notifications_email_due",
        "notifications",
        ["email", "user_id", "id"],
        unique=False,
        postgresql_where=sa.text(EMAIL_DUE),
        sqlite_where=sa.text(EMAIL_DUE),
    )
    op.create_index("ix_notifications_question", "notifications", ["question_id"], unique=False)
    op.create_index(
        "ix_notifications_unread",
        "notifications",
        ["user_id", "kind", "answer_id"],
        unique=False,
        postgresql_where=sa.text("read_at IS NULL"),
        sqlite_where=sa.text("read_at IS NULL"),
    )
    op.create_index(
        "ix_notifications_user_created",
        "notifications",
        ["user_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "category", _enum(CATEGORIES, "notification_preference_category"), nullable=False
        ),
        sa.Column("email", _enum(EMAIL, "notification_preference_email"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "category", name=op.f("pk_notification_preferences")),
    )
    op.create_table(
        "notification_digests",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notification_count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_digests_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_notification_digests")),
    )
    _follow_existing_activity()


def _follow_existing_activity():
    """Askers, answerers and "me too" people follow their questions; active staff their
    company. Nothing is notified about the past."""
    op.execute(
        """
        INSERT INTO follows (user_id, question_id, created_at)
        SELECT user_id, question_id, CURRENT_TIMESTAMP FROM (
            SELECT author_id AS user_id, id AS question_id FROM questions
            UNION
            SELECT author_id, question_id FROM answers
            UNION
            SELECT user_id, question_id FROM me_toos
        ) AS taking_part
        """
    )
    op.execute(
        """
        INSERT INTO follows (user_id, company_id, created_at)
        SELECT DISTINCT m.user_id, m.company_id, CURRENT_TIMESTAMP
        FROM memberships m JOIN companies c ON c.id = m.company_id
        WHERE m.revoked_at IS NULL AND c.claimed_at IS NOT NULL
        """
    )


def downgrade():
    op.drop_table("notification_digests")
    op.drop_table("notification_preferences")
    op.drop_index("ix_notifications_user_created", table_name="notifications")
    op.drop_index("ix_notifications_unread", table_name="notifications")
    op.drop_index("ix_notifications_question", table_name="notifications")
    op.drop_index("ix_notifications_email_due", table_name="notifications")
    op.drop_index("ix_notifications_answer", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_follows_user", table_name="follows")
    op.drop_table("follows")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite 3.35+ drops a column in place. Batch mode would copy and DROP the users
        # table, which with foreign keys on deletes every row that cascades from users.
        op.execute("ALTER TABLE users DROP COLUMN unread_notification_count")
    else:
        op.drop_column("users", "unread_notification_count")

