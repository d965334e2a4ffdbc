"""Response headers every page carries: CSP with a fresh nonce, nosniff, referrer, HSTS;
and ``Cache-Control: private, no-store`` on every response to a signed-in person."""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request, session


def csp_nonce() -> str:
    """This response's nonce; templates put it on the few ``<script>`` tags we ship."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}'",
            "style-src 'self'",
            "img-src 'self' https: data:",
            "object-src 'none'",
            "base-uri 'self'",
            f"form-action {_form_action()}",
            f"frame-ancestors {_frame_ancestors()}",
        ]
    )


def _form_action() -> str:
    """``'self'``, and on the widget's embedded page the company's own sign-in page's origin
    when "Ask" goes through it (``g.form_action_origin``: one of its widget origins)."""
    extra = g.get("form_action_origin")
    return f"'self' {extra}" if extra else "'self'"


def _frame_ancestors() -> str:
    """``'self'`` on every page but the widget's embedded page, which lists exactly the
    company's widget origins (``g.frame_ancestors``, set by that view alone; none listed:
    ``'none'``)."""
    origins = g.get("frame_ancestors")
    if origins is None:
        return "'self'"
    return " ".join(origins) or "'none'"


def set_security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if g.get("frame_ancestors") is None:
        # Older browsers' word for frame-ancestors 'self'. The embedded page has none: it
        # cannot name other origins, and the CSP above says exactly who may frame it.
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    if current_app.config["HSTS"]:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


PRIVATE = "private, no-store"


def _signed_in_browser() -> bool:
    """Whether a signed-in browser session made this request. A request that sent no
    session cookie and never opened the session has none (and opening it here would add
    ``Vary: Cookie`` to a response that does not vary)."""
    if not session.accessed and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False
    return "_user_id" in session


def set_cache_control(response: Response) -> Response:
    """A response to a signed-in person, in a browser or through the API with a token, is
    theirs alone: no shared cache (a proxy, a CDN) may keep it, nor the browser's disk
    after they sign out. Signed-out pages keep their headers; static files, the same for
    everybody and named by their content, keep their long cache life."""
    if request.endpoint == "static" or request.blueprint == "ops":
        # /healthz, /readyz, /metrics: always no-store (app/ops.py), and the session unread.
        return response
    if g.get("api_user") is not None or _signed_in_browser():
        response.headers["Cache-Control"] = PRIVATE
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.after_request(set_cache_control)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
