"""A company's insights through the API: for its staff and moderators."""

from __future__ import annotations

from typing import Any

from app.api import bp
from app.api.auth import operation
from app.api.schemas import InsightsArgsSchema, InsightsSchema
from app.api.target import acting_on, target
from app.companies import queries
from app.insights.queries import Insights, company_insights
from app.policy import Permission


@bp.route("/companies/<slug:slug>/insights", methods=["GET"])
@operation(bp, signed_in=True, errors=(403, 404, 422))
@acting_on(queries.get_company, Permission.COMPANY_VIEW_INSIGHTS)
@bp.arguments(InsightsArgsSchema, location="query")
@bp.response(200, InsightsSchema)
def get_insights(args: dict[str, Any], slug: str) -> Insights:
    """The company's insights over the last ``days`` days (30, the default, 90 or 365): the
    questions asked by kind and week and by feeling, how they were answered (shares, the
    median and 90th percentile time to the first official answer), the most-affected open
    problems, and the same per product and per staff member.

    For the company's active staff (admins and agents) and moderators; anybody else is a 403
    whatever the query string. Hidden and merged questions, and hidden answers, count nowhere.
    """
    return company_insights(target(), args["days"])
