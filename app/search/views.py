"""The search results page, and similar questions as JSON for the ask page's script."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from app.companies.models import Company
from app.companies.queries import get_company
from app.errors import NotFound
from app.extensions import limiter
from app.products.queries import list_products
from app.questions.models import Kind, Status
from app.search import bp
from app.search.forms import SearchForm
from app.search.queries import (
    CompanyChoice,
    company_choices,
    search_questions,
    similar_questions,
)

# The company filter offers the busiest companies (and the one chosen); every company's
# own page searches within it too, so no company is out of reach.
COMPANY_CHOICES = 50


def _company(slug: str) -> Company | None:
    try:
        return get_company(slug)
    except NotFound:
        return None


@bp.get("/search")
def index() -> tuple[str, int]:
    """Results for ``q``, filtered by company, product, kind and status.

    A fixed number of statements: the companies offered (1), the chosen company and
    its products when one is chosen (2), the search (1) and the questions shown (1).
    """
    form = SearchForm(formdata=request.args)
    companies: list[CompanyChoice | Company] = list(company_choices(COMPANY_CHOICES))
    wanted = request.args.get("company", "")
    company = next((c for c in companies if c.slug == wanted), None)
    if wanted and company is None:
        company = _company(wanted)
        if company is not None:
            companies.append(company)
    form.set_companies(sorted(companies, key=lambda c: c.name.lower()))
    products = list_products(company.id) if company is not None else []
    form.set_products(products)

    results = None
    product = None
    status = 200
    if not form.validate():
        status = 422
    elif (form.q.data or "").strip():
        product = next((p for p in products if p.slug == form.product.data), None)
        results = search_questions(
            form.q.data or "",
            company_id=company.id if company is not None else None,
            product_id=product.id if product is not None else None,
            kind=Kind(form.kind.data) if form.kind.data else None,
            status=Status(form.status.data) if form.status.data else None,
            page=request.args.get("page", default=1, type=int) or 1,
            as_rows=True,
        )
    body = render_template(
        "search/index.html", form=form, results=results, company=company, product=product
    )
    return body, status


@bp.get("/search/similar")
@limiter.limit("120 per minute")
def similar() -> Response | tuple[Response, int]:
    """Up to five questions that look like ``title``, optionally within ``company``.

    For the ask page's script; the same list is on the page without it. Two statements
    at most: the company (1) and the match (1).
    """
    company = None
    slug = request.args.get("company", "")
    if slug:
        company = _company(slug)
        if company is None:
            return jsonify(items=[]), 404
    items = similar_questions(
        request.args.get("title", ""),
        company_id=company.id if company is not None else None,
        ignore=company.name if company is not None else "",
    )
    return jsonify(items=[item.as_json(_url(item)) for item in items])


def _url(item: Any) -> str:
    return url_for("questions.show", question_id=item.id, slug=item.slug)
