"""HTML views: a product's page, adding and editing a product."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.companies.forms import cursor_from, sort_from
from app.companies.queries import get_company
from app.errors import DomainError, ValidationError
from app.forms import show_errors
from app.notifications.queries import is_following
from app.pagination import BadCursor
from app.policy import Permission, require
from app.products import bp, queries, services
from app.products.forms import ProductForm
from app.products.models import Product
from app.questions.filters import read_filters
from app.questions.queries import Sort, list_questions

BAD_CURSOR = "That page of the list is not available. Start again from the first page."


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
            flash(f"{product.name} is listed under {company.name} now.")
            return redirect(_product_url(product), 303)
    body = render_template(
        "products/form.html", form=form, company=company, product=None, existing=existing
    )
    # Every refused form answers 422, a duplicate too; the JSON API will answer Conflict with 409.
    return (body, 422) if form.is_submitted() else body


@bp.get("/<company_slug>/products/<product_slug>")
def show(company_slug: str, product_slug: str) -> tuple[str, int]:
    product = queries.get_product(company_slug, product_slug)
    sort = sort_from(request.args)
    filter_form, filters = read_filters(request.args)
    questions = None
    if filters is not None:
        try:
            questions = list_questions(
                product_id=product.id,
                sort=sort,
                cursor=cursor_from(request.args),
                limit=current_app.config["PAGE_SIZE"],
                **filters.as_arguments(),
            )
        except BadCursor:
            raise DomainError(BAD_CURSOR) from None
    body = render_template(
        "products/show.html",
        product=product,
        company=product.company,
        following=is_following(_acting_user(), product_id=product.id),
        questions=questions,
        sort=sort,
        sorts=list(Sort),
        filter_form=filter_form,
        filters=filters,
    )
    return body, 200 if filters is not None else 422


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
            flash(f"{product.name} is updated.")
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
