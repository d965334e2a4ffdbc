"""images: attached images, company logos, profile bios (issue 13)

Revision ID: 0024_images
Revises: 0023_reputation

New table ``images`` (one row per stored image; the bytes are in the upload store under its
id). ``questions.image_count`` and ``answers.image_count`` (0 for every existing post: none
had images) let the question page skip the images' SELECT when no post on it has any.
``companies.logo_image_id`` points at a company's logo; ``users.bio`` is a profile's short
plain-text bio ("" for every existing account).
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_images"
down_revision = "0023_reputation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "images",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column(
            "place",
            sa.Enum(
                "post",
                "private",
                "logo",
                name="image_place",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(place = 'logo' AND question_id IS NULL AND answer_id IS NULL)"
            " OR (place != 'logo' AND question_id IS NOT NULL)",
            name=op.f("ck_images_attached"),
        ),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f("ck_images_has_size")),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
            name=op.f("fk_images_answer_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_images_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploader_id"],
            ["users.id"],
            name=op.f("fk_images_uploader_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_images")),
    )
    op.create_index("ix_images_answer", "images", ["answer_id", "position"], unique=False)
    op.create_index("ix_images_question", "images", ["question_id", "position"], unique=False)
    op.create_index("ix_images_uploader", "images", ["uploader_id", "created_at"], unique=False)
    with op.batch_alter_table("questions") as batch_op:
        batch_op.add_column(
            sa.Column("image_count", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("answers") as batch_op:
        batch_op.add_column(
            sa.Column("image_count", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("companies") as batch_op:
        batch_op.add_column(sa.Column("logo_image_id", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_companies_logo_image_id_images"),
            "images",
            ["logo_image_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("bio", sa.String(length=300), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("bio")
    with op.batch_alter_table("companies") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_companies_logo_image_id_images"), type_="foreignkey"
        )
        batch_op.drop_column("logo_image_id")
    with op.batch_alter_table("answers") as batch_op:
        batch_op.drop_column("image_count")
    with op.batch_alter_table("questions") as batch_op:
        batch_op.drop_column("image_count")
    op.drop_index("ix_images_uploader", table_name="images")
    op.drop_index("ix_images_question", table_name="images")
    op.drop_index("ix_images_answer", table_name="images")
    op.drop_table("images")
