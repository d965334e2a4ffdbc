"""The widget (product.md, "Bringing the company's own site"): one script tag on the
company's site adds a "Help" button that opens ``/embed/companies/<slug>`` in a dialog.

Where it may appear: only the embedded page relaxes ``frame-ancestors``, to exactly the
company's ``widget_origins`` (app/security.py); every other page keeps ``'self'``.

Asking from inside the frame: the session cookie is ``SameSite=Lax``, so a browser never
sends it to a frame on another site (and more and more browsers block third-party cookies
whatever they say). Rather than weaken it to ``SameSite=None`` (which would let every other
site's forms carry it), the frame only reads (search, similar questions) and "Ask" opens
the ask page in a new tab, a first-party page where the visitor is signed in (or signs in)
and CSRF works as everywhere. A company with single sign-on names its own sign-in page in
the script tag (``data-sso-login``): "Ask" goes there instead, with ``return_to`` (the ask
page) and ``title``, and the company's page sends the customer on to ``/sso/<slug>`` with a
token, so they arrive signed in. That page must be one of the widget's origins (else the
attribute is ignored: the embed never links to an address the company did not list).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, url_for

from app.companies.models import Company
from app.companies.services import widget_origin
from app.i18n import _

SCRIPT_PATH = "js/widget.js"
# The script's words as the file has them (English); each request gets them in its language.
SCRIPT_WORDS = '{"help": "Help", "close": "Close"}'


@cache
def _script_text(static_folder: str) -> str:
    return (Path(static_folder) / SCRIPT_PATH).read_text(encoding="utf-8")


def script() -> str:
    """The widget's script (static/js/widget.js, read once) with its words in the
    request's language: the button sits on the company's page, before its readers."""
    words = json.dumps({"help": _("Help"), "close": _("Close")}, ensure_ascii=True)
    return _script_text(str(current_app.static_folder)).replace(SCRIPT_WORDS, words, 1)


def snippet(company: Company) -> str:
    """The tag a company's admin copies into their site."""
    src = url_for("integrations.widget_script", _external=True)
    return f'<script src="{src}" data-company="{company.slug}" async></script>'


@dataclass(frozen=True)
class AskAction:
    """Where the embedded page's "Ask" form goes (a GET, in a new tab) and what it adds."""

    url: str
    hidden: dict[str, str] = field(default_factory=dict)
    origin: str | None = None  # the company's sign-in page's origin, when through it

    @property
    def through_sso(self) -> bool:
        return self.origin is not None


def ask_action(company: Company, sso_login: str) -> AskAction:
    """The ask page, or the company's own SSO sign-in page when it names one of the
    widget's origins (see the module's docstring)."""
    ask_path = url_for("questions.ask", company_slug=company.slug)
    origin = _widget_origin_of(company, sso_login) if sso_login else None
    if origin is not None:
        return AskAction(sso_login, {"return_to": ask_path}, origin=origin)
    return AskAction(ask_path)


def _widget_origin_of(company: Company, url: str) -> str | None:
    """The origin of ``url`` when it is one of the company's widget origins, else None."""
    if len(url) > 500 or not url.isprintable() or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    origin = widget_origin(f"{parts.scheme}://{parts.netloc}")
    return origin if origin in company.widget_origin_list else None
