"""What the edit history tests share."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.moderation.models import AnswerRevision, AuditEntry, QuestionRevision


def revision_rows(model: type = QuestionRevision) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def answer_revision_rows() -> int:
    return revision_rows(AnswerRevision)


def audit_entries(action: str | None = None) -> list[AuditEntry]:
    """The audit log as stored now, oldest first (optionally one action only)."""
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query.execution_options(populate_existing=True)))
