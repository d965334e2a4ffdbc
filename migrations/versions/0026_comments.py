"""comments: short comments under questions and answers (issue 13)

Revision ID: 0026_comments
Revises: 0025_languages

A new table ``comments`` (on a question, or on one of its answers: ``question_id`` is
always the question, so a page reads its comments by one index). ``questions`` gains ``comments_made`` (0: the page reads no comments). ``notifications`` gains
``comment_id`` and the kind ``comment``; the public moderation log gains the target
``comment`` (a moderator hiding or restoring one).
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_comments"
down_revision = "0025_languages"
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
    "question_merged",
    "still_broken",
    "badge",
)
NEW_KINDS = (*KINDS, "comment")
TARGETS = ("question", "answer", "user")
NEW_TARGETS = (*TARGETS, "comment")


def _check(table, constraint, column, values):
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(op.f(f"ck_{table}_{constraint}"), type_="check")
        batch.create_check_constraint(
            constraint, sa.text(f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")")
        )


def upgrade():
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("body_renderer_version", sa.Integer(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), server_default="", nullable=False),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_comments_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
            name=op.f("fk_comments_answer_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_comments_author_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["users.id"],
            name=op.f("fk_comments_hidden_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index("ix_comments_question", "comments", ["question_id", "created_at", "id"])
    op.create_index("ix_comments_answer", "comments", ["answer_id"])
    op.create_index("ix_comments_author", "comments", ["author_id", "created_at"])
    with op.batch_alter_table("questions") as batch:
        batch.add_column(
            sa.Column("comments_made", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("comment_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_notifications_comment_id_comments"),
            "comments",
            ["comment_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_notifications_comment", ["comment_id"])
    _check("notifications", "notification_kind", "kind", NEW_KINDS)
    _check("moderation_log", "moderation_target", "target_type", NEW_TARGETS)


def downgrade():
    op.execute(sa.text("DELETE FROM notifications WHERE kind = 'comment'"))
    op.execute(sa.text("DELETE FROM moderation_log WHERE target_type = 'comment'"))
    _check("moderation_log", "moderation_target", "target_type", TARGETS)
    _check("notifications", "notification_kind", "kind", KINDS)
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_comment")
        batch.drop_constraint(op.f("fk_notifications_comment_id_comments"), type_="foreignkey")
        batch.drop_column("comment_id")
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("comments_made")
    op.drop_index("ix_comments_author", table_name="comments")
    op.drop_index("ix_comments_answer", table_name="comments")
    op.drop_index("ix_comments_question", table_name="comments")
    op.drop_table("comments")
