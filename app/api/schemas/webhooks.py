"""Webhook endpoints (issue 15): what the API shows of one, and the body that registers it."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import fields

from app.api.bodies import RequestSchema
from app.api.schemas.base import ResponseSchema, _length, _one_of
from app.api.schemas.resources import page_of
from app.webhooks import services as webhook_services
from app.webhooks.models import EVENTS, URL_MAX


def _log_url(endpoint: Any) -> str:
    return url_for(
        "webhooks.log", slug=endpoint.company.slug, endpoint_id=endpoint.id, _external=True
    )


class WebhookEndpointSchema(ResponseSchema):
    id = fields.Integer(required=True)
    url = fields.String(
        required=True, metadata={"description": "Where deliveries go.", "format": "uri"}
    )
    events = fields.List(
        fields.String(validate=_one_of(list(EVENTS))),
        attribute="event_list",
        required=True,
        metadata={"description": "The events sent to it."},
    )
    active = fields.Boolean(
        attribute="is_active",
        required=True,
        metadata={"description": "False once deliveries failed for three days."},
    )
    disabled_at = fields.DateTime(required=True, allow_none=True)
    disabled_reason = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    log_url = fields.Function(
        _log_url,
        required=True,
        metadata={"type": "string", "format": "uri", "description": "Its delivery log (HTML)."},
    )


class WebhookEndpointCreatedSchema(WebhookEndpointSchema):
    secret = fields.String(
        required=True,
        metadata={
            "description": "The signing secret, whsec_ + base64 of the key (Standard "
            "Webhooks). Shown in this answer only."
        },
    )


WebhookEndpointPageSchema = page_of(WebhookEndpointSchema, "WebhookEndpointPageSchema")


class WebhookEndpointCreateSchema(RequestSchema):
    url = fields.String(
        required=True,
        validate=_length(None, URL_MAX),
        metadata={"description": "An https:// address whose host is on the public internet."},
    )
    events = fields.List(
        fields.String(validate=_one_of(list(EVENTS))),
        required=True,
        metadata={"description": "At least one of the events."},
    )

    def problems(self, raw: dict[str, Any]) -> dict[str, str]:
        return webhook_services.endpoint_problems(raw.get("url"), raw.get("events"))
