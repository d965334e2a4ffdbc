"""Reads for feeds and the sitemap: a fixed number of SELECTs each, whatever the data size."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.answers.models import Answer
from app.companies.models import Company
from app.extensions import db
from app.products.models import Product
from app.questions.models import Question
from app.visibility import answer_listed, question_listed


def latest_answers(question_id: int, limit: int) -> list[Answer]:
    """The question's newest answers first, with their authors (one SELECT)."""
    return list(
        db.session.execute(
            sa.select(Answer)
            .options(joinedload(Answer.author))
            .where(Answer.question_id == question_id, answer_listed())
            .order_by(Answer.created_at.desc(), Answer.id.desc())
            .limit(limit)
        ).scalars()
    )


def _listed(model: type) -> sa.ColumnElement[bool]:
    """Hidden and merged questions are not in the sitemap (``app.visibility``)."""
    return question_listed() if model is Question else sa.true()


def sitemap_total() -> int:
    """How many companies, products and listed questions there are, together (one SELECT)."""
    counts = [
        sa.select(sa.func.count()).select_from(m).where(_listed(m)).scalar_subquery()
        for m in _MODELS.values()
    ]
    return int(db.session.execute(sa.select(sum(counts[1:], counts[0]))).scalar_one())


def _newest_activity(where: sa.ColumnElement[bool]) -> sa.ScalarSelect[datetime]:
    """The newest activity of the listed questions ``where`` picks (a correlated subquery)."""
    return (
        sa.select(sa.func.max(Question.last_activity_at))
        .where(where, question_listed())
        .scalar_subquery()
    )


def _lastmod(section: str) -> sa.ColumnElement[datetime]:
    """When a page of ``section`` last changed: a question's last activity; a company's or
    product's newest listed question's (what its page lists), or its own creation."""
    if section == "companies":
        return sa.func.coalesce(
            _newest_activity(Question.company_id == Company.id), Company.created_at
        )
    if section == "products":
        return sa.func.coalesce(
            _newest_activity(Question.product_id == Product.id), Product.created_at
        )
    return Question.last_activity_at


def sitemap_files(section: str, size: int) -> list[tuple[int, datetime | None]]:
    """(first id, newest lastmod) of each sitemap file of ``section``: a file starts at every
    ``size``-th row (one SELECT)."""
    model = _MODELS[section]
    numbered = (
        sa.select(
            model.id,
            _lastmod(section).label("lastmod"),
            sa.func.row_number().over(order_by=model.id).label("position"),
        )
        .where(_listed(model))
        .subquery()
    )
    first = sa.func.min(numbered.c.id)
    return [
        (first_id, lastmod)
        for first_id, lastmod in db.session.execute(
            sa.select(first, sa.func.max(numbered.c.lastmod))
            .group_by((numbered.c.position - 1) // size)
            .order_by(first)
        )
    ]


def newest_activity() -> datetime | None:
    """The newest activity of any listed question: when the home page last changed."""
    return db.session.execute(
        sa.select(sa.func.max(Question.last_activity_at)).where(question_listed())
    ).scalar_one()


def company_slugs(first_id: int, limit: int) -> list[tuple[str, datetime]]:
    """(slug, lastmod) of up to ``limit`` companies from id ``first_id`` on."""
    return [
        (slug, lastmod)
        for slug, lastmod in db.session.execute(
            sa.select(Company.slug, _lastmod("companies"))
            .where(Company.id >= first_id)
            .order_by(Company.id)
            .limit(limit)
        )
    ]


def product_slugs(first_id: int, limit: int) -> list[tuple[str, str, datetime]]:
    """(company slug, product slug, lastmod) of up to ``limit`` products from id ``first_id``
    on."""
    return [
        (company, product, lastmod)
        for company, product, lastmod in db.session.execute(
            sa.select(Company.slug, Product.slug, _lastmod("products"))
            .join(Product.company)
            .where(Product.id >= first_id)
            .order_by(Product.id)
            .limit(limit)
        )
    ]


def question_entries(first_id: int, limit: int) -> list[tuple[int, str, datetime]]:
    """(id, slug, last activity) of up to ``limit`` questions from id ``first_id`` on."""
    return [
        (question_id, slug, last_activity)
        for question_id, slug, last_activity in db.session.execute(
            sa.select(Question.id, Question.slug, Question.last_activity_at)
            .where(Question.id >= first_id, question_listed())
            .order_by(Question.id)
            .limit(limit)
        )
    ]


_MODELS: dict[str, type] = {"companies": Company, "products": Product, "questions": Question}
