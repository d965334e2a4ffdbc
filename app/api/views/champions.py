"""A company's champions through the API: listed for anyone, named and removed by its
admins (app/reputation/champions.py)."""

from __future__ import annotations

from typing import Any

from flask import Response

from app.accounts.queries import get_user_by_username
from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.schemas import ChampionPageSchema, ChampionSchema, PageArgsSchema
from app.api.target import acting_on, target
from app.api.views.common import as_page, page_or_400
from app.companies.queries import get_company
from app.policy import Permission
from app.reputation import champions, queries
from app.reputation.models import Champion


def _company(slug: str, username: str) -> Any:
    return get_company(slug)


@bp.route("/companies/<slug:slug>/champions", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, ChampionPageSchema)
def list_champions(args: dict[str, Any], slug: str) -> dict:
    """A company's champions, longest-standing first: fellow customers its admins named.
    Their answers to its questions carry ``by_champion: true``."""
    company = get_company(slug)
    page = page_or_400(
        lambda: queries.champions_page(company.id, cursor=args["cursor"], limit=args["limit"])
    )
    return as_page(page)


@bp.route("/companies/<slug:slug>/champions/<username>", methods=["PUT"])
@operation(bp, signed_in=True, errors=(403, 404, 422))
@acting_on(_company, Permission.CHAMPION_NAME)
@bp.response(200, ChampionSchema)
def name_champion(slug: str, username: str) -> Champion:
    """Name a champion of the company: its admin staff (or a site admin), on a claimed
    company only (else 403).

    The person must have answered the company's questions as a fellow customer (not
    officially) and not be its staff (422 at ``username``); an unknown person is a 404. A
    company has at most 50 champions (422). Naming a champion again changes nothing.
    """
    person = get_user_by_username(username)
    return champions.name_champion(signed_in_user(), target(), person)


@bp.route("/companies/<slug:slug>/champions/<username>", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404))
@acting_on(_company, Permission.CHAMPION_NAME)
@bp.response(204, description="No longer a champion.")
def remove_champion(slug: str, username: str) -> Response:
    """Remove a champion of the company: its admin staff (or a site admin). Removing
    someone who is not one changes nothing; an unknown person is a 404."""
    person = get_user_by_username(username)
    champions.remove_champion(signed_in_user(), target(), person)
    return Response(status=204)
