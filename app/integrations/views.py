"""Pages of the integrations: the company admin's page (SSO secret, widget origins, export),
the SSO landing, the widget's script and its embedded page, the export download."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.accounts.views import _start_session as start_session
from app.accounts.views import safe_next
from app.companies import services as company_services
from app.companies.queries import get_company
from app.db import writing
from app.errors import ValidationError
from app.extensions import db, limiter
from app.forms import show_errors
from app.i18n import _
from app.integrations import bp, export, sso, widget
from app.integrations.forms import SsoSecretForm, WidgetOriginsForm
from app.policy import Permission, can, require
from app.search.queries import search_questions
from app.security import csp_nonce


def _viewer() -> Any:
    return current_user._get_current_object()


def _sso_limits() -> str:
    return current_app.config["SSO_LIMITS_PER_ADDRESS"]


def _export_limits() -> str:
    return current_app.config["EXPORT_LIMITS_PER_COMPANY"]


def _company_key() -> str:
    """Exports are counted per company, whoever asks and from wherever."""
    return "export:" + str((request.view_args or {}).get("slug", ""))


# The company admin's page ---------------------------------------------------------------


def _render_integrations(company: Any, *, secret: str | None = None, form: Any = None) -> str:
    if form is None:
        form = WidgetOriginsForm(widget_origins="\n".join(company.widget_origin_list))
    return render_template(
        "integrations/company.html",
        company=company,
        secret=secret,
        secret_created_at=sso.secret_created_at(company),
        sso_form=SsoSecretForm(),
        origins_form=form,
        snippet=widget.snippet(company),
        can_export=can(_viewer(), Permission.COMPANY_EXPORT, company),
    )


@bp.get("/companies/<slug>/integrations")
def company_page(slug: str) -> str:
    """SSO, the widget and the export of one company, for its admin staff (and site admins)."""
    company = get_company(slug)
    require(_viewer(), Permission.COMPANY_SSO, company)
    return _render_integrations(company)


@bp.post("/companies/<slug>/integrations/sso")
def create_secret(slug: str) -> str | tuple[str, int]:
    """A new SSO secret, shown on the page this once (the page is private, no-store)."""
    company = get_company(slug)
    require(_viewer(), Permission.COMPANY_SSO, company)
    form = SsoSecretForm()
    if not form.validate_on_submit():  # the CSRF token: nothing else to check
        return _render_integrations(company), 400
    secret = sso.create_secret(_viewer(), company)
    return _render_integrations(company, secret=secret)


@bp.post("/companies/<slug>/integrations/widget")
def set_widget_origins(slug: str) -> BaseResponse | tuple[str, int]:
    company = get_company(slug)
    require(_viewer(), Permission.COMPANY_EDIT, company)
    form = WidgetOriginsForm()
    if form.validate_on_submit():
        try:
            company_services.set_widget_origins(_viewer(), company, form.origins())
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(_("The widget's sites are saved."), "success")
            return redirect(url_for("integrations.company_page", slug=company.slug), 303)
    return _render_integrations(company, form=form), 422


# Single sign-on -------------------------------------------------------------------------


@bp.get("/sso/<slug>")
@limiter.limit(_sso_limits, scope="sso-address")
def sign_in(slug: str) -> BaseResponse | tuple[str, int]:
    """The company's site sends its signed-in customer here with a token
    (``app.integrations.sso``): signed in on a fresh session, then on to ``return_to`` (a
    path on this site) or home. Anything wrong is a 400 page and nobody is signed in.

    A GET that writes (it is the link the company's site sends people to): the token's
    use and the account are written inside ``writing()``. HEAD (a link checker, a
    preview) checks the token and uses nothing up.
    """
    company = get_company(slug)
    token = request.args.get("token", "")
    if request.method == "HEAD":
        sso.read_token(company, token)
        return "", 200
    db.session.rollback()  # end the read, then write with the lock taken up front
    with writing():
        signed_in = sso.sign_in_with_token(company, token)
    start_session(signed_in.user)
    flash(
        _(
            "Signed in through %(company)s as %(name)s.",
            company=company.name,
            name=signed_in.user.label,
        ),
        "success",
    )
    return redirect(_on_this_site(signed_in.return_to) or url_for("questions.home"), 303)


def _on_this_site(target: str | None) -> str | None:
    """``return_to`` as a path on this site (a full address of this site is cut to its
    path), or None for anything else."""
    if target and target.startswith(request.host_url):
        target = "/" + target.removeprefix(request.host_url)
    return safe_next(target)


# The widget -----------------------------------------------------------------------------


@bp.get("/widget.js")
def widget_script() -> Response:
    """The script a company's site includes (``widget.SCRIPT``): a "Help" button and the
    embedded page in a dialog. The same for every company; its words follow the visitor's
    language (so caches keep one copy per language)."""
    response = Response(widget.script(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.get("/embed/companies/<slug>")
def embed(slug: str) -> str:
    """The widget's page: search the company's answers, ask (in a new tab). Framed only by
    the company's ``widget_origins`` (its CSP ``frame-ancestors`` lists exactly them)."""
    company = get_company(slug)
    g.frame_ancestors = company.widget_origin_list
    q = request.args.get("q", "")[:200].strip()
    results = search_questions(q, company_id=company.id, page=1) if q else None
    ask_action = widget.ask_action(company, request.args.get("sso", ""))
    if ask_action.through_sso:
        g.form_action_origin = ask_action.origin
    return render_template(
        "integrations/embed.html",
        company=company,
        q=q,
        results=results,
        ask_action=ask_action,
        nonce=csp_nonce(),
    )


# The export -----------------------------------------------------------------------------


@bp.get("/companies/<slug>/export")
@limiter.limit(_export_limits, key_func=_company_key, scope="export-company")
def download(slug: str) -> Response:
    """Everything of the company as JSON Lines (``app.integrations.export``), streamed."""
    company = get_company(slug)
    lines = export.export_company(_viewer(), company)
    response = Response(stream_with_context(lines), mimetype=export.MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{company.slug}.jsonl"'
    return response
