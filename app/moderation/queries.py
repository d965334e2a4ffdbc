"""Reads for the site admin pages: the audit log."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.i18n import _l
from app.moderation.models import AuditEntry, ModerationAction, ModerationLogEntry
from app.pagination import Page, decode_cursor, encode_cursor

# How the log reads each action; an action without a label is shown as recorded.
ACTION_LABELS = {
    "claim.requested": _l("asked to claim the company"),
    "claim.verified": _l("verified the work e-mail of a claim"),
    "claim.approved": _l("approved the claim"),
    "claim.rejected": _l("rejected the claim"),
    "staff.invited": _l("invited staff"),
    "staff.joined": _l("joined the staff"),
    "staff.revoked": _l("revoked staff"),
    "staff.title_changed": _l("changed a staff title"),
    "invitation.revoked": _l("revoked an invitation"),
    "question.edited": _l("edited someone else's question"),
    "answer.edited": _l("edited someone else's answer"),
    "question.status_changed": _l("changed a question's status"),
    "company.edited": _l("edited the company profile"),
    "product.edited": _l("edited a product"),
    "moderator.granted": _l("granted the moderator role"),
    "moderator.withdrawn": _l("withdrew the moderator role"),
    "account.deleted": _l("deleted their own account"),
}


def list_audit_entries(
    *, company_id: int | None = None, cursor: str | None = None, limit: int = 50
) -> Page[AuditEntry]:
    """A page of the audit log, newest first, with actor, subject and company (one SELECT).

    Optionally only one company's entries. Raises ``BadCursor`` for a cursor this server
    did not issue.
    """
    query = sa.select(AuditEntry).options(
        joinedload(AuditEntry.actor),
        joinedload(AuditEntry.subject_user),
        joinedload(AuditEntry.company),
    )
    if company_id is not None:
        query = query.where(AuditEntry.company_id == company_id)
    if cursor:
        created_at, last_id = decode_cursor(cursor, datetime)
        after = sa.tuple_(sa.literal(created_at, AuditEntry.created_at.type), sa.literal(last_id))
        query = query.where(sa.tuple_(AuditEntry.created_at, AuditEntry.id) < after)
    query = query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit + 1)
    rows = list(db.session.execute(query).scalars())
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(rows[-1].created_at, rows[-1].id))
    return Page(rows, None)


# How the public moderation log reads each action.
MODERATION_LABELS = {
    ModerationAction.HIDE: _l("hid"),
    ModerationAction.RESTORE: _l("restored"),
    ModerationAction.LOCK: _l("locked"),
    ModerationAction.UNLOCK: _l("unlocked"),
    ModerationAction.MERGE: _l("merged"),
    ModerationAction.SUSPEND: _l("suspended"),
    ModerationAction.UNSUSPEND: _l("lifted the suspension of"),
    ModerationAction.DELETE: _l("deleted"),
}


def list_moderation_log(*, cursor: str | None = None, limit: int = 50) -> Page[ModerationLogEntry]:
    """A page of the public moderation log, newest first, with each moderator (one SELECT).

    Keyset on (created_at, id). Raises ``BadCursor`` for a cursor this server did not issue.
    """
    query = sa.select(ModerationLogEntry).options(joinedload(ModerationLogEntry.moderator))
    if cursor:
        created_at, last_id = decode_cursor(cursor, datetime)
        after = sa.tuple_(
            sa.literal(created_at, ModerationLogEntry.created_at.type), sa.literal(last_id)
        )
        query = query.where(sa.tuple_(ModerationLogEntry.created_at, ModerationLogEntry.id) < after)
    query = query.order_by(
        ModerationLogEntry.created_at.desc(), ModerationLogEntry.id.desc()
    ).limit(limit + 1)
    rows = list(db.session.execute(query).scalars())
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(rows[-1].created_at, rows[-1].id))
    return Page(rows, None)
