"""Products: what a company makes, each with its own page of questions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.confusables import SKELETON_CHARS_PER_CHAR, name_cased_skeleton, name_skeleton
from app.db import UTCDateTime, utcnow
from app.extensions import db

NAME_MIN, NAME_MAX = 2, 100
NAME_SKELETON_MAX = NAME_MAX * SKELETON_CHARS_PER_CHAR
SLUG_MAX = 110
DESCRIPTION_MAX = 2000


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX))
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    # What the name reads as, in any case and as written (app.confusables), kept by
    # ``_name`` below: a company has one product per reading.
    name_skeleton: Mapped[str] = mapped_column(sa.String(NAME_SKELETON_MAX))
    name_cased_skeleton: Mapped[str] = mapped_column(sa.String(NAME_SKELETON_MAX))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    question_count: Mapped[int] = mapped_column(default=0, server_default="0")

    company = relationship("Company", back_populates="products")

    __table_args__ = (
        sa.UniqueConstraint("company_id", "slug"),
        sa.Index("ix_products_company_name_skeleton", "company_id", "name_skeleton", unique=True),
        sa.Index(
            "ix_products_company_name_cased_skeleton",
            "company_id",
            "name_cased_skeleton",
            unique=True,
        ),
    )

    @validates("name")
    def _name(self, _key: str, name: str) -> str:
        self.name_skeleton = name_skeleton(name)
        self.name_cased_skeleton = name_cased_skeleton(name)
        return name

    @property
    def is_claimed(self) -> bool:
        """A claimed company's products are claimed too."""
        return self.company.is_claimed

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"
