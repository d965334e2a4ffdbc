"""The site's own pages: the language links of the footer, and About, Terms, Privacy,
Accessibility and Contact (product.md, "Languages"; issue 13 item 1, issue 17 item 5).

The language link is a GET (a plain link works in every browser, without JavaScript), so
it writes nothing but the ``lang`` cookie: a signed-in person's saved setting is changed
on the settings page, by a POST (HEAD and GET never write the database).
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.accounts.views import safe_next
from app.errors import NotFound
from app.i18n import COOKIE, LANGUAGE_NAMES, _, languages

bp = Blueprint("site", __name__)

# A year: the choice lasts until the person makes another.
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 60 * 60

# The pages of the footer: endpoint → template.
PAGES = {
    "about": "site/about.html",
    "terms": "site/terms.html",
    "privacy": "site/privacy.html",
    "accessibility": "site/accessibility.html",
    "contact": "site/contact.html",
}


@bp.get("/language/<code>")
def choose_language(code: str) -> BaseResponse:
    """Read the site in ``code`` from now on in this browser, then go back to ``next`` (a
    path on this site only; anything else goes home). An unknown code is a 404."""
    if code not in languages():
        raise NotFound(_("Helpsquare has no such language."))
    saved = getattr(current_user, "language", None)
    if saved and saved != code:
        # The account's setting wins over the cookie: say so, where it is changed.
        flash(
            _(
                "Your account is set to %(language)s. Choose another language here.",
                language=LANGUAGE_NAMES.get(saved, saved),
            )
        )
        response = redirect(url_for("accounts.edit_profile", _anchor="language"), 303)
    else:
        response = redirect(safe_next(request.args.get("next")) or url_for("questions.home"), 303)
    response.set_cookie(
        COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_SECONDS,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _page(endpoint: str) -> str:
    return render_template(PAGES[endpoint], contact_email=current_app.config["CONTACT_EMAIL"])


@bp.get("/about")
def about() -> str:
    return _page("about")


@bp.get("/terms")
def terms() -> str:
    return _page("terms")


@bp.get("/privacy")
def privacy() -> str:
    return _page("privacy")


@bp.get("/accessibility")
def accessibility() -> str:
    return _page("accessibility")


@bp.get("/contact")
def contact() -> str:
    return _page("contact")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
