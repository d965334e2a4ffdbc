"""Companies: the pages customers ask about, claimed or not."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db

NAME_MIN, NAME_MAX = 2, 100
SLUG_MAX = 110
DOMAIN_MAX = 253
DESCRIPTION_MAX = 2000
WEBSITE_MAX = 300


class Company(db.Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    # One page per web domain: the claim workflow verifies staff against it.
    domain: Mapped[str] = mapped_column(sa.String(DOMAIN_MAX), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(WEBSITE_MAX), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    product_count: Mapped[int] = mapped_column(default=0, server_default="0")
    question_count: Mapped[int] = mapped_column(default=0, server_default="0")

    created_by = relationship("User")
    products = relationship("Product", back_populates="company", order_by="Product.name")

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None

    def __repr__(self) -> str:
        return f"<Company {self.slug}>"
