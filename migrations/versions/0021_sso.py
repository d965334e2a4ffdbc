"""sso: the company's own site — SSO secrets, used tokens, external identities, widget origins

Revision ID: 0021_sso
Revises: 0020_webhooks

``sso_secrets``: one HMAC key per company (kept as written: it must verify signatures).
``sso_token_uses``: the ``jti`` of each used token until it would have expired anyway
(pruned by the sign-ins that follow), so a token works once.
``external_identities``: the company's own user id → the Helpsquare account, one each way
per company.
``companies.widget_origins``: the https origins (space-separated) that may frame the
company's widget; "" for every existing company (framed by nobody).
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_sso"
down_revision = "0020_webhooks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sso_secrets",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_sso_secrets_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_sso_secrets_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_sso_secrets")),
    )
    op.create_table(
        "sso_token_uses",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("jti", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_sso_token_uses_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("company_id", "jti", name=op.f("pk_sso_token_uses")),
    )
    op.create_index("ix_sso_token_uses_expires_at", "sso_token_uses", ["expires_at"])
    op.create_table(
        "external_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_external_identities_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_external_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_identities")),
        sa.UniqueConstraint(
            "company_id", "external_id", name=op.f("uq_external_identities_company_id_external_id")
        ),
        sa.UniqueConstraint(
            "company_id", "user_id", name=op.f("uq_external_identities_company_id_user_id")
        ),
    )
    op.create_index("ix_external_identities_user", "external_identities", ["user_id"])
    with op.batch_alter_table("companies") as batch:
        batch.add_column(
            sa.Column("widget_origins", sa.Text(), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("widget_origins")
    op.drop_index("ix_external_identities_user", table_name="external_identities")
    op.drop_table("external_identities")
    op.drop_index("ix_sso_token_uses_expires_at", table_name="sso_token_uses")
    op.drop_table("sso_token_uses")
    op.drop_table("sso_secrets")
