"""Companies, their products and their staff through the API."""

from __future__ import annotations

from typing import Any

from flask import Response

from app.api import bp
from app.api.auth import operation, signed_in_user
from app.api.links import links
from app.api.schemas import (
    CompanyCreateSchema,
    CompanyEditSchema,
    CompanyListArgsSchema,
    CompanyPageSchema,
    CompanySchema,
    InvitationRequestSchema,
    InvitationSchema,
    PageArgsSchema,
    ProductCreateSchema,
    ProductPageSchema,
    ProductSchema,
    ScorecardSchema,
    StaffPageSchema,
)
from app.api.target import acting_on, target
from app.api.views.common import as_page, page_or_400
from app.companies import queries, services, staff
from app.companies.models import Company, Invitation
from app.insights.scorecard import scorecard
from app.policy import Permission, require
from app.products import queries as product_queries
from app.products import services as product_services
from app.products.models import Product


@bp.route("/companies", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 422))
@bp.arguments(CompanyListArgsSchema, location="query")
@bp.response(200, CompanyPageSchema)
def list_companies(args: dict[str, Any]) -> dict:
    """Companies, those with the most questions first; ``q`` filters by name."""
    page = page_or_400(
        lambda: queries.list_companies(args["q"], cursor=args["cursor"], limit=args["limit"])
    )
    return as_page(page)


@bp.route("/companies", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 409, 413, 422))
@links(
    bp,
    201,
    *[
        (operation_id, {"slug": "slug"})
        for operation_id in (
            "get_company",
            "edit_company",
            "list_products",
            "create_product",
            "list_staff",
            "invite_staff",
            "request_claim",
            "ask_question",
        )
    ],
)
@bp.arguments(CompanyCreateSchema)
@bp.response(201, CompanySchema)
def create_company(body: dict[str, Any]) -> Company:
    """Add a company (unclaimed until its staff claim it).

    A name or domain that already has a page is a 409.
    """
    return services.create_company(
        signed_in_user(), name=body["name"], domain=body["domain"], description=body["description"]
    )


@bp.route("/companies/<slug:slug>", methods=["GET"])
@operation(bp, signed_in=False, errors=(404,))
@bp.response(200, CompanySchema)
def get_company(slug: str) -> Company:
    """A company."""
    return queries.get_company(slug)


@bp.route("/companies/<slug:slug>/scorecard", methods=["GET"])
@operation(bp, signed_in=False, errors=(404,))
@bp.response(200, ScorecardSchema)
def get_scorecard(slug: str) -> dict[str, Any]:
    """The company's public scorecard over the last 90 days (anyone; no company can switch
    it off). A new question or official answer shows at once."""
    return scorecard(queries.get_company(slug)).as_dict()


@bp.route("/companies/<slug:slug>", methods=["PATCH"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 413, 422))
@acting_on(queries.get_company, Permission.COMPANY_EDIT)
@bp.arguments(CompanyEditSchema)
@bp.response(200, CompanySchema)
def edit_company(body: dict[str, Any], slug: str) -> Company:
    """Edit a company's description, web address and widget origins.

    Its admin staff once it is claimed, a site admin always; anybody else is a 403,
    whatever the body. Fields left out keep their value. The company's other fields may be
    sent back as read: those the server owns are ignored, the others (``name``,
    ``domain``, ``slug``) must be unchanged (a different one is a 422 naming it).
    """
    user = signed_in_user()
    company = target()
    return services.edit_company(
        user,
        company,
        description=body.get("description", company.description),
        website=body.get("website", company.website),
        widget_origins=body.get("widget_origins"),
    )


@bp.route("/companies/<slug:slug>/products", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, ProductPageSchema)
def list_products(args: dict[str, Any], slug: str) -> dict:
    """A company's products, in the order they were added."""
    company = queries.get_company(slug)
    page = page_or_400(
        lambda: product_queries.list_products_page(
            company.id, cursor=args["cursor"], limit=args["limit"]
        )
    )
    return as_page(page)


@bp.route("/companies/<slug:slug>/products", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422))
@links(bp, 201, ("get_product", {"slug": "company", "product": "slug"}))
@acting_on(queries.get_company, Permission.PRODUCT_CREATE)
@bp.arguments(ProductCreateSchema)
@bp.response(201, ProductSchema)
def create_product(body: dict[str, Any], slug: str) -> Product:
    """Add a product to a company.

    Anyone signed in for an unclaimed company; its admin staff (or a site admin) once it
    is claimed. A name the company already has is a 409.
    """
    user = signed_in_user()
    company = target()
    return product_services.create_product(
        user, company, name=body["name"], description=body["description"]
    )


@bp.route("/companies/<slug:slug>/products/<slug:product>", methods=["GET"])
@operation(bp, signed_in=False, errors=(404,))
@bp.response(200, ProductSchema)
def get_product(slug: str, product: str) -> Product:
    """A product of a company."""
    return product_queries.get_product(slug, product)


@bp.route("/companies/<slug:slug>/staff", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, StaffPageSchema)
def list_staff(args: dict[str, Any], slug: str) -> dict:
    """A company's verified staff: admins first, then by the date they joined."""
    company = queries.get_company(slug)
    page = page_or_400(
        lambda: staff.staff_page(company.id, cursor=args["cursor"], limit=args["limit"])
    )
    return as_page(page)


@bp.route("/companies/<slug:slug>/invitations", methods=["POST"])
@operation(bp, signed_in=True, errors=(400, 403, 404, 409, 413, 422))
@acting_on(queries.get_company, Permission.STAFF_MANAGE)
@bp.arguments(InvitationRequestSchema)
@bp.response(202, InvitationSchema)
def invite_staff(body: dict[str, Any], slug: str) -> Invitation:
    """Invite someone to a claimed company's staff, by work e-mail at its domain.

    Its admin staff (or a site admin). The e-mail carries a token for
    ``POST /invitations/accept``; it works once, for 48 hours, and only while whoever
    sent it still manages the company's staff.
    """
    return staff.invite_staff(signed_in_user(), target(), email=body["email"], role=body["role"])


@bp.route("/companies/<slug:slug>/staff/<id:user_id>", methods=["DELETE"])
@operation(bp, signed_in=True, errors=(403, 404, 409))
@bp.response(204, description="Removed from the staff.")
def remove_staff(slug: str, user_id: int) -> Response:
    """Remove someone from a company's staff.

    Its admin staff (or a site admin). The invitations they sent that are still pending
    are withdrawn too. The last admin cannot be removed (409).
    """
    user = signed_in_user()
    company = queries.get_company(slug)
    # Permission first: to anybody else, an id says nothing about who is on the staff.
    require(user, Permission.STAFF_MANAGE, company)
    membership = staff.get_active_membership(company.id, user_id)
    staff.revoke_staff(user, company, membership.user)
    return Response(status=204)
