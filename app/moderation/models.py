"""The audit log: every claim decision and staff change, kept for site admins."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db

ACTION_MAX = 40


class AuditEntry(db.Model):
    """Who did what, when, to whom, and why. Rows are only ever added."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # e.g. "claim.requested", "claim.approved", "staff.invited", "staff.revoked"
    action: Mapped[str] = mapped_column(sa.String(ACTION_MAX))
    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="SET NULL")
    )
    subject_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User", foreign_keys=[actor_id])
    subject_user = relationship("User", foreign_keys=[subject_user_id])
    company = relationship("Company")

    __table_args__ = (
        sa.Index("ix_audit_entries_created", "created_at", "id"),
        sa.Index("ix_audit_entries_company", "company_id", "created_at"),
    )
