"""The interface in the reader's language (product.md, "Languages"): English and Danish.

Every string the interface shows goes through gettext: ``_()`` in templates and Python,
``lazy_gettext`` (``_l``) where a string is made before any request (form labels, module
constants). Posts are never translated. The catalogues are ``app/translations/<lang>``;
``make translations`` extracts, updates and compiles them (babel.cfg says where to look).

The language of a request is, in order: the signed-in person's setting, the ``lang``
cookie the footer's language links set, the browser's ``Accept-Language``, English.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from babel.support import NullTranslations
from flask import Flask, Response, current_app, g, has_request_context, request
from flask.globals import _cv_app  # the app context's ContextVar, behind `g`
from flask_babel import Babel, force_locale, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

__all__ = [
    "LANGUAGE_NAMES",
    "LazyText",
    "_",
    "_l",
    "babel",
    "current_language",
    "english",
    "in_language",
    "init_app",
    "languages",
    "lazy_ngettext",
    "ngettext",
]

babel = Babel()


def _catalogue() -> NullTranslations:
    """The catalogue of the language in force, found once per request (and again when
    ``force_locale`` or ``in_language`` changes it), not on every string.

    Flask-Babel's ``gettext`` looks it up anew each time: the context, the domain, the
    locale and its identifier, a dictionary; a page asks for a hundred strings and more.
    The catalogue it finds is kept here beside the locale object it was found for, in
    Flask-Babel's own per-request state (``g._flask_babel``), so a locale forced for an
    e-mail, and the one restored after it, are never mixed up. The state is read through
    the app context itself (what ``g`` reads behind its proxy): a tenth of the cost."""
    app_context = _cv_app.get(None)
    if app_context is None:  # outside any context: Flask-Babel's own answer (no translation)
        return get_translations()
    state = vars(app_context.g).get("_flask_babel")
    if state is not None:
        found = vars(state)
        kept = found.get("kept_catalogue")
        locale = found.get("babel_locale")
        if kept and kept[0] is locale is not None and kept[1] is found.get("babel_domain"):
            return kept[2]
    catalogue = get_translations()
    state = app_context.g._flask_babel  # made by get_translations
    state.kept_catalogue = (state.babel_locale, getattr(state, "babel_domain", None), catalogue)
    return catalogue


def _(string: str, **variables: object) -> str:
    """``gettext``: the string in the language of the request (Flask-Babel's, faster)."""
    text = _catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """``ngettext``: the form for ``num`` in the language of the request; ``%(num)d``."""
    variables.setdefault("num", num)
    return _catalogue().ungettext(singular, plural, num) % variables


class LazyText(LazyString):
    """A message translated when it is shown, and escaped there like any other text.

    Flask-Babel's LazyString says it is HTML already (its ``__html__`` returns the bare
    text), so a label or error made at import time would reach a page unescaped: a
    translation with a quote in it would end an attribute. Ours escapes itself."""

    def __html__(self) -> Markup:
        return escape(str(self))


def _l(string: str, **variables: object) -> LazyText:
    """``gettext`` later: for labels and messages made before any request."""
    return LazyText(_, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: object) -> LazyText:
    return LazyText(ngettext, singular, plural, num, **variables)


COOKIE = "lang"
API_PATH = "/api/"
# Each language named in itself (an autonym), so a reader finds their own in any language.
LANGUAGE_NAMES = {"en": "English", "da": "Dansk"}


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The language this request is answered in (see the module's docstring)."""
    from flask_login import current_user

    choices = languages()
    if not has_request_context():  # a command, a worker: the default until told otherwise
        return choices[0]
    # The API knows people by their token (``g.api_user``), never by the session: asking
    # for ``current_user`` there would load a session and set a cookie on the answer.
    user = g.get("api_user") if request.path.startswith(API_PATH) else current_user
    try:
        chosen = getattr(user, "language", None) if user else None
    except SQLAlchemyError:  # the database is down: the error page still needs a language
        chosen = None
    if chosen in choices:
        return chosen
    cookie = request.cookies.get(COOKIE)
    if cookie in choices:
        return cookie
    return request.accept_languages.best_match(choices) or choices[0]


def current_language() -> str:
    """The request's language code ("en", "da"): ``<html lang>``, cache keys, e-mails."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def english(message: LazyString) -> str:
    """A lazy message's own English words (its msgid, which English shows as it is): for a
    module that also names the text to callers comparing words, as the tests do."""
    return str(message._args[0])


@contextmanager
def in_language(code: str | None) -> Iterator[None]:
    """Everything made inside speaks ``code`` whatever the request's language: an e-mail
    to its recipient. None or a code the site does not have: the default language."""
    choices = languages()
    with force_locale(code if code in choices else choices[0]):
        yield


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)  # catalogues: app/translations
    # Templates' _(), gettext() and ngettext() (and so {% trans %}) read the kept catalogue;
    # Flask-Babel's stay for pgettext and npgettext, which no template uses.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)
    app.jinja_env.globals["ngettext"] = _template_ngettext
    # `{% trans %}` blocks ignore the template's line breaks and indentation.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        current_language=current_language, languages=languages, language_names=LANGUAGE_NAMES
    )
    app.after_request(_vary_by_language)


@pass_context
def _template_gettext(context: Context, string: str, **variables: object) -> str:
    """Jinja's "newstyle" gettext (what Flask-Babel installs), without its indirections:
    Markup when the template autoescapes, then ``%`` formatting with the variables. A text
    with no ``%`` in it comes out of that formatting unchanged, so it is skipped."""
    text = _catalogue().ugettext(string)
    if context.eval_ctx.autoescape:
        # Our own catalogue's words, trusted as Jinja trusts them; the variables are escaped.
        text = Markup(text)  # noqa: S704
    return text % variables if "%" in text else text


@pass_context
def _template_ngettext(
    context: Context, singular: str, plural: str, num: int, **variables: object
) -> str:
    variables.setdefault("num", num)
    text = _catalogue().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - as above
    return text % variables if "%" in text else text


def _vary_by_language(response: Response) -> Response:
    """A page's words follow Accept-Language (and the ``lang`` cookie, already in Vary as
    every page reads the session): a shared cache must not hand one reader's language to
    another."""
    if response.mimetype == "text/html":
        if "Vary" in response.headers:
            response.vary.add("Accept-Language")
        else:  # the usual case, without parsing and writing back a header set
            response.headers["Vary"] = "Accept-Language"
    return response
