"""Flags (issue 12): the reporter's own flag, the moderators' flagged post, and the bodies
and query strings of reporting and resolving."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from app.api.bodies import RequestSchema
from app.api.schemas.base import ResponseSchema, WholeNumber, _length, _one_of, _values
from app.api.schemas.queries import PageArgsSchema
from app.api.schemas.resources import page_of
from app.api.target import target
from app.moderation import flags as flag_services
from app.moderation.flag_models import FlagReason, FlagStatus
from app.questions.models import (
    REASON_MAX,
)

# Flags (issue 12) --------------------------------------------------------------------------


class FlagReportSchema(ResponseSchema):
    """One's own report of a post, as its reporter reads it back. Flags are private: a
    reporter never sees the others' flags."""

    id = fields.Integer(required=True)
    target_type = fields.String(required=True, validate=_one_of(["question", "answer"]))
    target_id = fields.Integer(required=True)
    reason = fields.Enum(FlagReason, by_value=True, required=True)
    note = fields.String(required=True)
    duplicate_of = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The original question's id."}
    )
    created_at = fields.DateTime(required=True)


class FlagSchema(ResponseSchema):
    """A flagged post, for moderators: every flag of its current round gathered. Dumped
    from ``app.api.views.flags.flag_data``."""

    id = fields.Integer(required=True)
    target_type = fields.String(required=True, validate=_one_of(["question", "answer"]))
    target_id = fields.Integer(required=True)
    status = fields.Enum(FlagStatus, by_value=True, required=True)
    reasons = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Each reason given in this round, with how many flags."},
    )
    count = fields.Integer(required=True, metadata={"description": "Flags in this round."})
    post_hidden = fields.Boolean(
        required=True, metadata={"description": "Whether the post is hidden now."}
    )
    note = fields.String(
        required=True, metadata={"description": "The moderator's reason or note, once resolved."}
    )
    created_at = fields.DateTime(
        required=True, metadata={"description": "When the first flag of this round came."}
    )
    resolved_at = fields.DateTime(required=True, allow_none=True)


FlagPageSchema = page_of(FlagSchema, "FlagPageSchema")


class FlagCreateSchema(RequestSchema):
    reason = fields.String(required=True, validate=_one_of(_values(FlagReason)))
    note = fields.String(
        load_default="",
        validate=_length(None, REASON_MAX),
        metadata={"description": "Required with reason other. Plain text."},
    )
    duplicate_of = WholeNumber(
        load_default=None,
        allow_none=True,
        metadata={"description": "Required with reason duplicate: the original question's id."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        errors, _ = flag_services.flag_problems(
            target(),
            reason=raw.get("reason"),
            note=raw.get("note", ""),
            duplicate_of=raw.get("duplicate_of"),
        )
        return errors


class FlagResolveSchema(RequestSchema):
    action = fields.String(required=True, validate=_one_of(list(flag_services.RESOLVE_ACTIONS)))
    note = fields.String(
        load_default="",
        validate=_length(None, REASON_MAX),
        metadata={"description": "To hide: the public reason its author sees (required)."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return flag_services.resolve_problems(action=raw.get("action"), note=raw.get("note", ""))


class FlagListArgsSchema(PageArgsSchema):
    status = fields.String(
        load_default=FlagStatus.OPEN.value,
        validate=_one_of(_values(FlagStatus)),
        metadata={"description": "open (the default: oldest first), hidden or dismissed."},
    )
