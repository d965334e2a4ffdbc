"""What the integrations keep: a company's SSO secret, the SSO tokens already used, the link
between a company's own user ids and Helpsquare accounts. (The widget's allowed origins are a
column of the company: ``Company.widget_origins``.)"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db

# A generated secret is 43 characters (32 random bytes, URL-safe base64); room for more.
SECRET_MAX = 100
# Bounds on what a company's site may send: longer values are refused, never stored cut.
JTI_MAX = 200
EXTERNAL_ID_MAX = 200


class SsoSecret(db.Model):
    """A company's SSO secret: the HMAC key its site signs tokens with. Kept as written (it
    must verify signatures, so it cannot be hashed), shown once when created; a new one
    replaces the old at once. One per company."""

    __tablename__ = "sso_secrets"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(sa.String(SECRET_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class SsoTokenUse(db.Model):
    """A token already used, kept until it would have expired anyway (then pruned): a token
    works once. Keyed by company, as each company's site chooses its own ids."""

    __tablename__ = "sso_token_uses"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    jti: Mapped[str] = mapped_column(sa.String(JTI_MAX), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_sso_token_uses_expires_at", "expires_at"),)


class ExternalIdentity(db.Model):
    """The company's own id for a person, linked to their Helpsquare account: the same
    customer signs in as the same account every time, whatever their e-mail becomes."""

    __tablename__ = "external_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(sa.String(EXTERNAL_ID_MAX))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")

    __table_args__ = (
        sa.UniqueConstraint("company_id", "external_id"),
        # One identity per account per company: a second id of the same company cannot
        # take over an account already linked.
        sa.UniqueConstraint("company_id", "user_id"),
        sa.Index("ix_external_identities_user", "user_id"),
    )
