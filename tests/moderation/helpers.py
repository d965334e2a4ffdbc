"""What the flag tests share."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.moderation.flag_models import Flag, FlaggedPost
from app.moderation.models import ModerationLogEntry


def flagged_of(post: Any) -> FlaggedPost | None:
    from app.questions.models import Question

    column = FlaggedPost.question_id if isinstance(post, Question) else FlaggedPost.answer_id
    db.session.expire_all()
    return db.session.execute(sa.select(FlaggedPost).where(column == post.id)).scalar_one_or_none()


def flags_on(post: Any) -> list[Flag]:
    flagged = flagged_of(post)
    if flagged is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Flag).where(Flag.flagged_post_id == flagged.id).order_by(Flag.id)
        )
    )


def log_lines() -> list[tuple[str, str, int, int | None, str]]:
    return [
        (e.action.value, e.target_type.value, e.target_id, e.moderator_id, e.reason)
        for e in db.session.scalars(sa.select(ModerationLogEntry).order_by(ModerationLogEntry.id))
    ]
