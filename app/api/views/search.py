"""Search through the API: questions ranked by relevance, and questions like a title."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.api import bp
from app.api.auth import operation
from app.api.schemas import (
    QuestionListSchema,
    QuestionPageSchema,
    SearchArgsSchema,
    SimilarArgsSchema,
)
from app.api.views.common import BAD_CURSOR, BadCursorError
from app.companies.queries import get_company
from app.errors import ValidationError
from app.extensions import db
from app.i18n import _l
from app.pagination import BadCursor, decode_cursor, encode_cursor
from app.products.queries import get_product
from app.questions.models import Question
from app.search.queries import MAX_PAGES, search_questions, similar_questions
from app.visibility import question_listed

PRODUCT_NEEDS_COMPANY = _l("Give the company too: a product's slug is unique within its company.")


def _page_from(cursor: str | None, limit: int) -> int:
    """The page number a search cursor carries.

    Results ranked by relevance are paged by number (a new question may rank anywhere);
    the cursor holds the page and its size, and only works with the same ``limit``.
    """
    if not cursor:
        return 1
    try:
        page, size = decode_cursor(cursor, int)
    except BadCursor:
        raise BadCursorError(BAD_CURSOR, fields={"cursor": BAD_CURSOR}) from None
    if not 2 <= page <= MAX_PAGES or size != limit:
        raise BadCursorError(BAD_CURSOR, fields={"cursor": BAD_CURSOR})
    return page


def _scope(args: dict[str, Any]) -> tuple[int | None, int | None]:
    """The company and product ids the ``company`` and ``product`` filters name."""
    if args.get("product") is not None:
        if args.get("company") is None:
            raise ValidationError(PRODUCT_NEEDS_COMPANY, fields={"product": PRODUCT_NEEDS_COMPANY})
        product = get_product(args["company"], args["product"])
        return product.company_id, product.id
    if args.get("company") is not None:
        return get_company(args["company"]).id, None
    return None, None


@bp.route("/search", methods=["GET"])
@operation(bp, signed_in=False, errors=(400, 404, 422))
@bp.arguments(SearchArgsSchema, location="query")
@bp.response(200, QuestionPageSchema)
def search(args: dict[str, Any]) -> dict[str, Any]:
    """Questions matching ``q``, the most relevant first.

    Answers' text counts toward finding their question. ``"a phrase"`` in quotes
    matches those words together, ``-word`` leaves out questions with it. At most ten
    pages, numbered by relevance rather than keyset: send the same ``limit`` with the
    cursor.
    """
    company_id, product_id = _scope(args)
    page = _page_from(args["cursor"], args["limit"])
    results = search_questions(
        args["q"],
        company_id=company_id,
        product_id=product_id,
        page=page,
        per_page=args["limit"],
    )
    next_cursor = encode_cursor(page + 1, args["limit"]) if results.has_next else None
    return {"items": [hit.question for hit in results.hits], "next_cursor": next_cursor}


@bp.route("/questions/similar", methods=["GET"])
@operation(bp, signed_in=False, errors=(404, 422))
@bp.arguments(SimilarArgsSchema, location="query")
@bp.response(200, QuestionListSchema)
def similar(args: dict[str, Any]) -> dict[str, Any]:
    """Up to five questions likely to be the same as one with this title (search before
    you ask), optionally within one company."""
    company_id, _ = _scope({"company": args["company"]})
    ids = [match.id for match in similar_questions(args["title"], company_id=company_id)]
    return {"items": _questions_in_order(ids), "next_cursor": None}


def _questions_in_order(ids: list[int]) -> list[Question]:
    """The questions with these ids, with author, company and product, in this order
    (one SELECT; one deleted meanwhile is left out)."""
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(Question)
        .options(
            joinedload(Question.author), joinedload(Question.company), joinedload(Question.product)
        )
        .where(Question.id.in_(ids), question_listed())
    ).scalars()
    by_id = {question.id: question for question in rows}
    return [by_id[question_id] for question_id in ids if question_id in by_id]
