"""Companies: the pages customers ask about, claimed or not."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.confusables import SKELETON_CHARS_PER_CHAR, name_cased_skeleton, name_skeleton
from app.db import UTCDateTime, string_enum, utcnow
from app.extensions import db
from app.i18n import _, _l

NAME_MIN, NAME_MAX = 2, 100
# The longest skeleton a NAME_MAX-character name can have.
NAME_SKELETON_MAX = NAME_MAX * SKELETON_CHARS_PER_CHAR
SLUG_MAX = 110
DOMAIN_MAX = 253
DESCRIPTION_MAX = 2000
WEBSITE_MAX = 300
# A company with no official answer in the scorecard's window: last in "answers fastest".
NOT_RANKED = 2**31 - 1


class Company(db.Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    # What the name reads as, in any case and as written (app.confusables), kept by
    # ``_name`` below: one page per reading, so "Acme", "ACME.", "Αcme" cannot all have one.
    name_skeleton: Mapped[str] = mapped_column(sa.String(NAME_SKELETON_MAX))
    name_cased_skeleton: Mapped[str] = mapped_column(sa.String(NAME_SKELETON_MAX))
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
    # Moves by one with every write the public scorecard shows (asking, answering, hiding,
    # restoring, merging, statuses, kinds, best answers): ``app.insights.scorecard`` keys
    # its cache by it, so a new question or official answer shows at once.
    scorecard_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The directory's "Answers officially fastest": the median seconds to the first official
    # answer over 90 days, ``NOT_RANKED`` without one; kept with every write that moves the
    # version above, and by ``flask scorecard-rank`` as the window slides.
    official_answer_rank: Mapped[int] = mapped_column(
        default=NOT_RANKED, server_default=str(NOT_RANKED)
    )
    # The https origins allowed to frame the company's widget, space-separated ("" for
    # none); its admin staff keep them (app.integrations.widget checks each one).
    widget_origins: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The logo its admins uploaded (app.uploads, an image anyone may fetch), or none. The
    # foreign key is added after both tables exist (images name questions, which name us).
    logo_image_id: Mapped[str | None] = mapped_column(
        sa.String(32), sa.ForeignKey("images.id", ondelete="SET NULL", use_alter=True)
    )

    created_by = relationship("User")
    products = relationship("Product", back_populates="company", order_by="Product.name")

    # The home page and the directory list companies by size.
    __table_args__ = (
        sa.Index("ix_companies_question_count", "question_count", "id"),
        sa.Index("ix_companies_official_answer_rank", "official_answer_rank", "id"),
        # Unique indexes rather than constraints: SQLite adds them without copying the table.
        sa.Index("ix_companies_name_skeleton", "name_skeleton", unique=True),
        sa.Index("ix_companies_name_cased_skeleton", "name_cased_skeleton", unique=True),
    )

    @validates("name")
    def _name(self, _key: str, name: str) -> str:
        self.name_skeleton = name_skeleton(name)
        self.name_cased_skeleton = name_cased_skeleton(name)
        return name

    @property
    def widget_origin_list(self) -> list[str]:
        return self.widget_origins.split()

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None

    def __repr__(self) -> str:
        return f"<Company {self.slug}>"


class StaffRole(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"

    @property
    def label(self) -> str:
        return _("Admin") if self is StaffRole.ADMIN else _("Agent")


class ClaimStatus(StrEnum):
    """A claim's lifecycle: e-mail sent → address verified → a site admin decides.

    ``expired`` is set when a verification link is used (or the queue is read) after
    the link's 48 hours; nothing a pending, expired or rejected claim grants.
    """

    PENDING_EMAIL = "pending_email"
    EMAIL_VERIFIED = "email_verified"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return str(CLAIM_STATUS_LABELS[self])


CLAIM_STATUS_LABELS = {
    ClaimStatus.PENDING_EMAIL: _l("Waiting for e-mail verification"),
    ClaimStatus.EMAIL_VERIFIED: _l("Waiting for review"),
    ClaimStatus.APPROVED: _l("Approved"),
    ClaimStatus.REJECTED: _l("Rejected"),
    ClaimStatus.EXPIRED: _l("Expired"),
}

NOTE_MAX = 2000
TITLE_MAX = 80
EMAIL_MAX = 254


class Membership(db.Model):
    """A verified staff member of a company. Revoking keeps the row (history, titles
    on earlier official answers) and sets ``revoked_at``; one row per user per company."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[StaffRole] = mapped_column(string_enum(StaffRole, "staff_role"))
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX), default="")
    # The work address this person verified to join.
    work_email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    company = relationship("Company")
    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (
        sa.UniqueConstraint("company_id", "user_id"),
        sa.Index("ix_memberships_user", "user_id"),
    )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Claim(db.Model):
    """A user's request to speak for a company, verified by work e-mail, decided by a site admin."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    work_email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX))
    status: Mapped[ClaimStatus] = mapped_column(
        string_enum(ClaimStatus, "claim_status"), default=ClaimStatus.PENDING_EMAIL
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The verification link works until then, once.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")

    company = relationship("Company")
    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.Index("ix_claims_status_created", "status", "created_at"),
        sa.Index("ix_claims_company", "company_id"),
        sa.Index("ix_claims_user", "user_id"),
    )


class Invitation(db.Model):
    """A company admin invites someone, by work e-mail at the company's domain, to join staff."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX))
    role: Mapped[StaffRole] = mapped_column(string_enum(StaffRole, "invitation_role"))
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company = relationship("Company")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    __table_args__ = (sa.Index("ix_invitations_company", "company_id", "created_at"),)


PROOF_BY_MAX = 300


class DomainProof(db.Model):
    """A claimant's token for proving a company's domain (product.md, "Provable claim"):
    published as a DNS TXT record ``helpsquare-verify=<token>`` or in the file
    ``/.well-known/helpsquare-verify.txt``. One per claimant per company."""

    __tablename__ = "domain_proofs"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proven_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How it was proven ("DNS", the file's address) once it was.
    proven_by: Mapped[str] = mapped_column(sa.String(PROOF_BY_MAX), default="")

    company = relationship("Company")

    __table_args__ = (sa.UniqueConstraint("company_id", "user_id"),)
