"""The company's own site through the API (issue 15): the SSO secret and the export; the
widget's origins are a field of ``PATCH /companies/{slug}``."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context

from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.schemas import SsoSecretSchema
from app.companies import queries
from app.extensions import limiter
from app.integrations import export, sso
from app.integrations.views import _company_key, _export_limits


@bp.route("/companies/<slug:slug>/sso", methods=["POST"])
@operation(bp, signed_in=True, errors=(403, 404))
@bp.response(201, SsoSecretSchema)
def create_sso_secret(slug: str) -> dict[str, Any]:
    """Create the company's SSO secret, or replace it (tokens signed with the old one stop
    working at once). Its admin staff (or a site admin). The secret is in this answer only:
    sign tokens with its UTF-8 bytes as the HS256 key (README, "Single sign-on")."""
    return {"secret": sso.create_secret(signed_in_user(), queries.get_company(slug))}


@bp.route("/companies/<slug:slug>/export", methods=["GET"])
@operation(bp, signed_in=True, errors=(403, 404, 429))
@limiter.limit(_export_limits, key_func=_company_key, scope="export-company")
@bp.response(
    200,
    description="One JSON object a line, each the object as the API shows it plus `type` "
    "(company, product, staff, question, answer, status_change); streamed.",
    content_type=export.MEDIA_TYPE,
)
def export_company(slug: str) -> Response:
    """Everything of the company, streamed as JSON Lines. Its admin staff (or a site admin).
    Hidden and merged posts (and their answers) are left out."""
    lines = export.export_company(signed_in_user(), queries.get_company(slug))
    response = Response(stream_with_context(lines), mimetype=export.MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.jsonl"'
    return response
