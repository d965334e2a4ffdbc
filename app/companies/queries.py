"""Reads for company pages and lists."""

from __future__ import annotations

import re
import sys

import sqlalchemy as sa
from flask import g, has_app_context

from app.companies.models import Company, Membership, StaffRole
from app.confusables import name_cased_skeleton, name_skeleton
from app.errors import NotFound
from app.extensions import db
from app.i18n import _, _l, ngettext
from app.pagination import BadCursor, Page, decode_cursor, encode_cursor


def get_company(slug: str) -> Company:
    """The company with this slug, or ``NotFound``."""
    if "\x00" in slug:  # PostgreSQL refuses NUL in text; no slug contains one anyway
        raise NotFound(_("There is no such company."))
    company = db.session.execute(
        sa.select(Company).where(Company.slug == slug)
    ).scalar_one_or_none()
    if company is None:
        raise NotFound(_("There is no such company."))
    return company


# The directory's sorts: ``questions`` (the most first, the default) and ``fastest``
# ("Answers officially fastest": the shortest median time to the first official answer over
# the scorecard's 90 days first, then the companies without one, newest first).
SORTS = {"questions": _l("Most questions"), "fastest": _l("Answers officially fastest")}


def list_companies(
    q: str = "", *, cursor: str | None = None, limit: int = 20, sort: str = "questions"
) -> Page[Company]:
    """Companies in the ``sort`` order (``SORTS``), optionally those whose name contains
    ``q``: one SELECT, keyset-paged.

    Raises ``BadCursor`` for a cursor this server did not issue.
    """
    query = sa.select(Company)
    q = q.replace("\x00", "").strip()  # PostgreSQL refuses NUL in text; no name holds one
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Company.name.ilike(f"%{escaped}%", escape="\\"))
    if sort == "fastest":
        return _fastest(query, cursor, limit)
    if cursor:
        count, last_id = decode_cursor(cursor, int)
        after = sa.tuple_(sa.literal(count), sa.literal(last_id))
        query = query.where(sa.tuple_(Company.question_count, Company.id) < after)
    query = query.order_by(Company.question_count.desc(), Company.id.desc()).limit(limit + 1)
    rows = list(db.session.execute(query).scalars())
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(rows[-1].question_count, rows[-1].id))
    return Page(rows, None)


def _fastest(query: sa.Select[tuple[Company]], cursor: str | None, limit: int) -> Page[Company]:
    # Ascending on (official_answer_rank, id): ix_companies_official_answer_rank. Unclaimed
    # companies never have an official answer, so they rank NOT_RANKED, after the claimed.
    if cursor:
        rank, last_id = decode_cursor(cursor, int)
        after = sa.tuple_(sa.literal(rank), sa.literal(last_id))
        query = query.where(sa.tuple_(Company.official_answer_rank, Company.id) > after)
    query = query.order_by(Company.official_answer_rank, Company.id).limit(limit + 1)
    rows = list(db.session.execute(query).scalars())
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(rows[-1].official_answer_rank, rows[-1].id))
    return Page(rows, None)


def _like_prefix(text: str) -> str:
    """``text`` as a LIKE pattern matching itself literally, followed by anything."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def slugs_taken(base: str) -> set[str]:
    """The company slugs already used among ``base`` and ``base-<anything>`` (one SELECT)."""
    rows = db.session.execute(
        sa.select(Company.slug).where(
            sa.or_(Company.slug == base, Company.slug.like(_like_prefix(f"{base}-"), escape="\\"))
        )
    ).scalars()
    return set(rows)


def find_company_by_name_or_domain(name: str, domain: str) -> Company | None:
    """A company whose name reads the same as ``name`` (``app.confusables``: either of its
    skeletons equal) or at ``domain``, if one exists (one SELECT, on unique indexes)."""
    return db.session.execute(
        sa.select(Company)
        .where(
            sa.or_(
                Company.name_skeleton == name_skeleton(name),
                Company.name_cased_skeleton == name_cased_skeleton(name),
                Company.domain == domain,
            )
        )
        .order_by(Company.id)
        .limit(1)
    ).scalar_one_or_none()


# "Which company is it about?" (``suggest_companies``): how many companies the picker offers.
SUGGEST_LIMIT = 10
# Typed text longer than this is cut: no company name or domain is longer.
SUGGEST_QUERY_MAX = 200
_WEB_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?")


def _starts_with(column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
    """``column`` starts with ``prefix``, as a range its B-tree index reads (``>= prefix`` and
    ``<`` the prefix with its last character's successor: code-point order, the order of
    both SQLite and a C-collated PostgreSQL), and LIKE to keep only true prefixes whatever
    the collation."""
    condition = sa.and_(column >= prefix, column.like(_like_prefix(prefix), escape="\\"))
    if ord(prefix[-1]) < sys.maxunicode:
        condition = sa.and_(condition, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))
    return condition


def suggest_companies(q: str, *, limit: int = SUGGEST_LIMIT) -> list[Company]:
    """The companies someone typing ``q`` may mean, for the ask page's company picker: those
    whose name starts with ``q`` (compared as names are for duplicates, ``name_skeleton``: any
    letter case, look-alike letters alike; an accented letter as typed, though "cafe" finds
    "Café") or whose domain does (``acme.c``, ``www.acme.com``). The busiest first, a name
    read exactly as typed before all. Only the start: "cloud" does not find "Acme Cloud"
    (that would take an index of words, or a scan).

    One SELECT, and a bounded one: each way of matching walks its unique index for at most
    ``limit`` rows (never a scan of the table), and only those are sorted.
    """
    q = q.replace("\x00", "").strip()[:SUGGEST_QUERY_MAX]
    skeleton = name_skeleton(q) if q else ""
    domain = _WEB_PREFIX.sub("", q.casefold()) if q and not any(c.isspace() for c in q) else ""
    branches = []
    for column, prefix in ((Company.name_skeleton, skeleton), (Company.domain, domain)):
        if prefix:
            candidates = (
                sa.select(Company.id)
                .where(_starts_with(column, prefix))
                .order_by(column)
                .limit(limit)
                .subquery()
            )
            branches.append(sa.select(candidates.c.id))
    if not branches:
        return []
    ids = sa.union(*branches) if len(branches) > 1 else branches[0]
    query = (
        sa.select(Company)
        .where(Company.id.in_(ids))
        .order_by(
            (Company.name_skeleton == skeleton).desc(),
            Company.question_count.desc(),
            Company.name,
            Company.id,
        )
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


def suggest_message(q: str, found: int) -> str:
    """What the company picker says of its list (the page and its script alike)."""
    words = q.replace("\x00", "").strip()[:SUGGEST_QUERY_MAX]
    if not words:
        return ""
    if not found:
        return _("No company matches “%(words)s”.", words=words)
    return ngettext("%(num)d company matches.", "%(num)d companies match.", found)


__all__ = [
    "SORTS",
    "SUGGEST_LIMIT",
    "BadCursor",
    "find_company_by_name_or_domain",
    "get_company",
    "list_companies",
    "slugs_taken",
    "suggest_companies",
    "suggest_message",
]


def staff_roles(user_id: int) -> dict[int, StaffRole]:
    """The user's active staff roles by company id: one SELECT, remembered for the request.

    Policy questions are asked many times per page (each answer card asks); this keeps
    them at one query whatever the page shows.
    """
    cache = g.setdefault("_staff_roles", {}) if has_app_context() else {}
    if user_id not in cache:
        rows = db.session.execute(
            sa.select(Membership.company_id, Membership.role).where(
                Membership.user_id == user_id, Membership.revoked_at.is_(None)
            )
        )
        cache[user_id] = {company_id: role for company_id, role in rows}
    return cache[user_id]


def forget_staff_roles(user_id: int) -> None:
    """Services call this after changing someone's memberships within a request."""
    if has_app_context():
        g.setdefault("_staff_roles", {}).pop(user_id, None)
