"""Writing the public moderation log (product.md, "Public moderation log").

Every moderation service calls ``record`` inside its own transaction, so the line lands
with the change it describes or not at all. The reason is public: it must never be (or
quote) the hidden text.
"""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.moderation.models import ModerationAction, ModerationLogEntry, TargetType


def record(
    moderator: Any,
    action: ModerationAction,
    target_type: TargetType,
    target_id: int,
    *,
    reason: str = "",
) -> ModerationLogEntry:
    """Add a line to the public log; ``moderator`` None for what no person did by hand
    (flags hiding a post). The calling service commits it with its change."""
    entry = ModerationLogEntry(
        moderator_id=getattr(moderator, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
    )
    db.session.add(entry)
    return entry
