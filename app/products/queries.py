"""Reads for product pages."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.companies.models import Company
from app.confusables import name_cased_skeleton, name_skeleton
from app.errors import NotFound
from app.extensions import db
from app.i18n import _
from app.pagination import BadCursor, Page, decode_cursor, encode_cursor
from app.products.models import Product


def get_product(company_slug: str, product_slug: str) -> Product:
    """The product with its company loaded (one SELECT), or ``NotFound``."""
    if "\x00" in company_slug or "\x00" in product_slug:  # PostgreSQL refuses NUL in text
        raise NotFound(_("There is no such product."))
    product = db.session.execute(
        sa.select(Product)
        .join(Product.company)
        .options(contains_eager(Product.company))
        .where(Company.slug == company_slug, Product.slug == product_slug)
    ).scalar_one_or_none()
    if product is None:
        raise NotFound(_("There is no such product."))
    return product


def list_products(company_id: int) -> list[Product]:
    """A company's products, by name."""
    return list(
        db.session.execute(
            sa.select(Product).where(Product.company_id == company_id).order_by(Product.name)
        ).scalars()
    )


def list_products_page(
    company_id: int, *, cursor: str | None = None, limit: int = 20
) -> Page[Product]:
    """A page of a company's products, in the order they were added (one SELECT).

    Keyset on the id, so the pages stay stable while products are added. Raises
    ``app.pagination.BadCursor`` for a cursor this server did not issue.
    """
    query = sa.select(Product).where(Product.company_id == company_id)
    if cursor:
        key, last_id = decode_cursor(cursor, int)
        if key != last_id:  # the key is the id itself in every cursor this list issues
            raise BadCursor("cursor is not valid")
        query = query.where(Product.id > last_id)
    rows = list(db.session.execute(query.order_by(Product.id).limit(limit + 1)).scalars())
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(rows[-1].id, rows[-1].id))
    return Page(rows, None)


def slugs_taken(company_id: int, base: str) -> set[str]:
    """The company's product slugs among ``base`` and ``base-<anything>`` (one SELECT)."""
    prefix = f"{base}-".replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return set(
        db.session.execute(
            sa.select(Product.slug).where(
                Product.company_id == company_id,
                sa.or_(Product.slug == base, Product.slug.like(prefix + "%", escape="\\")),
            )
        ).scalars()
    )


def find_product_by_name(
    company_id: int, name: str, *, other_than: int | None = None
) -> Product | None:
    """The company's product whose name reads the same as ``name`` (``app.confusables``:
    either of its skeletons equal), ignoring ``other_than``."""
    query = sa.select(Product).where(
        Product.company_id == company_id,
        sa.or_(
            Product.name_skeleton == name_skeleton(name),
            Product.name_cased_skeleton == name_cased_skeleton(name),
        ),
    )
    if other_than is not None:
        query = query.where(Product.id != other_than)
    return db.session.execute(query.order_by(Product.id).limit(1)).scalar_one_or_none()
