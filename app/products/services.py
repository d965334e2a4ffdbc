"""Product writes: adding a product to a company, editing it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from app.companies.models import Company
from app.companies.services import (
    clean_description,
    clean_name,
    free_slug,
    insert_with_free_slug,
    slug_base,
)
from app.db import increment
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.i18n import _
from app.moderation import audit
from app.policy import Permission, require
from app.products import queries
from app.products.models import Product

# Slugs that would read as a page of their own under /companies/<slug>/products/.
RESERVED_SLUGS = frozenset({"new", "edit"})


class ProductExists(Conflict):
    """The company already has a product by this name; ``product`` is that product."""

    def __init__(self, product: Product, company: Company, *, name: str = "") -> None:
        if name and name.casefold() != product.name.casefold():
            why = _(
                "%(company)s already has a product called %(product)s, and “%(name)s” reads"
                " the same.",
                company=company.name,
                product=product.name,
                name=name,
            )
        else:
            why = _(
                "%(company)s already has a product called %(product)s.",
                company=company.name,
                product=product.name,
            )
        super().__init__(why, fields={"name": why})
        self.product = product


def _cleaned(name: Any, description: Any) -> tuple[str, str, dict[str, str]]:
    errors: dict[str, str] = {}
    name = clean_name(name, errors)
    description = clean_description(description, errors)
    return name, description, errors


def _validated(name: str, description: str) -> tuple[str, str]:
    name, description, errors = _cleaned(name, description)
    if errors:
        raise ValidationError(_("Please correct the fields shown."), fields=errors)
    return name, description


def product_problems(name: Any, description: Any = "") -> dict[str, str]:
    """What ``create_product`` would refuse in these fields (empty when nothing): for the
    API, which reports them beside its own shape checks, every bad field at once."""
    return _cleaned(name, description)[2]


def create_product(user: Any, company: Company, *, name: str, description: str = "") -> Product:
    """Add a product to a company: anyone signed in for an unclaimed company, its admin
    staff (or a site admin) for a claimed one.

    The name (2–100 characters, cleaned as company names are) must not read the same as
    one of the company's products (``app.confusables``: "Drive", "DRIVE." and
    "Drіve" with a Cyrillic i are one name); the database keeps that unique per company. The
    slug comes from the name, is unique within the company and never changes; a taken or
    reserved one gets ``-2``, ``-3`` … appended. The company's product count goes up by one.
    """
    require(user, Permission.PRODUCT_CREATE, company)
    name, description = _validated(name, description)
    base = slug_base(name, fallback="product")

    def make_product() -> Product:
        # Checked on every attempt: a lost race (slug or name) may mean the same product
        # just arrived.
        existing = queries.find_product_by_name(company.id, name)
        if existing is not None:
            raise ProductExists(existing, company, name=name)
        return Product(
            company_id=company.id,
            slug=free_slug(base, queries.slugs_taken(company.id, base), RESERVED_SLUGS),
            name=name,
            description=description,
            created_by_id=user.id,
        )

    product = insert_with_free_slug(make_product)
    increment(db.session, Company.product_count, company.id)
    db.session.commit()
    return product


def edit_product(user: Any, product: Product, *, name: str, description: str) -> Product:
    """Rename a product or change its description: its creator or a site admin while the
    company is unclaimed, the company's admin staff (or a site admin) once it is claimed.

    The new name must not read the same as another of the company's products. The slug
    stays as it was, so links to the product keep working after a rename. A change is
    written to the audit log (who, which fields, when).
    """
    require(user, Permission.PRODUCT_EDIT, product)
    name, description = _validated(name, description)
    company_id, product_id = product.company_id, product.id
    existing = queries.find_product_by_name(company_id, name, other_than=product_id)
    if existing is not None:
        raise ProductExists(existing, product.company, name=name)
    changed = []
    if name != product.name:
        changed.append(f"name (was {product.name})")
    if description != product.description:
        changed.append("description")
    if changed:
        audit.record(
            user,
            "product.edited",
            company_id=product.company_id,
            note=f"{name}: changed " + ", ".join(changed),
        )
    product.name = name
    product.description = description
    try:
        db.session.commit()
    except IntegrityError as error:
        # Another request gave a product this reading between the check and the commit.
        db.session.rollback()
        existing = queries.find_product_by_name(company_id, name, other_than=product_id)
        if existing is None:
            raise
        raise ProductExists(existing, existing.company, name=name) from error
    return product
