"""Reads for company pages and lists."""

from __future__ import annotations

import sqlalchemy as sa

from app.companies.models import Company
from app.errors import NotFound
from app.extensions import db
from app.pagination import BadCursor, Page, decode_cursor, encode_cursor


def get_company(slug: str) -> Company:
    """The company with this slug, or ``NotFound``."""
    company = db.session.execute(
        sa.select(Company).where(Company.slug == slug)
    ).scalar_one_or_none()
    if company is None:
        raise NotFound("There is no such company.")
    return company


def list_companies(q: str = "", *, cursor: str | None = None, limit: int = 20) -> Page[Company]:
    """Companies with the most questions first, optionally those whose name contains ``q``.

    Raises ``BadCursor`` for a cursor this server did not issue.
    """
    query = sa.select(Company)
    q = q.strip()
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Company.name.ilike(f"%{escaped}%", escape="\\"))
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


__all__ = ["BadCursor", "get_company", "list_companies"]
