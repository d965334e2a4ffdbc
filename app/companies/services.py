"""Company writes: creating an unclaimed company page, editing its profile.

Also the small rules both companies and products share: how names and
descriptions are cleaned, how a web domain is normalised, and how a free slug
is chosen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import urlsplit

import idna
from flask import current_app
from flask_babel import format_number
from slugify import slugify
from sqlalchemy.exc import IntegrityError

from app.accounts.services import clean_email
from app.companies import queries
from app.companies.domains import shared_domain_problem
from app.companies.models import (
    DESCRIPTION_MAX,
    DOMAIN_MAX,
    NAME_MAX,
    NAME_MIN,
    SLUG_MAX,
    WEBSITE_MAX,
    Company,
)
from app.confusables import read_the_same
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.i18n import _, _l
from app.moderation import audit
from app.policy import Permission, require
from app.text import has_visible, name_problem, normalize_name

# Slugs that would read as a page of their own under /companies/ (the "add a company"
# form, and pages later issues may add); a company called "New" gets "new-2".
RESERVED_SLUGS = frozenset({"new", "edit", "claims", "invitations", "search", "suggest"})
# Room left after the base slug for a "-<n>" suffix.
_SLUG_BASE_MAX = SLUG_MAX - 10
# How often to pick another slug when a concurrent request took the one chosen.
_SLUG_ATTEMPTS = 3

NUL_MESSAGE = _l("This contains a NUL character (\\0), which is not allowed.")

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_SCHEME = re.compile(r"^https?://")


def too_long(limit: int, length: int) -> str:
    """The message for text over its limit, with both numbers as the reader writes them."""
    return _(
        "Use at most %(max)s characters (this has %(length)s).",
        max=format_number(limit),
        length=format_number(length),
    )


class CompanyExists(Conflict):
    """A company with this name (or one that reads the same) or this domain already has a
    page; ``company`` is that page."""

    def __init__(self, company: Company, field: str, *, name: str = "") -> None:
        why = _("%(company)s already has a page.", company=company.name)
        if field == "name" and name and name.casefold() != company.name.casefold():
            why = _(
                "%(company)s already has a page, and “%(name)s” reads the same.",
                company=company.name,
                name=name,
            )
        super().__init__(why, fields={field: why})
        self.company = company


# Shared field rules (companies and products) ---------------------------------------------


def clean_name(value: str | None, errors: dict[str, str], *, field: str = "name") -> str:
    """A name: NFKC-normalised, stripped, inner whitespace collapsed, NAME_MIN–NAME_MAX
    characters, with something visible and no control, bidirectional or invisible
    character (``app.text``)."""
    raw = value or ""
    if "\x00" in raw:
        errors[field] = str(NUL_MESSAGE)
        return raw
    name = normalize_name(raw)
    problem = name_problem(name)
    if problem:
        errors[field] = problem
    elif not has_visible(name):
        errors[field] = _("Enter a name.")
    elif len(name) < NAME_MIN:
        errors[field] = _("Use at least %(num)s characters.", num=NAME_MIN)
    elif len(name) > NAME_MAX:
        errors[field] = too_long(NAME_MAX, len(name))
    return name


def clean_description(
    value: str | None, errors: dict[str, str], *, field: str = "description"
) -> str:
    """A plain-text description: stripped, at most DESCRIPTION_MAX characters, no NUL.

    One that shows nothing (only invisible characters) is no description: stored empty.
    """
    text = (value or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        errors[field] = str(NUL_MESSAGE)
    elif len(text) > DESCRIPTION_MAX:
        errors[field] = too_long(DESCRIPTION_MAX, len(text))
    elif not has_visible(text):
        text = ""
    return text


def slug_base(name: str, fallback: str) -> str:
    """The URL form of a name, transliterated to ASCII ("Café Señor" → "cafe-senor")."""
    return slugify(name, max_length=_SLUG_BASE_MAX, word_boundary=True) or fallback


def free_slug(base: str, taken: Collection[str], reserved: Collection[str] = ()) -> str:
    """``base`` if it is free, else the first free ``base-2``, ``base-3`` …"""
    if base not in taken and base not in reserved:
        return base
    n = 2
    while f"{base}-{n}" in taken or f"{base}-{n}" in reserved:
        n += 1
    return f"{base}-{n}"


def insert_with_free_slug(make_row: Callable[[], Any]) -> Any:
    """Add the row ``make_row()`` builds (choosing a free slug), retrying if a concurrent
    request took that slug first; ``Conflict`` if it keeps happening.

    Each attempt runs in a savepoint, so a lost race undoes only that attempt and the
    caller still commits once.
    """
    for _attempt in range(_SLUG_ATTEMPTS):
        row = make_row()
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue
        return row
    raise Conflict(_("Someone saved something with the same name just now. Please try again."))


# Domains and web addresses ---------------------------------------------------------------


def _domain_error(message: str) -> ValidationError:
    return ValidationError(message, fields={"domain": message})


def _hostname_ascii(host: str) -> str | None:
    """The ASCII (punycode) form of a valid hostname with at least one dot, else None."""
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            return None
    if len(host) > DOMAIN_MAX or "." not in host:
        return None
    labels = host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():  # an IP address, not a domain
        return None
    for label in labels:
        if label.startswith("xn--"):
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                return None
    return host


def normalize_domain(value: str | None) -> str:
    """The bare web domain a person typed, e.g. ``HTTPS://WWW.Acme.com/path`` → ``acme.com``.

    Lowercase; surrounding whitespace, an ``http(s)://`` prefix, a path, a ``www.``
    prefix and a trailing dot are dropped. What remains must be a hostname with at least
    one dot. Unicode domains are accepted and stored as punycode (``bücher.example`` →
    ``xn--bcher-kva.example``), which also shows look-alike letters for what they are.
    Raises ``ValidationError`` on the ``domain`` field otherwise.
    """
    raw = value or ""
    if "\x00" in raw:
        raise _domain_error(str(NUL_MESSAGE))
    domain = _SCHEME.sub("", raw.strip().lower())
    if "://" in domain:
        raise _domain_error(_("Enter the company's web domain, like acme.com."))
    domain = re.split(r"[/?#]", domain, maxsplit=1)[0]
    if domain.endswith("."):
        domain = domain[:-1]
    if domain.startswith("www.") and domain.count(".") >= 2:
        domain = domain[4:]
    if not domain:
        raise _domain_error(_("Enter the company's web domain, like acme.com."))
    if any(char.isspace() for char in domain):
        raise _domain_error(_("A domain has no spaces: enter it like acme.com."))
    if "@" in domain or ":" in domain:
        raise _domain_error(_("Enter only the domain, like acme.com, without a port or user."))
    if "." not in domain:
        raise _domain_error(_("A domain has at least one dot, like acme.com."))
    ascii_domain = _hostname_ascii(domain)
    if ascii_domain is None:
        raise _domain_error(
            _(
                "That is not a valid domain: use letters, digits and hyphens between dots, "
                "like acme.com."
            )
        )
    return ascii_domain


def clean_website(value: str | None, errors: dict[str, str], *, field: str = "website") -> str:
    """An http(s) web address with a valid host, or empty."""
    url = (value or "").strip()
    if not url:
        return ""
    if "\x00" in url:
        errors[field] = str(NUL_MESSAGE)
        return url
    if len(url) > WEBSITE_MAX:
        errors[field] = too_long(WEBSITE_MAX, len(url))
        return url
    message = _("Enter a web address starting with http:// or https://, like https://acme.com.")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _port = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        errors[field] = message
        return url
    if (
        parts.scheme.lower() not in {"http", "https"}
        or any(char.isspace() for char in url)
        or parts.username is not None
        or _hostname_ascii(host.rstrip(".")) is None
    ):
        errors[field] = message
    return url


# The widget's origins (issue 15) -----------------------------------------------------------

WIDGET_ORIGINS_MAX = 10
WIDGET_ORIGIN_MAX = 300
WIDGET_ORIGIN_PROBLEM = _l(
    "%(value)s is not an origin: use https://, a host name and an optional port, with no "
    "path, like https://shop.example."
)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


def widget_origin(raw: Any) -> str | None:
    """``raw`` as an origin a browser sends (``https://shop.example``, ``https://a.b:8443``),
    lowercase, or None when it is not one: https only, a real host name (no address, no
    user, path, query or fragment; a trailing "/" is dropped). With ``WIDGET_ALLOW_LOCAL``
    (tests) ``http://127.0.0.1:<port>`` and ``http://localhost:<port>`` pass too."""
    if not isinstance(raw, str):
        return None
    text = raw.strip().removesuffix("/")
    if not text or len(text) > WIDGET_ORIGIN_MAX or not text.isprintable() or " " in text:
        return None
    if any(mark in text for mark in "?#;,*'\"\\"):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.path or parts.username is not None or parts.password is not None:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme == "http" and host in LOCAL_HOSTS and current_app.config["WIDGET_ALLOW_LOCAL"]:
        ascii_host: str | None = host
    elif scheme == "https":
        ascii_host = _hostname_ascii(host.rstrip("."))
    else:
        return None
    if ascii_host is None:
        return None
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{ascii_host}" + (f":{port}" if port not in (None, default) else "")


def clean_widget_origins(values: Collection[Any], errors: dict[str, str]) -> str:
    """The origins, checked and each once, space-separated as stored; what is wrong goes
    in ``errors`` under ``widget_origins`` (the first bad one named)."""
    cleaned: list[str] = []
    for value in values:
        origin = widget_origin(value)
        if origin is None:
            shown = repr(value)[:80]
            errors["widget_origins"] = str(WIDGET_ORIGIN_PROBLEM) % {"value": shown}
            return ""
        if origin not in cleaned:
            cleaned.append(origin)
    if len(cleaned) > WIDGET_ORIGINS_MAX:
        errors["widget_origins"] = _("List at most %(num)s origins.", num=WIDGET_ORIGINS_MAX)
    return " ".join(cleaned)


def set_widget_origins(user: Any, company: Company, origins: Collection[Any]) -> Company:
    """The company's admin staff (or a site admin) say which sites may frame its widget:
    https origins only, at most 10; an empty list lets none. Written to the audit log."""
    require(user, Permission.COMPANY_EDIT, company)
    errors: dict[str, str] = {}
    value = clean_widget_origins(origins, errors)
    if errors:
        raise ValidationError(_("Please correct the fields shown."), fields=errors)
    _apply_widget_origins(user, company, value)
    db.session.commit()
    return company


def _apply_widget_origins(user: Any, company: Company, value: str) -> None:
    if company.widget_origins != value:
        audit.record(
            user,
            "company.widget_origins",
            company_id=company.id,
            note=f"{company.name}: widget origins " + (value or "(none)"),
        )
        company.widget_origins = value


# Work e-mails (claims and staff invitations) ----------------------------------------------

WORK_EMAIL_MISMATCH = _l(
    "Use your work e-mail at %(domain)s (or a subdomain of it), like jane@%(domain)s."
)


def check_work_email(raw: Any, domain: str) -> str:
    """The normalised work e-mail, if it is an address at ``domain`` or a subdomain of it.

    ``jane@acme.com`` and ``jane@support.acme.com`` pass for ``acme.com``;
    ``jane@acme.com.evil.io``, ``jane@notacme.com`` and look-alike letters (compared in
    their punycode form) do not. A trailing dot is dropped (``jane@acme.com.`` is
    ``jane@acme.com``). Neither the company's domain nor the address's may be a free
    e-mail service or a public suffix (``app.companies.domains``): an address anyone can
    get proves nothing. Raises ``ValidationError`` on the ``work_email`` field.
    """
    if isinstance(raw, str):
        raw = raw.strip().removesuffix(".")
    email, problem = clean_email(raw)
    if problem:
        raise ValidationError(problem, fields={"work_email": problem})
    host = email.rpartition("@")[2]
    try:
        host = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        host = ""
    if not (host == domain or host.endswith("." + domain)):
        message = str(WORK_EMAIL_MISMATCH) % {"domain": domain}
        raise ValidationError(message, fields={"work_email": message})
    problem = shared_domain_problem(domain) or shared_domain_problem(host)
    if problem:
        raise ValidationError(problem, fields={"work_email": problem})
    return email


# Services --------------------------------------------------------------------------------


def _company_fields(
    name: Any, domain: Any, description: Any
) -> tuple[str, str, str, dict[str, str]]:
    """The cleaned name, domain and description of a new company, and what is wrong."""
    errors: dict[str, str] = {}
    name = clean_name(name, errors)
    description = clean_description(description, errors)
    try:
        domain = normalize_domain(domain)
    except ValidationError as error:
        errors.update(error.fields)
    else:
        problem = shared_domain_problem(domain)
        if problem:
            errors["domain"] = problem
    return name, domain, description, errors


def company_problems(name: Any, domain: Any, description: Any = "") -> dict[str, str]:
    """What ``create_company`` would refuse in these fields (empty when nothing): for the
    API, which reports them beside its own shape checks, every bad field at once."""
    return _company_fields(name, domain, description)[3]


def profile_problems(fields: dict[str, Any]) -> dict[str, str]:
    """What ``edit_company`` would refuse among the profile fields given (``description``,
    ``website``); the API reports them beside its own shape checks."""
    errors: dict[str, str] = {}
    if "description" in fields:
        clean_description(fields["description"], errors)
    if "website" in fields:
        clean_website(fields["website"], errors)
    return errors


def create_company(user: Any, *, name: str, domain: str, description: str = "") -> Company:
    """Anyone signed in creates a company page, unclaimed until its staff claim it.

    The name (2–100 characters) and the web domain must not belong to a company that
    already has a page; ``CompanyExists`` names that page. Names are compared by what they
    read as (``app.confusables``: "ACME", "Acme." and "Αcme" with a Greek alpha are all
    "Acme"), and the database keeps each reading unique, so two requests at once cannot
    both create it. The domain may not be a free e-mail service or a public
    suffix. The slug comes from the name and never changes; a taken or reserved one gets
    ``-2``, ``-3`` … appended.
    """
    require(user, Permission.COMPANY_CREATE)
    name, domain, description, errors = _company_fields(name, domain, description)
    if errors:
        raise ValidationError(_("Please correct the fields shown."), fields=errors)

    base = slug_base(name, fallback="company")

    def make_company() -> Company:
        # Checked on every attempt: a lost race (slug, domain or name skeleton) may mean
        # the same company just arrived.
        existing = queries.find_company_by_name_or_domain(name, domain)
        if existing is not None:
            field = "name" if read_the_same(existing.name, name) else "domain"
            raise CompanyExists(existing, field, name=name)
        return Company(
            slug=free_slug(base, queries.slugs_taken(base), RESERVED_SLUGS),
            name=name,
            domain=domain,
            description=description,
            website="",
            created_by_id=user.id,
        )

    company = insert_with_free_slug(make_company)
    db.session.commit()
    return company


def edit_company(
    user: Any,
    company: Company,
    *,
    description: str,
    website: str,
    widget_origins: Collection[Any] | None = None,
) -> Company:
    """The company's admin staff (or a site admin) edit its description and web address
    (and, given, the widget's origins: ``set_widget_origins``).

    The web address must be an http(s) URL, or empty. The name, domain and slug stay. A
    change is written to the audit log (who, which fields, when).
    """
    require(user, Permission.COMPANY_EDIT, company)
    errors: dict[str, str] = {}
    description = clean_description(description, errors)
    website = clean_website(website, errors)
    origins = None
    if widget_origins is not None:
        origins = clean_widget_origins(widget_origins, errors)
    if errors:
        raise ValidationError(_("Please correct the fields shown."), fields=errors)
    changed = [
        name
        for name, value in (("description", description), ("website", website))
        if getattr(company, name) != value
    ]
    if changed:
        audit.record(
            user,
            "company.edited",
            company_id=company.id,
            note=f"{company.name}: changed " + ", ".join(changed),
        )
    company.description = description
    company.website = website
    if origins is not None:
        _apply_widget_origins(user, company, origins)
    db.session.commit()
    return company
