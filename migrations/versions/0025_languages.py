"""languages: a person's chosen interface language and the one they signed up in

Revision ID: 0025_languages
Revises: 0024_images

``users.language`` (None: the browser's choice) and ``users.signup_language`` (the
request's language at sign-up; the language of e-mails until the person chooses one).
Both are NULL for every existing account: their e-mails stay in the default language.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_languages"
down_revision = "0024_images"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
        batch.add_column(sa.Column("signup_language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("signup_language")
        batch.drop_column("language")
