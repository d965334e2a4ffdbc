"""Flags and their review (product.md, "Keeping it clean": Flags, Review queue).

- ``flag_post``: a signed-in user reports someone else's question or answer, once, with a
  reason (``other`` needs a note, ``duplicate`` names the original: another question of
  the same company that everyone can see). At most ``FLAG_LIMITS`` (20) posts an hour per
  account (``app.limits.admit_flag``). Three spam or abusive flags from different users in
  the post's current round, or one such flag from a moderator, hide the post at once,
  pending review (``apply_hide``, by nobody or by that moderator). A flag on a post whose
  flags were resolved opens it again (a new round: earlier flags never count again).
- ``resolve``: a moderator hides the post with a reason its author sees (a post the flags
  hid already stays hidden, now with the moderator's reason), or dismisses the flags (the
  post leaves the queue, and a post the flags hid is shown again).

Races: a second flag by the same user is refused by the unique constraint even when both
arrive at once (409); the flag's counter increment locks the flagged post's row, so
concurrent flags are counted one after the other and the third always sees the first
two; resolving is a conditional update on ``status = 'open'`` (twice at once: one
resolves, the other hears 409).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import limits
from app.answers.models import Answer
from app.db import insert_if_absent, utcnow
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.i18n import _, _l
from app.moderation import log
from app.moderation.flag_models import (
    HIDING_REASONS,
    Flag,
    FlaggedPost,
    FlagReason,
    FlagStatus,
)
from app.moderation.hiding import apply_hide, apply_restore
from app.moderation.models import ModerationAction, TargetType
from app.moderation.reasons import AUTO_HIDE_REASON
from app.policy import Permission, is_moderator, require
from app.questions.models import REASON_MAX, Question
from app.questions.services import clean_text, page_changed
from app.visibility import question_listed

Post = Question | Answer

# How many spam or abusive flags from different users hide a post at once.
HIDE_AFTER = 3
ALREADY_FLAGGED = _l("You have already reported this. A moderator will look at it.")
ALREADY_RESOLVED = _l("These flags were already resolved by a moderator.")
THANKS = _l("Thanks — a moderator will look at it.")
RESOLVE_ACTIONS = ("hide", "dismiss")

_QUESTION_PATH = re.compile(r"/questions/(\d+)(?:[/?#]|$)")


def _is_question(post: Post) -> bool:
    return isinstance(post, Question)


def _question_of(post: Post) -> Question:
    return post if isinstance(post, Question) else post.question


def parse_question_ref(value: Any) -> int | None:
    """A question's id from what a person typed: ``123``, ``#123``, or a question's
    address (``https://…/questions/123/its-title``); None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().lstrip("#")
    if text.isdigit() and len(text) <= 12:
        return int(text)
    found = _QUESTION_PATH.search(text)
    return int(found.group(1)) if found and len(found.group(1)) <= 12 else None


def flag_problems(
    post: Post, *, reason: Any, note: Any = "", duplicate_of: Any = None
) -> tuple[dict[str, str], dict[str, Any]]:
    """What is wrong with a flag's fields, field by field, and the clean values
    (``reason``: FlagReason, ``note``: str, ``duplicate_of``: Question or None)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"reason": None, "note": "", "duplicate_of": None}
    try:
        clean["reason"] = FlagReason(reason)
    except ValueError:
        errors["reason"] = _(
            "Choose a reason: %(reasons)s.", reasons=", ".join(r.value for r in FlagReason)
        )
    if note is None:
        note = ""
    required = clean["reason"] is FlagReason.OTHER
    text, why = clean_text(
        note, label=_("The note"), minimum=1 if required else 0, maximum=REASON_MAX
    )
    if why and (required or text):
        errors["note"] = (
            _("Please say what is wrong in a few words.") if required and not text else why
        )
    clean["note"] = text
    if clean["reason"] is FlagReason.DUPLICATE:
        original, why = _duplicate_problem(post, duplicate_of)
        if why:
            errors["duplicate_of"] = why
        clean["duplicate_of"] = original
    return errors, clean


def _duplicate_problem(post: Post, duplicate_of: Any) -> tuple[Question | None, str | None]:
    if duplicate_of in (None, ""):
        return None, _("Name the original question: its address or its number.")
    question_id = parse_question_ref(duplicate_of)
    if question_id is None or not 1 <= question_id <= 2**31 - 1:
        return None, _("Give the original question's address or its number.")
    own = _question_of(post)
    if question_id == own.id:
        return None, _("Name another question than this one.")
    original = db.session.execute(
        sa.select(Question).where(Question.id == question_id, question_listed())
    ).scalar_one_or_none()
    if original is None:
        return None, _("There is no such question.")
    if original.company_id != own.company_id:
        return None, _("Name a question about the same company.")
    return original, None


def has_flagged(user: Any, post: Post) -> bool:
    """Whether the user has reported the post already (in any round)."""
    column = FlaggedPost.question_id if _is_question(post) else FlaggedPost.answer_id
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True))
            .select_from(Flag)
            .join(FlaggedPost, FlaggedPost.id == Flag.flagged_post_id)
            .where(Flag.user_id == user.id, column == post.id)
        )
    )


def flag_post(
    user: Any, post: Post, *, reason: Any, note: Any = "", duplicate_of: Any = None
) -> Flag:
    """The user reports the post (see the module's rules); the new flag.

    Raises ``ValidationError`` on bad fields, ``Conflict`` for a second flag by the same
    user, ``RateLimited`` over the hourly limit, ``PermissionDenied`` on one's own post.
    """
    require(user, Permission.POST_FLAG, post)
    errors, clean = flag_problems(post, reason=reason, note=note, duplicate_of=duplicate_of)
    if errors:
        raise ValidationError(_("Please correct the report."), fields=errors)
    if has_flagged(user, post):
        raise Conflict(str(ALREADY_FLAGGED))
    limits.admit_flag(user)
    reason_value: FlagReason = clean["reason"]
    try:
        flagged = _open_round(post)
        # The increment locks the flagged post's row: concurrent flags wait here, and each
        # reads the counts the earlier ones left.
        counts = db.session.execute(
            sa.update(FlaggedPost)
            .where(FlaggedPost.id == flagged.id)
            .values(
                flag_count=FlaggedPost.flag_count + 1,
                hide_count=FlaggedPost.hide_count + (1 if reason_value in HIDING_REASONS else 0),
            )
            .returning(FlaggedPost.round, FlaggedPost.hide_count)
            .execution_options(synchronize_session=False)
        ).one()
        flag = Flag(
            flagged_post_id=flagged.id,
            user_id=user.id,
            round=counts.round,
            reason=reason_value,
            note=clean["note"],
            duplicate_of_id=clean["duplicate_of"].id if clean["duplicate_of"] else None,
            created_at=utcnow(),
        )
        db.session.add(flag)
        db.session.flush()
    except IntegrityError:
        # The same user's other flag, sent at the same moment, got there first.
        db.session.rollback()
        raise Conflict(str(ALREADY_FLAGGED)) from None
    moderator_flag = is_moderator(user) and reason_value in HIDING_REASONS
    if moderator_flag or counts.hide_count >= HIDE_AFTER:
        by = user if moderator_flag else None
        if apply_hide(post, by=by, reason=AUTO_HIDE_REASON):
            db.session.execute(
                sa.update(FlaggedPost)
                .where(FlaggedPost.id == flagged.id)
                .values(hidden_by_flags=True)
                .execution_options(synchronize_session=False)
            )
    db.session.commit()
    return flag


def _open_round(post: Post) -> FlaggedPost:
    """The post's flagged-post row, created on its first flag, and opened again (a new
    round) when its earlier flags were resolved."""
    column = "question_id" if _is_question(post) else "answer_id"
    now = utcnow()
    insert_if_absent(
        db.session,
        FlaggedPost.__table__,
        {column: post.id, "status": FlagStatus.OPEN.value, "created_at": now},
    )
    flagged = db.session.execute(
        sa.select(FlaggedPost).where(getattr(FlaggedPost, column) == post.id)
    ).scalar_one()
    db.session.execute(
        sa.update(FlaggedPost)
        .where(FlaggedPost.id == flagged.id, FlaggedPost.status != FlagStatus.OPEN)
        .values(
            status=FlagStatus.OPEN,
            round=FlaggedPost.round + 1,
            flag_count=0,
            hide_count=0,
            hidden_by_flags=False,
            created_at=now,
            resolved_by_id=None,
            resolved_at=None,
            note="",
        )
        .execution_options(synchronize_session=False)
    )
    return flagged


def resolve(moderator: Any, flagged: FlaggedPost, *, action: Any, note: Any = "") -> FlaggedPost:
    """A moderator settles an open flagged post: ``hide`` with ``note`` as the public
    reason the author sees (required), or ``dismiss`` (``note`` optional, kept for the
    moderators). Raises ``Conflict`` when it was resolved already, ``ValidationError`` on a
    bad action or note."""
    require(moderator, Permission.FLAG_REVIEW, flagged)
    if flagged.status is not FlagStatus.OPEN:
        raise Conflict(str(ALREADY_RESOLVED))
    errors = resolve_problems(action=action, note=note)
    if errors:
        raise ValidationError(_("Please correct the decision."), fields=errors)
    text, _why = clean_text(note or "", label=_("The reason"), minimum=0, maximum=REASON_MAX)
    status = FlagStatus.HIDDEN if action == "hide" else FlagStatus.DISMISSED
    post = flagged.post
    resolved = db.session.execute(
        sa.update(FlaggedPost)
        .where(FlaggedPost.id == flagged.id, FlaggedPost.status == FlagStatus.OPEN)
        .values(status=status, resolved_by_id=moderator.id, resolved_at=utcnow(), note=text)
        .returning(FlaggedPost.hidden_by_flags)
        .execution_options(synchronize_session=False)
    ).first()
    if resolved is None:
        db.session.rollback()
        raise Conflict(str(ALREADY_RESOLVED))
    if status is FlagStatus.HIDDEN:
        if not apply_hide(post, by=moderator, reason=text):
            _set_hidden_reason(post, moderator, text)
    elif resolved.hidden_by_flags:
        apply_restore(post, by=moderator)
    db.session.commit()
    db.session.expire(flagged)
    return flagged


def _set_hidden_reason(post: Post, moderator: Any, reason: str) -> None:
    """A post hidden already (by flags, pending review) stays hidden; the moderator's
    decision becomes its reason, and the public log says who decided and why."""
    model = type(post)
    result = db.session.execute(
        sa.update(model)
        .where(model.id == post.id, model.hidden_at.is_not(None))
        .values(hidden_reason=reason, hidden_by_id=moderator.id)
        .execution_options(synchronize_session=False),
        execution_options={"preserve_rowcount": True},
    )
    if result.rowcount == 1:
        target = TargetType.QUESTION if _is_question(post) else TargetType.ANSWER
        log.record(moderator, ModerationAction.HIDE, target, post.id, reason=reason)
        page_changed(_question_of(post).id)
    db.session.expire(post)


def resolve_problems(*, action: Any, note: Any = "") -> dict[str, str]:
    """What is wrong with a decision's fields, field by field."""
    if action not in RESOLVE_ACTIONS:
        return {"action": _("Choose hide or dismiss.")}
    hiding = action == "hide"
    if note is None:
        note = ""
    text, why = clean_text(
        note, label=_("The reason"), minimum=1 if hiding else 0, maximum=REASON_MAX
    )
    if why and (hiding or text):
        return {"note": _("Please give a reason the author will see.") if not text else why}
    return {}


__all__ = [
    "AUTO_HIDE_REASON",
    "HIDE_AFTER",
    "THANKS",
    "flag_post",
    "flag_problems",
    "has_flagged",
    "parse_question_ref",
    "resolve",
    "resolve_problems",
]
