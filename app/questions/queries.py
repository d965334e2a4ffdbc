"""Reads for question lists: one SELECT a page, whatever the data size."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, undefer_group

from app.accounts.models import User
from app.errors import NotFound
from app.extensions import db
from app.i18n import _, _l
from app.pagination import Page, decode_cursor, encode_cursor
from app.questions.models import PRIVATE_DETAILS, Kind, MeToo, Question, Status
from app.visibility import can_see_question, question_listed, request_viewer, signed_in

# ``get_question``'s default viewer: whoever is reading in this request.
VIEWER_OF_REQUEST: Any = object()


class Sort(StrEnum):
    ACTIVE = "active"
    NEWEST = "newest"
    ME_TOO = "me_too"
    UNANSWERED = "unanswered"

    @property
    def label(self) -> str:
        return str(SORT_LABELS[self])


SORT_LABELS = {
    Sort.ACTIVE: _l("Recent activity"),
    Sort.NEWEST: _l("Newest"),
    Sort.ME_TOO: _l("Most me too"),
    # "No answers yet": not one answer. Not the staff's "Waiting for an answer from <company>"
    # (app/questions/views.py ``unanswered``), which lists questions with no official and no
    # best answer: two meanings, two names.
    Sort.UNANSWERED: _l("No answers yet"),
}


def _sort_columns(sort: Sort) -> tuple[sa.ColumnElement, type]:
    if sort is Sort.ACTIVE:
        return Question.last_activity_at, datetime
    if sort is Sort.ME_TOO:
        return Question.me_too_count, int
    return Question.created_at, datetime


def list_questions(
    *,
    sort: Sort = Sort.ACTIVE,
    cursor: str | None = None,
    limit: int = 20,
    company_id: int | None = None,
    product_id: int | None = None,
    author_id: int | None = None,
    kind: Kind | None = None,
    status: Status | None = None,
    unanswered: bool = False,
    no_official_answer: bool = False,
) -> Page[Question]:
    """A page of questions, newest-first by the chosen sort, with author, company and product.

    The sort ``unanswered`` lists questions nobody has answered yet, newest first. The
    filters narrow any sort: ``kind``, ``status``, ``unanswered`` (no answer at all) and
    ``no_official_answer`` (none from the company's staff). One SELECT.
    Raises ``app.pagination.BadCursor`` for a cursor this server did not issue.
    """
    key_column, key_type = _sort_columns(sort)
    query = (
        sa.select(Question)
        .options(
            joinedload(Question.author), joinedload(Question.company), joinedload(Question.product)
        )
        .where(question_listed())
    )
    if company_id is not None:
        query = query.where(Question.company_id == company_id)
    if product_id is not None:
        query = query.where(Question.product_id == product_id)
    if author_id is not None:
        query = query.where(Question.author_id == author_id)
    if kind is not None:
        query = query.where(Question.kind == kind)
    if status is not None:
        query = query.where(Question.status == status)
    if sort is Sort.UNANSWERED or unanswered:
        query = query.where(Question.answer_count == 0)
    if no_official_answer:
        query = query.where(Question.has_official_answer.is_(False))
    if cursor:
        key, last_id = decode_cursor(cursor, key_type)
        after = sa.tuple_(sa.literal(key, key_column.type), sa.literal(last_id))
        query = query.where(sa.tuple_(key_column, Question.id) < after)
    query = query.order_by(key_column.desc(), Question.id.desc()).limit(limit + 1)
    rows = list(db.session.execute(query).scalars().unique())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, key_column.key), last.id)
    return Page(items=rows, next_cursor=next_cursor)


def list_unanswered(
    company_id: int,
    product_id: int | None = None,
    kind: Kind | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Question]:
    """A page of the company's questions with no official answer and no best answer,
    oldest first (they have waited longest), with author, company and product: one SELECT.

    Peer answers do not take a question off this list: only the company's own
    answer or the asker's choice do. Keyset on (created_at, id) ascending.
    Raises ``app.pagination.BadCursor`` for a cursor this server did not issue.
    """
    query = (
        sa.select(Question)
        .options(
            joinedload(Question.author), joinedload(Question.company), joinedload(Question.product)
        )
        .where(
            Question.company_id == company_id,
            question_listed(),
            Question.has_official_answer.is_(False),
            Question.best_answer_id.is_(None),
        )
    )
    if product_id is not None:
        query = query.where(Question.product_id == product_id)
    if kind is not None:
        query = query.where(Question.kind == kind)
    if cursor:
        created, last_id = decode_cursor(cursor, datetime)
        after = sa.tuple_(sa.literal(created, Question.created_at.type), sa.literal(last_id))
        query = query.where(sa.tuple_(Question.created_at, Question.id) > after)
    query = query.order_by(Question.created_at.asc(), Question.id.asc()).limit(limit + 1)
    rows = list(db.session.execute(query).scalars().unique())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id)
    return Page(items=rows, next_cursor=next_cursor)


# What the question page shows of its asker: what names them, and their points.
PAGE_AUTHOR_COLUMNS = (User.id, User.username, User.display_name, User.deleted_at, User.reputation)


@cache
def _page_statement(*, private_details: bool) -> sa.Select:
    """The question page's read, for a signed-out and a signed-in reader (``get_question``).

    Built once per process, on first use (at import the mappers may not all be defined):
    SQLAlchemy keys its compiled-statement cache by walking the statement, which costs more
    than the rest of the read when it is built anew for every request."""
    query = sa.select(Question).options(
        defer(Question.body),
        joinedload(Question.author).load_only(*PAGE_AUTHOR_COLUMNS),
        joinedload(Question.company),
        joinedload(Question.product),
    )
    if private_details:
        query = query.options(undefer_group(PRIVATE_DETAILS))
    return query.where(Question.id == sa.bindparam("question_id"))


@cache
def _page_key_statement() -> sa.Select:
    return sa.select(Question.slug, Question.page_version).where(
        Question.id == sa.bindparam("question_id"), question_listed()
    )


def listed_page_key(question_id: int) -> sa.Row[Any] | None:
    """The slug and ``page_version`` of a question everybody may open (listed: not hidden,
    not merged), or None: what a signed-out reader's copy of its page is kept under
    (``app.page_cache``). One light statement, no entities: on a page-cache hit it is all
    the page reads (``get_question`` was 60% of a hit)."""
    return db.session.execute(_page_key_statement(), {"question_id": question_id}).one_or_none()


def get_question(
    question_id: int, *, viewer: Any = VIEWER_OF_REQUEST, for_page: bool = False
) -> Question:
    """The question with its author, company and product (one SELECT), or ``NotFound`` when
    there is none or the viewer may not see it (``app.visibility.can_see_question``: a hidden
    question is found only by its author and moderators). ``viewer`` defaults to this
    request's reader (``app.visibility.request_viewer``).

    For a signed-in viewer its private details come in the same SELECT (whether they may
    read them is ``app.visibility.can_read_private_details``); for anyone else they are not
    even read from the database.

    ``for_page``: only what the question page shows (issue 19): not the question's Markdown
    source, and of its author only what names them and their points (a page that would read
    more costs a statement more, which the page's statement-count tests catch)."""
    if viewer is VIEWER_OF_REQUEST:
        viewer = request_viewer()
    if for_page:
        question = db.session.execute(
            _page_statement(private_details=signed_in(viewer)), {"question_id": question_id}
        ).scalar_one_or_none()
    else:
        query = sa.select(Question).options(
            joinedload(Question.author),
            joinedload(Question.company),
            joinedload(Question.product),
        )
        if signed_in(viewer):
            query = query.options(undefer_group(PRIVATE_DETAILS))
        question = db.session.execute(query.where(Question.id == question_id)).scalar_one_or_none()
    if question is None or not can_see_question(viewer, question):
        raise NotFound(_("There is no such question. It may have been removed."))
    return question


def has_me_too(user_id: int, question_id: int) -> bool:
    """Whether the user said the question affects them too (one SELECT)."""
    found = db.session.execute(
        sa.select(MeToo.user_id).where(MeToo.question_id == question_id, MeToo.user_id == user_id)
    ).first()
    return found is not None
