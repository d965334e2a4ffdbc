"""problems through their life: fixed-in, still broken, the status history

Revision ID: 0017_problem_life
Revises: 0016_flags

``questions`` gains ``fixed_in`` (the version a solved problem was fixed in, "" for every
existing question), ``still_broken_count`` and ``status_change_count`` (0 for every existing
question). Two new tables: ``still_broken_reports`` (one per user per question) and
``status_changes`` (the status history). Existing questions get NO history rows: their
earlier changes were not recorded, and the page shows no history for them until their
status next changes. ``notifications`` gains the kind ``still_broken`` (to a company's
staff) and a longer ``detail`` (60: a status and a fixed-in version).
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_problem_life"
down_revision = "0016_flags"
branch_labels = None
depends_on = None

STATUSES = (
    "open",
    "answered",
    "acknowledged",
    "in_progress",
    "solved",
    "under_consideration",
    "planned",
    "implemented",
    "declined",
)
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
    "question_merged",
)
NEW_KINDS = (*KINDS, "still_broken")
CONSTRAINT = "notification_kind"


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def _check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _notifications(kinds, detail_length):
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f(f"ck_notifications_{CONSTRAINT}"), type_="check")
        batch.create_check_constraint(CONSTRAINT, sa.text(_check(kinds)))
        batch.alter_column(
            "detail",
            existing_type=sa.String(length=60 if detail_length == 40 else 40),
            type_=sa.String(length=detail_length),
            existing_nullable=False,
            existing_server_default="",
        )


def upgrade():
    with op.batch_alter_table("questions") as batch:
        batch.add_column(
            sa.Column("fixed_in", sa.String(length=40), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column("still_broken_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column("status_change_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch.create_check_constraint(
            "still_broken_count_not_negative", sa.text("still_broken_count >= 0")
        )
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("from_status", _enum(STATUSES, "status_change_from"), nullable=False),
        sa.Column("to_status", _enum(STATUSES, "status_change_to"), nullable=False),
        sa.Column("fixed_in", sa.String(length=40), server_default="", nullable=False),
        sa.Column("still_broken", sa.Integer(), server_default="0", nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_status_changes_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_status_changes_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_changes")),
    )
    op.create_index("ix_status_changes_question", "status_changes", ["question_id", "id"])
    op.create_table(
        "still_broken_reports",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_still_broken_reports_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_still_broken_reports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("question_id", "user_id", name=op.f("pk_still_broken_reports")),
    )
    op.create_index("ix_still_broken_reports_user", "still_broken_reports", ["user_id"])
    _notifications(NEW_KINDS, 60)


def downgrade():
    op.execute(sa.text("DELETE FROM notifications WHERE kind = 'still_broken'"))
    op.execute(sa.text("UPDATE notifications SET detail = substr(detail, 1, 40)"))
    _notifications(KINDS, 40)
    op.drop_index("ix_still_broken_reports_user", table_name="still_broken_reports")
    op.drop_table("still_broken_reports")
    op.drop_index("ix_status_changes_question", table_name="status_changes")
    op.drop_table("status_changes")
    with op.batch_alter_table("questions") as batch:
        batch.drop_constraint(
            op.f("ck_questions_still_broken_count_not_negative"), type_="check"
        )
        batch.drop_column("status_change_count")
        batch.drop_column("still_broken_count")
        batch.drop_column("fixed_in")
