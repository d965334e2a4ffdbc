"""What the staff tests share: a claimed company with its admin, reading pages as text,
and reading an invitation link from the outbox."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import sqlalchemy as sa

from app.accounts.models import User
from app.companies import staff
from app.companies.models import Company, Invitation, Membership
from app.extensions import db
from app.mail.models import OutboxMessage
from app.moderation.models import AuditEntry
from tests.factories import make_company, make_staff, make_user

CLAIMED_ON = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
_LINK = re.compile(r"https?://helpsquare\.test/companies/invitations/([A-Za-z0-9_.\-]+)")


def save() -> None:
    """Commit what the test arranged: requests run in their own sessions, and a refused
    request rolls its own back, so the rows must be there before it starts."""
    db.session.commit()


def text(response) -> str:  # noqa: ANN001 - a test response
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    page = response.get_data(as_text=True)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def acme(**fields) -> tuple[Company, User]:
    """Acme (acme.com), claimed on 3 March 2026, and Jane Doe, its admin."""
    company = make_company("Acme", slug="acme", domain="acme.com", claimed_at=CLAIMED_ON, **fields)
    jane = make_user("jane", display_name="Jane Doe", email="jane@example.org")
    make_staff(company, jane, role="admin", title="Head of Support")
    return company, jane


def invite(company: Company, inviter: User, email: str, role: str = "agent") -> str:
    """Invite ``email`` through the service and return the token from the e-mail sent."""
    staff.invite_staff(inviter, company, email=email, role=role)
    return token_sent_to(email)


def token_sent_to(email: str) -> str:
    """The invitation token in the newest message queued for ``email``."""
    body = db.session.execute(
        sa.select(OutboxMessage.body_text)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).scalar_one()
    match = _LINK.search(body)
    assert match, body
    return match.group(1)


def audit_actions() -> list[tuple[str, int | None, int | None]]:
    """(action, company id, subject user id) of every audit entry, oldest first."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                AuditEntry.action, AuditEntry.company_id, AuditEntry.subject_user_id
            ).order_by(AuditEntry.id)
        )
    ]


def membership_of(company: Company, user: User) -> Membership | None:
    db.session.expire_all()
    return db.session.execute(
        sa.select(Membership).where(
            Membership.company_id == company.id, Membership.user_id == user.id
        )
    ).scalar_one_or_none()


def invitations() -> list[Invitation]:
    db.session.expire_all()
    return list(db.session.execute(sa.select(Invitation).order_by(Invitation.id)).scalars())
