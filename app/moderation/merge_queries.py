"""Reads for merged questions: where a merged question's address leads.

A merged question is seen by nobody but moderators (``app.visibility``): its address
redirects (301) to the question it was merged into, for everyone who may open that one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.questions.models import Question
from app.visibility import can_see_question, request_viewer, sees_hidden

# Merges chain (A into B, later B into C); a chain longer than this is not followed.
MAX_HOPS = 5


def _load(question_id: int) -> Question | None:
    return db.session.execute(
        sa.select(Question)
        .options(joinedload(Question.author), joinedload(Question.company))
        .where(Question.id == question_id)
    ).scalar_one_or_none()


def merge_redirect(question_id: int, *, viewer: Any = None) -> tuple[Question, Question] | None:
    """The merged question ``question_id`` names and the question its address leads to now
    (following merges), or None: it is not merged, or the viewer may not follow it there.

    A merged question that was also hidden redirects only its author and moderators (as
    its page would have shown only to them); the original must be one the viewer may open
    (``app.visibility.can_see_question``). ``viewer`` defaults to this request's reader.
    One SELECT per question on the way.
    """
    viewer = viewer if viewer is not None else request_viewer()
    duplicate = _load(question_id)
    if duplicate is None or duplicate.merged_into_id is None:
        return None
    if duplicate.hidden_at is not None and not sees_hidden(viewer, duplicate):
        return None
    original: Question | None = duplicate
    for _ in range(MAX_HOPS):
        if original is None or original.merged_into_id is None:
            break
        original = _load(original.merged_into_id)
    if original is None or original.merged_into_id is not None:
        return None
    if not can_see_question(viewer, original):
        return None
    return duplicate, original


__all__ = ["merge_redirect"]
