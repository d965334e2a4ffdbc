"""Rows and readings the claim tests share."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.accounts.models import User
from app.companies.models import Claim, ClaimStatus, Company, Membership
from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.moderation.models import AuditEntry
from tests.factories import make_company, make_user

VERIFY_LINK = re.compile(r"https?://helpsquare\.test(/companies/claims/verify/([A-Za-z0-9_.\-]+))")


def make_claim(
    company: Company | None = None,
    user: User | None = None,
    *,
    status: ClaimStatus = ClaimStatus.EMAIL_VERIFIED,
    work_email: str | None = None,
    age: timedelta = timedelta(0),
) -> Claim:
    """A claim in any state, as if made ``age`` ago (verified claims were verified then)."""
    company = company or make_company()
    user = user or make_user()
    created = utcnow() - age
    claim = Claim(
        company_id=company.id,
        user_id=user.id,
        work_email=work_email or f"{user.username}@{company.domain}",
        status=status,
        created_at=created,
        expires_at=created + timedelta(hours=48),
        email_verified_at=created if status is not ClaimStatus.PENDING_EMAIL else None,
    )
    db.session.add(claim)
    db.session.flush()
    return claim


def save() -> None:
    """Commit what the test arranged: a refused request rolls its session back, and the
    requests share the test's connection, so uncommitted rows would vanish with it."""
    db.session.commit()


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def sent_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.execute(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def verify_link(address: str) -> tuple[str, str]:
    """The path and token of the last verification link e-mailed to ``address``."""
    body = sent_to(address)[-1].body_text
    match = VERIFY_LINK.search(body)
    assert match, body
    return match.group(1), match.group(2)


def claims_of(user: User) -> list[Claim]:
    db.session.expire_all()
    return list(
        db.session.execute(
            sa.select(Claim).where(Claim.user_id == user.id).order_by(Claim.id)
        ).scalars()
    )


def memberships(company: Company) -> list[Membership]:
    db.session.expire_all()
    return list(
        db.session.execute(
            sa.select(Membership).where(Membership.company_id == company.id)
        ).scalars()
    )


def audit_trail(company: Company) -> list[tuple[str, int | None, int | None, str]]:
    """(action, actor id, subject user id, note) of the company's audit entries, in order."""
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(
            AuditEntry.action, AuditEntry.actor_id, AuditEntry.subject_user_id, AuditEntry.note
        )
        .where(AuditEntry.company_id == company.id)
        .order_by(AuditEntry.id)
    )
    return [tuple(row) for row in rows]


def sent_to_sign_in(response: Any) -> bool:
    return response.status_code in (302, 303) and urlsplit(response.location).path == "/sign-in"
