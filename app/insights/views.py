"""The insights page of a company, and its tables as CSV: for the company's staff and for
moderators (``Permission.COMPANY_VIEW_INSIGHTS``); anybody else is refused before anything
about the request is read."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask_login import current_user

from app.companies.models import Company
from app.companies.queries import get_company
from app.errors import NotFound, ValidationError
from app.i18n import _, _l
from app.insights import bp, figures, tables
from app.insights.queries import DAYS, DEFAULT_DAYS, company_insights
from app.policy import Permission, require

BAD_DAYS = _l("Choose 30, 90 or 365 days.")


def read_days(value: str | None) -> int:
    """The ``days`` of the query string: 30 when it is missing, else 30, 90 or 365; anything
    else raises ``ValidationError`` naming ``days``."""
    if value is None:
        return DEFAULT_DAYS
    if value.isascii() and value.isdigit() and int(value) in DAYS:
        return int(value)
    raise ValidationError(str(BAD_DAYS), {"days": str(BAD_DAYS)})


def _company_for_staff(slug: str) -> Company:
    company = get_company(slug)
    require(current_user._get_current_object(), Permission.COMPANY_VIEW_INSIGHTS, company)
    return company


@bp.get("/<slug>/insights")
def show(slug: str) -> tuple[str, int]:
    company = _company_for_staff(slug)
    try:
        days = read_days(request.args.get("days"))
    except ValidationError as error:
        page = render_template(
            "insights/show.html", company=company, days=None, insights=None, error=error.message
        )
        return page, 422
    insights = company_insights(company, days)
    page = render_template(
        "insights/show.html",
        company=company,
        days=days,
        insights=insights,
        charts=figures.charts(insights),
        problems=figures.problems_table(insights),
        error=None,
    )
    return page, 200


@bp.get("/<slug>/insights/<table>.csv")
def csv(slug: str, table: str) -> Any:
    """One table of the page (``figures.TABLES``) as a CSV file to download."""
    company = _company_for_staff(slug)
    if table not in figures.TABLES:
        raise NotFound(_("There is no such table."))
    days = read_days(request.args.get("days"))
    rows = figures.table(company_insights(company, days), table)
    filename = f"{company.slug}-{table}-{days}-days.csv"
    return Response(
        tables.csv_text(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
