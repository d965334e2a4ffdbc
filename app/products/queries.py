"""Reads for product pages."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.companies.models import Company
from app.errors import NotFound
from app.extensions import db
from app.products.models import Product


def get_product(company_slug: str, product_slug: str) -> Product:
    """The product with its company loaded (one SELECT), or ``NotFound``."""
    product = db.session.execute(
        sa.select(Product)
        .join(Product.company)
        .options(contains_eager(Product.company))
        .where(Company.slug == company_slug, Product.slug == product_slug)
    ).scalar_one_or_none()
    if product is None:
        raise NotFound("There is no such product.")
    return product


def list_products(company_id: int) -> list[Product]:
    """A company's products, by name."""
    return list(
        db.session.execute(
            sa.select(Product).where(Product.company_id == company_id).order_by(Product.name)
        ).scalars()
    )
