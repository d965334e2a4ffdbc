"""Reputation's pages: the leaderboards (site-wide and per company, this month and all time),
the badges and their rules, and a company's champions (naming and removing them)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.accounts.queries import get_user_by_username
from app.companies.models import Company
from app.companies.queries import get_company
from app.errors import NotFound, ValidationError
from app.forms import show_errors
from app.i18n import _
from app.policy import Permission, can, require
from app.reputation import bp, champions, queries
from app.reputation.badges import BADGES
from app.reputation.forms import NameChampionForm
from app.reputation.queries import Period


def _acting_user() -> Any:
    return current_user._get_current_object()


def _period() -> Period:
    """The leaderboard's period from ``?period=``: all time unless it says this month."""
    return Period.MONTH if request.args.get("period") == Period.MONTH.value else Period.ALL_TIME


@bp.get("/leaderboard")
def leaderboard() -> str:
    """The site's leaderboard: one SELECT of stored totals."""
    period = _period()
    return render_template(
        "reputation/leaderboard.html",
        company=None,
        period=period,
        periods=list(Period),
        standings=queries.site_leaderboard(period),
    )


@bp.get("/companies/<slug>/leaderboard")
def company_leaderboard(slug: str) -> str:
    """A company's leaderboard: the company (1) and its stored totals (1)."""
    company = get_company(slug)
    period = _period()
    return render_template(
        "reputation/leaderboard.html",
        company=company,
        period=period,
        periods=list(Period),
        standings=queries.company_leaderboard(company, period),
    )


@bp.get("/badges")
def badges() -> str:
    """Every badge and its rule; a signed-in viewer sees which they hold (one SELECT)."""
    viewer = _acting_user()
    held = {}
    if viewer.is_authenticated:
        held = {badge.rule.code: badge for badge in queries.badges_of(viewer.id)}
    return render_template("reputation/badges.html", badges=list(BADGES.values()), held=held)


# Champions -------------------------------------------------------------------------------


def _champions_url(company: Company) -> str:
    return url_for("reputation.champions", slug=company.slug)


def _render_champions(
    company: Company, form: NameChampionForm | None = None, status: int = 200
) -> tuple[str, int]:
    """The champions page: the company (by the caller), its champions (1), and for those who
    name them the viewer's roles (1, remembered) and the peers to consider (1)."""
    viewer = _acting_user()
    may_name = can(viewer, Permission.CHAMPION_NAME, company)
    page = queries.champions_page(company.id, limit=champions.MAX_CHAMPIONS)
    if may_name and form is None:
        form = NameChampionForm(formdata=None)
    body = render_template(
        "reputation/champions.html",
        company=company,
        champions=page.items,
        may_name=may_name,
        form=form,
        candidates=queries.champion_candidates(company) if may_name else [],
        most=champions.MAX_CHAMPIONS,
    )
    return body, status


def _sign_in_then(next_path: str) -> Response:
    flash(_("Please sign in to do that."), "info")
    return redirect(url_for("accounts.sign_in", next=next_path), 303)


@bp.route("/companies/<slug>/champions", methods=["GET", "POST"], endpoint="champions")
def champions_page(slug: str) -> Response | tuple[str, int]:
    """GET: the company's champions (anyone). POST: its admins name one, by username."""
    company = get_company(slug)
    if request.method in ("GET", "HEAD"):
        return _render_champions(company)
    if not current_user.is_authenticated:
        return _sign_in_then(_champions_url(company))
    user = _acting_user()
    # Asked before the form, so someone who may not name champions hears that.
    require(user, Permission.CHAMPION_NAME, company)
    form = NameChampionForm()
    if form.validate_on_submit():
        try:
            try:
                person = get_user_by_username(form.username.data)
            except NotFound:
                why = _(
                    "There is nobody called @%(username)s on Helpsquare.",
                    username=form.username.data,
                )
                raise ValidationError(why, fields={"username": why}) from None
            champion = champions.name_champion(user, company, person)
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(
                _(
                    "%(name)s is a champion of %(company)s.",
                    name=champion.user.label,
                    company=company.name,
                ),
                "success",
            )
            return redirect(_champions_url(company), 303)
    elif "csrf_token" in form.errors:
        abort(400)
    return _render_champions(company, form, status=422)


@bp.post("/companies/<slug>/champions/<username>/remove")
def remove_champion(slug: str, username: str) -> Response:
    """A company's admins remove one of its champions."""
    company = get_company(slug)
    if not current_user.is_authenticated:
        return _sign_in_then(_champions_url(company))
    user = _acting_user()
    require(user, Permission.CHAMPION_NAME, company)
    if not FlaskForm().validate_on_submit():
        abort(400)
    person = get_user_by_username(username)
    if champions.remove_champion(user, company, person):
        flash(
            _(
                "%(name)s is no longer a champion of %(company)s.",
                name=person.label,
                company=company.name,
            ),
            "success",
        )
    else:
        flash(
            _(
                "%(name)s was not a champion of %(company)s.",
                name=person.label,
                company=company.name,
            ),
            "info",
        )
    return redirect(_champions_url(company), 303)
