"""HTML views: a product's page, adding and editing a product."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.companies.queries import get_company
from app.errors import ValidationError
from app.forms import show_errors
from app.i18n import _
from app.notifications.queries import is_following
from app.policy import Permission, require
from app.products import bp, queries, services
from app.products.forms import ProductForm
from app.products.models import Product
from app.questions.filters import read_question_list


def _acting_user() -> Any:
    """The signed-in user (or the anonymous one) itself, not the proxy."""
    return current_user._get_current_object()


def _product_url(product: Product) -> str:
    return url_for("products.show", company_slug=product.company.slug, product_slug=product.slug)


@bp.route("/<company_slug>/products/new", methods=["GET", "POST"])
def new(company_slug: str) -> Response | str | tuple[str, int]:
    company = get_company(company_slug)
    require(current_user, Permission.PRODUCT_CREATE, company)
    form = ProductForm()
    existing = None
    if form.validate_on_submit():
        try:
            product = services.create_product(
                _acting_user(),
                company,
                name=form.name.data or "",
                description=form.description.data or "",
            )
        except services.ProductExists as error:
            show_errors(form, error)
            existing = error.product
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(
                _(
                    "%(product)s is listed under %(company)s now.",
                    product=product.name,
                    company=company.name,
                )
            )
            return redirect(_product_url(product), 303)
    body = render_template(
        "products/form.html", form=form, company=company, product=None, existing=existing
    )
    # Every refused form answers 422, a duplicate too; the JSON API will answer Conflict with 409.
    return (body, 422) if form.is_submitted() else body


@bp.get("/<company_slug>/products/<product_slug>")
def show(company_slug: str, product_slug: str) -> tuple[str, int]:
    product = queries.get_product(company_slug, product_slug)
    listing = read_question_list(request.args, product_id=product.id)
    body = render_template(
        "products/show.html",
        product=product,
        company=product.company,
        following=is_following(_acting_user(), product_id=product.id),
        **listing.template_args(),
    )
    return body, listing.status


@bp.route("/<company_slug>/products/<product_slug>/edit", methods=["GET", "POST"])
def edit(company_slug: str, product_slug: str) -> Response | str | tuple[str, int]:
    product = queries.get_product(company_slug, product_slug)
    require(current_user, Permission.PRODUCT_EDIT, product)
    form = ProductForm(obj=product)
    existing = None
    if form.validate_on_submit():
        try:
            services.edit_product(
                _acting_user(),
                product,
                name=form.name.data or "",
                description=form.description.data or "",
            )
        except services.ProductExists as error:
            show_errors(form, error)
            existing = error.product
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(_("%(product)s is updated.", product=product.name))
            return redirect(_product_url(product), 303)
    body = render_template(
        "products/form.html",
        form=form,
        company=product.company,
        product=product,
        existing=existing,
    )
    # Every refused form answers 422, a duplicate too; the JSON API will answer Conflict with 409.
    return (body, 422) if form.is_submitted() else body
