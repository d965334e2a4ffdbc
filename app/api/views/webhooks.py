"""A company's webhook endpoints through the API (issue 15): list, register, delete."""

from __future__ import annotations

from typing import Any

from flask import Response

from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.schemas.webhooks import (
    WebhookEndpointCreatedSchema,
    WebhookEndpointCreateSchema,
    WebhookEndpointPageSchema,
)
from app.api.target import acting_on, target
from app.companies import queries
from app.policy import Permission, require
from app.webhooks import services
from app.webhooks.models import WebhookEndpoint


@bp.route("/companies/<slug:slug>/webhooks", methods=["GET"])
@operation(bp, signed_in=True, errors=(403, 404))
@bp.response(200, WebhookEndpointPageSchema)
def list_webhooks(slug: str) -> dict:
    """The company's webhook endpoints, oldest first (at most 10, one page); never their
    secrets. Its admin staff (or a site admin)."""
    company = queries.get_company(slug)
    require(signed_in_user(), Permission.WEBHOOKS_MANAGE, company)
    return {"items": services.list_endpoints(company.id), "next_cursor": None}


@bp.route("/companies/<slug:slug>/webhooks", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422))
@acting_on(queries.get_company, Permission.WEBHOOKS_MANAGE)
@bp.arguments(WebhookEndpointCreateSchema)
@bp.response(201, WebhookEndpointCreatedSchema)
def create_webhook(body: dict[str, Any], slug: str) -> WebhookEndpoint:
    """Register an endpoint for some of the events ``question.created``, ``answer.created``,
    ``question.status_changed``, ``question.merged``. Its admin staff (or a site admin).

    The URL is https:// and its host resolves to public addresses only (422 otherwise); a
    company has at most 10 endpoints (409). The answer holds the signing secret, shown this
    once: deliveries carry ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``
    as the Standard Webhooks specification says.
    """
    return services.create_endpoint(
        signed_in_user(), target(), url=body["url"], events=body["events"]
    )


@bp.route("/companies/<slug:slug>/webhooks/<id:id>", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404))
@bp.response(204, description="Deleted, with its delivery log.")
def delete_webhook(slug: str, id: int) -> Response:  # noqa: A002 - the path says {id}
    """Delete an endpoint; nothing more is sent to it. Its admin staff (or a site admin)."""
    user = signed_in_user()
    company = queries.get_company(slug)
    require(user, Permission.WEBHOOKS_MANAGE, company)
    services.delete_endpoint(user, services.get_endpoint(company, id))
    return Response(status=204)
