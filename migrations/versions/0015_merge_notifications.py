"""notifications of merged questions: the notification kind ``question_merged``

Revision ID: 0015_merge_notifications
Revises: 0014_moderation

Followers of a question merged into another hear about it once; the kind is a new value of
the ``notification_kind`` CHECK constraint (no rows change).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_merge_notifications"
down_revision = "0014_moderation"
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
NEW_KINDS = (*KINDS, "question_merged")
CONSTRAINT = "notification_kind"


def _check(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _replace(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f(f"ck_notifications_{CONSTRAINT}"), type_="check")
        batch.create_check_constraint(CONSTRAINT, sa.text(_check(kinds)))


def upgrade():
    _replace(NEW_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM notifications WHERE kind = 'question_merged'"))
    _replace(KINDS)
