"""Writing to the audit log: services call ``record`` inside their own transaction."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.moderation.models import AuditEntry


def record(
    actor: Any,
    action: str,
    *,
    company_id: int | None = None,
    subject_user_id: int | None = None,
    note: str = "",
) -> AuditEntry:
    """Add an audit entry to the session; the calling service commits it with its change."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        company_id=company_id,
        subject_user_id=subject_user_id,
        note=note,
    )
    db.session.add(entry)
    return entry
