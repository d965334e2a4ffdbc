"""Flags through the API: reporting a question or an answer, and the moderators' review
queue (api.md Part 2)."""

from __future__ import annotations

from typing import Any

from app.answers.queries import get_answer
from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.schemas import (
    FlagCreateSchema,
    FlagListArgsSchema,
    FlagPageSchema,
    FlagReportSchema,
    FlagResolveSchema,
    FlagSchema,
)
from app.api.target import acting_on, target
from app.api.views.common import page_or_400
from app.moderation import flag_queries, flags
from app.moderation.flag_models import Flag, FlaggedPost, FlagStatus
from app.policy import Permission, require
from app.questions.queries import get_question


def report_data(flag: Flag, post: Any, target_type: str) -> dict[str, Any]:
    """One's own flag as its reporter reads it back."""
    return {
        "id": flag.id,
        "target_type": target_type,
        "target_id": post.id,
        "reason": flag.reason,
        "note": flag.note,
        "duplicate_of": flag.duplicate_of_id,
        "created_at": flag.created_at,
    }


def flag_data(flagged: FlaggedPost, reasons: dict[Any, int]) -> dict[str, Any]:
    """A flagged post as moderators read it: the flags of its current round gathered."""
    return {
        "id": flagged.id,
        "target_type": flagged.target_type,
        "target_id": flagged.target_id,
        "status": flagged.status,
        "reasons": {reason.value: count for reason, count in reasons.items()},
        "count": flagged.flag_count,
        "post_hidden": flagged.post.hidden_at is not None,
        "note": flagged.note,
        "created_at": flagged.created_at,
        "resolved_at": flagged.resolved_at,
    }


def _flag(post: Any, target_type: str, body: dict[str, Any]) -> dict[str, Any]:
    flag = flags.flag_post(
        signed_in_user(),
        post,
        reason=body["reason"],
        note=body["note"],
        duplicate_of=body["duplicate_of"],
    )
    return report_data(flag, post, target_type)


@bp.route("/questions/<id:question_id>/flags", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422, 429))
@acting_on(get_question, Permission.POST_FLAG)
@bp.arguments(FlagCreateSchema)
@bp.response(201, FlagReportSchema)
def flag_question(body: dict[str, Any], question_id: int) -> dict[str, Any]:
    """Report someone else's question to the moderators, once, with a reason (``other``
    needs a note; ``duplicate`` names the original, another question of the same company).
    A second report by the same account is a 409; more than 20 reports an hour a 429.
    Three spam or abusive reports from different people hide the question pending review."""
    return _flag(target(), "question", body)


@bp.route("/answers/<id:answer_id>/flags", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422, 429))
@acting_on(get_answer, Permission.POST_FLAG)
@bp.arguments(FlagCreateSchema)
@bp.response(201, FlagReportSchema)
def flag_answer(body: dict[str, Any], answer_id: int) -> dict[str, Any]:
    """Report someone else's answer to the moderators (as for a question)."""
    return _flag(target(), "answer", body)


@bp.route("/flags", methods=["GET"])
@operation(bp, signed_in=True, errors=(400, 403, 422))
@bp.arguments(FlagListArgsSchema, location="query")
@bp.response(200, FlagPageSchema)
def list_flags(args: dict[str, Any]) -> dict[str, Any]:
    """Flagged posts, for moderators: one object per post gathering its flags. Open ones
    (the default) oldest first; hidden and dismissed ones newest first."""
    require(signed_in_user(), Permission.FLAG_REVIEW)
    status = FlagStatus(args["status"])
    page = page_or_400(
        lambda: flag_queries.list_flagged(status, cursor=args["cursor"], limit=args["limit"])
    )
    return {
        "items": [flag_data(row.flagged, row.reasons) for row in page.items],
        "next_cursor": page.next_cursor,
    }


def _flagged_to_review(flag_id: int) -> FlaggedPost:
    """The flagged post, for a moderator; anybody else hears 403 before whether it exists."""
    require(signed_in_user(), Permission.FLAG_REVIEW)
    return flag_queries.get_flagged(flag_id)


@bp.route("/flags/<id:flag_id>/resolve", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422))
@acting_on(_flagged_to_review)
@bp.arguments(FlagResolveSchema)
@bp.response(200, FlagSchema)
def resolve_flag(body: dict[str, Any], flag_id: int) -> dict[str, Any]:
    """Resolve an open flagged post (moderators): ``hide`` it with ``note`` as the reason its
    author sees, or ``dismiss`` the flags (a post the flags hid is shown again). One
    already resolved is a 409."""
    flagged = flags.resolve(signed_in_user(), target(), action=body["action"], note=body["note"])
    return flag_data(flagged, flag_queries.reasons_of([flagged])[flagged.id])
