"""The company admins' webhook pages: endpoints, adding one (its secret shown once), the
delivery log of each, "send test event", deleting."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.companies.models import Company
from app.companies.queries import get_company
from app.errors import Conflict, DomainError, RateLimited, ValidationError
from app.forms import refused, show_errors
from app.i18n import _
from app.pagination import BAD_PAGE_LINK, BadCursor, cursor_from
from app.policy import Permission, require
from app.webhooks import bp, delivery, services
from app.webhooks.forms import EndpointForm
from app.webhooks.models import EVENT_LABELS, EVENTS, STATE_LABELS


def _admin_of(slug: str) -> tuple[Any, Company]:
    """The signed-in user and the company they manage webhooks of; else 403 (anonymous
    visitors are sent to sign in by the error handler)."""
    company = get_company(slug)
    user = current_user._get_current_object()
    require(user, Permission.WEBHOOKS_MANAGE, company)
    return user, company


def _list_url(company: Company) -> str:
    return url_for("webhooks.index", slug=company.slug)


def _render_index(
    company: Company,
    *,
    endpoints: list[Any] | None = None,
    form: EndpointForm | None = None,
    created: Any = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> tuple[str, int, dict[str, str]]:
    """The endpoints page: the company (by the caller), the viewer's roles, the endpoints."""
    page = render_template(
        "webhooks/index.html",
        company=company,
        endpoints=services.list_endpoints(company.id) if endpoints is None else endpoints,
        form=form or EndpointForm(formdata=None, events=list(EVENTS)),
        created=created,
        event_labels=EVENT_LABELS,
        events=EVENTS,
        cap=services.ENDPOINTS_PER_COMPANY,
        shown=delivery.shown,
    )
    return page, status, headers or {}


# The session names (never holds) the endpoint whose secret the next page shows, once.
_REVEAL = "webhook_secret_for"


@bp.get("/<slug>/webhooks", endpoint="index")
def index(slug: str) -> tuple[str, int, dict[str, str]]:
    _, company = _admin_of(slug)
    reveal = session.pop(_REVEAL, None)
    endpoints = services.list_endpoints(company.id)
    created = next((e for e in endpoints if e.id == reveal), None)
    return _render_index(company, endpoints=endpoints, created=created)


@bp.post("/<slug>/webhooks", endpoint="create")
def create(slug: str) -> Response | tuple[str, int, dict[str, str]]:
    """A new endpoint; the page the browser is sent to shows its secret, that once (the
    session carries the endpoint's id, not the secret)."""
    user, company = _admin_of(slug)
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            endpoint = services.create_endpoint(
                user, company, url=form.url.data, events=form.events.data
            )
        except (ValidationError, Conflict) as error:
            show_errors(form, error)
            status, headers = refused(error)
            return _render_index(company, form=form, status=status, headers=headers)
        session[_REVEAL] = endpoint.id
        flash(
            _("Endpoint added. Copy its signing secret now: it is shown only this once."),
            "success",
        )
        return redirect(_list_url(company) + "#secret-heading", 303)
    return _render_index(company, form=form, status=422)


def _render_log(
    company: Company,
    endpoint: Any,
    *,
    cursor: str | None = None,
    problem: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> tuple[str, int, dict[str, str]]:
    """The delivery log: the company, the viewer's roles, the endpoint, a page of it."""
    try:
        page = services.delivery_log(endpoint, cursor=cursor, limit=current_app.config["PAGE_SIZE"])
    except BadCursor:
        raise DomainError(BAD_PAGE_LINK) from None
    body = render_template(
        "webhooks/log.html",
        company=company,
        endpoint=endpoint,
        page=page,
        problem=problem,
        test_limit=services.TEST_EVENTS_PER_HOUR,
        state_labels=STATE_LABELS,
        shown=delivery.shown,
    )
    return body, status, headers or {}


@bp.get("/<slug>/webhooks/<id:endpoint_id>", endpoint="log")
def log(slug: str, endpoint_id: int) -> tuple[str, int, dict[str, str]]:
    """An endpoint's delivery log, newest first, a page at a time."""
    _, company = _admin_of(slug)
    endpoint = services.get_endpoint(company, endpoint_id)
    try:
        cursor = cursor_from(request.args)
    except BadCursor:
        raise DomainError(BAD_PAGE_LINK) from None
    return _render_log(company, endpoint, cursor=cursor)


def _check_button() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.post("/<slug>/webhooks/<id:endpoint_id>/test", endpoint="test")
def send_test(slug: str, endpoint_id: int) -> Response | tuple[str, int, dict[str, str]]:
    user, company = _admin_of(slug)
    endpoint = services.get_endpoint(company, endpoint_id)
    _check_button()
    try:
        services.send_test_event(user, endpoint)
    except (RateLimited, Conflict) as error:
        status, headers = refused(error)
        return _render_log(company, endpoint, problem=error.message, status=status, headers=headers)
    flash(_("A test event is on its way. Its delivery shows below."), "success")
    return redirect(url_for("webhooks.log", slug=company.slug, endpoint_id=endpoint.id), 303)


@bp.post("/<slug>/webhooks/<id:endpoint_id>/enable", endpoint="enable")
def enable(slug: str, endpoint_id: int) -> Response:
    user, company = _admin_of(slug)
    endpoint = services.get_endpoint(company, endpoint_id)
    _check_button()
    if services.enable_endpoint(user, endpoint):
        flash(
            _("The endpoint %(url)s is on again: new events go to it.", url=endpoint.url), "success"
        )
    return redirect(url_for("webhooks.log", slug=company.slug, endpoint_id=endpoint.id), 303)


@bp.post("/<slug>/webhooks/<id:endpoint_id>/delete", endpoint="delete")
def delete(slug: str, endpoint_id: int) -> Response:
    user, company = _admin_of(slug)
    endpoint = services.get_endpoint(company, endpoint_id)
    _check_button()
    url = endpoint.url
    services.delete_endpoint(user, endpoint)
    flash(_("The endpoint %(url)s is deleted; nothing more is sent to it.", url=url), "success")
    return redirect(_list_url(company), 303)
