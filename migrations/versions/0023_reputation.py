"""reputation: the points ledger, stored totals, badges, champions

Revision ID: 0023_reputation
Revises: 0022_insights

``users.reputation`` (0 for every existing account) with ``ix_users_reputation`` for the
site-wide leaderboard. New tables: ``reputation_awards`` (the ledger: one row per cause of
points), ``reputation_company_totals`` and ``reputation_monthly_totals`` (the stored totals
the leaderboards read), ``badges`` and ``champions``. ``notifications`` gains the kind
``badge``.

Existing votes, best answers, endorsements and "me too"s get their ledger rows and totals
from ``flask reputation rebuild``, run once after this upgrade (app/reputation/recompute.py);
``flask reputation recompute`` then finds every stored total equal to a recomputation.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_reputation"
down_revision = "0022_insights"
branch_labels = None
depends_on = None

REASONS = ("helpful_vote", "best_answer", "endorsement", "me_too")
BADGES = (
    "first_answer",
    "first_best_answer",
    "first_endorsement",
    "helpful_answers",
    "helpful_votes",
    "five_companies",
    "champion",
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
    "still_broken",
)
NEW_KINDS = (*KINDS, "badge")
CONSTRAINT = "notification_kind"


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def _only(reason):
    where = sa.text(f"reason = '{reason}'")
    return {"postgresql_where": where, "sqlite_where": where}


def _kinds(kinds):
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f(f"ck_notifications_{CONSTRAINT}"), type_="check")
        batch.create_check_constraint(
            CONSTRAINT, sa.text("kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")
        )


def _user(table, column="user_id", ondelete="CASCADE"):
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def _company(table):
    return sa.ForeignKeyConstraint(
        ["company_id"],
        ["companies.id"],
        name=op.f(f"fk_{table}_company_id_companies"),
        ondelete="CASCADE",
    )


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("reputation", sa.Integer(), server_default="0", nullable=False))
    op.create_index("ix_users_reputation", "users", ["reputation", "id"])

    op.create_table(
        "reputation_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", _enum(REASONS, "reputation_reason"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("withheld", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points > 0", name=op.f("ck_reputation_awards_points_positive")),
        _user("reputation_awards"),
        _user("reputation_awards", "actor_id", "SET NULL"),
        _company("reputation_awards"),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
            name=op.f("fk_reputation_awards_answer_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_reputation_awards_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reputation_awards")),
    )
    op.create_index(
        "uq_reputation_awards_helpful_vote",
        "reputation_awards",
        ["answer_id", "actor_id"],
        unique=True,
        **_only("helpful_vote"),
    )
    op.create_index(
        "uq_reputation_awards_endorsement",
        "reputation_awards",
        ["answer_id"],
        unique=True,
        **_only("endorsement"),
    )
    op.create_index(
        "uq_reputation_awards_best_answer",
        "reputation_awards",
        ["question_id"],
        unique=True,
        **_only("best_answer"),
    )
    op.create_index(
        "uq_reputation_awards_me_too",
        "reputation_awards",
        ["question_id", "actor_id"],
        unique=True,
        **_only("me_too"),
    )
    op.create_index("ix_reputation_awards_answer", "reputation_awards", ["answer_id"])
    op.create_index("ix_reputation_awards_user", "reputation_awards", ["user_id", "reason"])

    op.create_table(
        "reputation_company_totals",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), server_default="0", nullable=False),
        _company("reputation_company_totals"),
        _user("reputation_company_totals"),
        sa.PrimaryKeyConstraint(
            "company_id", "period", "user_id", name=op.f("pk_reputation_company_totals")
        ),
    )
    op.create_index(
        "ix_reputation_company_totals_rank",
        "reputation_company_totals",
        ["company_id", "period", "points", "user_id"],
    )
    op.create_index("ix_reputation_company_totals_user", "reputation_company_totals", ["user_id"])

    op.create_table(
        "reputation_monthly_totals",
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), server_default="0", nullable=False),
        _user("reputation_monthly_totals"),
        sa.PrimaryKeyConstraint("period", "user_id", name=op.f("pk_reputation_monthly_totals")),
    )
    op.create_index(
        "ix_reputation_monthly_totals_rank",
        "reputation_monthly_totals",
        ["period", "points", "user_id"],
    )
    op.create_index("ix_reputation_monthly_totals_user", "reputation_monthly_totals", ["user_id"])

    op.create_table(
        "badges",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code", _enum(BADGES, "badge_code"), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        _user("badges"),
        sa.PrimaryKeyConstraint("user_id", "code", name=op.f("pk_badges")),
    )

    op.create_table(
        "champions",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("named_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _company("champions"),
        _user("champions"),
        _user("champions", "named_by_id", "SET NULL"),
        sa.PrimaryKeyConstraint("company_id", "user_id", name=op.f("pk_champions")),
    )
    op.create_index("ix_champions_company", "champions", ["company_id", "created_at", "user_id"])
    op.create_index("ix_champions_user", "champions", ["user_id"])

    _kinds(NEW_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM notifications WHERE kind = 'badge'"))
    _kinds(KINDS)
    op.drop_index("ix_champions_user", table_name="champions")
    op.drop_index("ix_champions_company", table_name="champions")
    op.drop_table("champions")
    op.drop_table("badges")
    op.drop_index("ix_reputation_monthly_totals_user", table_name="reputation_monthly_totals")
    op.drop_index("ix_reputation_monthly_totals_rank", table_name="reputation_monthly_totals")
    op.drop_table("reputation_monthly_totals")
    op.drop_index("ix_reputation_company_totals_user", table_name="reputation_company_totals")
    op.drop_index("ix_reputation_company_totals_rank", table_name="reputation_company_totals")
    op.drop_table("reputation_company_totals")
    for name in (
        "ix_reputation_awards_user",
        "ix_reputation_awards_answer",
        "uq_reputation_awards_me_too",
        "uq_reputation_awards_best_answer",
        "uq_reputation_awards_endorsement",
        "uq_reputation_awards_helpful_vote",
    ):
        op.drop_index(name, table_name="reputation_awards")
    op.drop_table("reputation_awards")
    op.drop_index("ix_users_reputation", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("reputation")
