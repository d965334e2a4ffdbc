"""HTML views: the company list, a company's page, adding and editing a company."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.views import safe_next
from app.companies import bp, logos, queries, services
from app.companies.claim_queries import live_claim
from app.companies.forms import CompanyEditForm, CompanyForm, CompanySearchForm, LogoForm
from app.companies.models import NOT_RANKED
from app.errors import DomainError, RateLimited, ValidationError
from app.extensions import limiter
from app.forms import refused, show_errors
from app.i18n import _
from app.insights.scorecard import scorecard
from app.notifications.queries import is_following
from app.pagination import BAD_PAGE_LINK, BadCursor, cursor_from
from app.policy import Permission, require
from app.products.queries import list_products
from app.questions.filters import read_question_list
from app.reputation.queries import company_with_champions


def _acting_user() -> Any:
    """The signed-in user (or the anonymous one) itself, not the proxy."""
    return current_user._get_current_object()


@bp.get("/")
def index() -> str | tuple[str, int]:
    form = CompanySearchForm(formdata=request.args)
    if not form.validate():
        return render_template(
            "companies/index.html", form=form, page=None, q="", sort="questions", sorts={}
        ), 400
    q = form.q.data or ""
    sort = request.args.get("sort") or "questions"
    if sort not in queries.SORTS:
        raise DomainError(_("Choose one of the sorts offered."))
    try:
        page = queries.list_companies(
            q, cursor=cursor_from(request.args), limit=current_app.config["PAGE_SIZE"], sort=sort
        )
    except BadCursor:
        raise DomainError(BAD_PAGE_LINK) from None
    return render_template(
        "companies/index.html",
        form=form,
        page=page,
        q=q,
        sort=sort,
        sorts=queries.SORTS,
        not_ranked=NOT_RANKED,
    )


def _suggest_limits() -> str:
    return current_app.config["COMPANY_SUGGEST_LIMITS"]


@bp.get("/suggest")
@limiter.limit(_suggest_limits)
def suggest() -> Response:
    """The companies whose name or domain starts with ``q`` (``queries.suggest_companies``), as
    JSON for the script of "Which company is it about?" (/ask), which shows the same list
    without it. One statement; public, so counted per network address like /search/similar.

    ``{"items": [{"name", "slug", "domain", "url", "ask_url"}], "message", "add_url"}``:
    ``message`` is the sentence a screen reader hears after the list changes, ``add_url`` the
    picker's "Add the company" (with the name typed when nothing matched).
    """
    q = request.args.get("q", "")
    companies = queries.suggest_companies(q) if q.strip() else []
    return jsonify(
        items=[
            {
                "name": company.name,
                "slug": company.slug,
                "domain": company.domain,
                "url": url_for("companies.show", slug=company.slug),
                "ask_url": url_for("questions.ask", company_slug=company.slug),
            }
            for company in companies
        ],
        message=queries.suggest_message(q, len(companies)),
        add_url=add_company_url(q.strip()[: queries.SUGGEST_QUERY_MAX], found=bool(companies)),
    )


def add_company_url(words: str, *, found: bool) -> str:
    """The company picker's "Add the company": this form, filled in with the words that
    matched nothing, whose new company leads to its ask page (``next``)."""
    name = words if words and not found else None
    return url_for("companies.new", name=name, next=url_for("questions.ask_start"))


def _after_create() -> str | None:
    """Where a new company's creator goes after ``companies.new``: ``next`` when it is a path
    on this site (``safe_next``), else None (the new company's page). A ``next`` of the
    company picker (``questions.ask_start``) means "ask the company just added"."""
    return safe_next(request.args.get("next"))


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | str | tuple[str, int]:
    require(current_user, Permission.COMPANY_CREATE)
    form = CompanyForm()
    existing = None
    next_url = _after_create()
    if not form.is_submitted():
        # "Add it" on the company picker brings the name that matched nothing.
        form.name.data = request.args.get("name", "")[: queries.SUGGEST_QUERY_MAX] or None
    if form.validate_on_submit():
        try:
            company = services.create_company(
                _acting_user(),
                name=form.name.data or "",
                domain=form.domain.data or "",
                description=form.description.data or "",
            )
        except services.CompanyExists as error:
            show_errors(form, error)
            existing = error.company
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(
                _(
                    "%(company)s has a page now. Add its products, or ask the first question.",
                    company=company.name,
                )
            )
            if next_url and urlsplit(next_url).path == url_for("questions.ask_start"):
                return redirect(url_for("questions.ask", company_slug=company.slug), 303)
            return redirect(next_url or url_for("companies.show", slug=company.slug), 303)
    body = render_template(
        "companies/form.html", form=form, company=None, existing=existing, next_url=next_url
    )
    # Every refused form answers 422, a duplicate too; the JSON API will answer Conflict with 409.
    return (body, 422) if form.is_submitted() else body


@bp.get("/<slug>")
def show(slug: str) -> tuple[str, int]:
    # The company and its champions in one SELECT: the page shows them beside its products.
    company, champions = company_with_champions(slug)
    listing = read_question_list(request.args, company_id=company.id)
    body = render_template(
        "companies/show.html",
        company=company,
        champions=champions,
        products=list_products(company.id),
        card=scorecard(company),
        following=is_following(_acting_user(), company_id=company.id),
        # The viewer's own claim still going (one SELECT, only for a signed-in viewer of an
        # unclaimed company): the page tells them it is waiting.
        my_claim=None if company.is_claimed else live_claim(_acting_user(), company),
        **listing.template_args(),
    )
    return body, listing.status


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str) -> Response | str | tuple[str, int]:
    company = queries.get_company(slug)
    require(current_user, Permission.COMPANY_EDIT, company)
    form = CompanyEditForm(obj=company)
    if form.validate_on_submit():
        try:
            services.edit_company(
                _acting_user(),
                company,
                description=form.description.data or "",
                website=form.website.data or "",
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(_("%(company)s's page is updated.", company=company.name))
            return redirect(url_for("companies.show", slug=company.slug), 303)
    body = render_template(
        "companies/form.html",
        form=form,
        company=company,
        existing=None,
        logo_form=LogoForm(formdata=None),
    )
    return (body, 422) if form.is_submitted() else body


@bp.post("/<slug>/logo")
def logo(slug: str) -> Response | tuple[str, int]:
    """Upload or remove the logo, from the company's edit page (which shows again, with the
    refusal at the logo field, when the file is refused)."""
    company = queries.get_company(slug)
    require(current_user, Permission.COMPANY_EDIT, company)
    form = LogoForm()
    if form.validate_on_submit():
        try:
            if form.action.data == "remove":
                logos.remove_logo(_acting_user(), company)
                flash(_("The logo is removed."))
            else:
                logos.set_logo(_acting_user(), company, form.logo.data or None)
                flash(_("The new logo is saved."))
        except (ValidationError, RateLimited) as error:
            show_errors(form, error)
            body = render_template(
                "companies/form.html",
                form=CompanyEditForm(obj=company, formdata=None),
                company=company,
                existing=None,
                logo_form=form,
            )
            return body, refused(error)[0]
        return redirect(url_for("companies.edit", slug=company.slug), 303)
    return redirect(url_for("companies.edit", slug=company.slug), 303)
