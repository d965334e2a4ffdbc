"""Reads for the edit history: a post's numbered versions, newest first, one SELECT a page.

The rows hold the versions edits replaced (app/moderation/models.py); this module turns
them and the post into versions as a reader thinks of them: version 1 is the original,
written by the post's author when it was posted; version k + 1 is what the k-th edit
made, by that edit's editor at that edit's time; the newest version is the post as it is
now. n edits give n + 1 versions, and a post never edited is one version.

Callers load the post with the loader its page uses (``get_question``; for an answer,
``get_answer`` and its question's ``get_question``), so whoever cannot read a post cannot
read its history either: nothing here decides who sees what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.db import MAX_ID
from app.extensions import db
from app.moderation.models import AnswerRevision, QuestionRevision
from app.pagination import BadCursor, Page, decode_cursor, encode_cursor
from app.questions.models import Kind


@dataclass(frozen=True)
class Text:
    """What one version of a post says: the title, kind and product only for questions."""

    body: str
    title: str | None = None
    kind: Kind | None = None
    product: Any = None


@dataclass(frozen=True)
class Version:
    """One version of a post: its number, its text, who made it and when, and the text of
    the version before it (``None`` for the original)."""

    post_type: str  # "question" or "answer"
    post_id: int
    number: int
    text: Text
    editor: Any  # a User; None when the account no longer exists
    created_at: datetime
    previous: Text | None
    is_current: bool

    # The fields the API shows, read off the text.
    @property
    def title(self) -> str | None:
        return self.text.title

    @property
    def body(self) -> str:
        return self.text.body

    @property
    def kind(self) -> Kind | None:
        return self.text.kind

    @property
    def product(self) -> Any:
        return self.text.product


def _question_text(row: Any) -> Text:
    return Text(body=row.body, title=row.title, kind=row.kind, product=row.product)


def _answer_text(row: Any) -> Text:
    return Text(body=row.body)


def version_cursor(number: int, post_id: int) -> str:
    """The cursor of the page whose first (newest) version is ``number - 1``."""
    return encode_cursor(number, post_id)


def _top_from(cursor: str, post_id: int) -> int:
    """The newest version number a cursor's page starts at; ``BadCursor`` for a cursor
    that is not one of this post's."""
    number, cursor_post_id = decode_cursor(cursor, int)
    if cursor_post_id != post_id or not 2 <= number <= MAX_ID:
        raise BadCursor("cursor is not valid")
    return number - 1


def _versions(
    post: Any,
    *,
    post_type: str,
    model: Any,
    post_column: Any,
    options: list[Any],
    text_of: Any,
    cursor: str | None,
    limit: int,
) -> Page[Version]:
    top = _top_from(cursor, post.id) if cursor else None
    query = (
        sa.select(model)
        .options(*options)
        .where(post_column == post.id)
        .order_by(model.number.desc())
        .limit(limit + 1)
    )
    if top is not None:
        query = query.where(model.number <= top)
    # Row k holds version k's text, and who made version k + 1 and when.
    rows = {row.number: row for row in db.session.execute(query).scalars()}
    highest = max(rows, default=0)
    if top is None:
        top = highest + 1  # the post as it is now
    elif top > highest + 1:
        raise BadCursor("cursor is not valid")

    current = text_of(post)
    versions = []
    bottom = max(top - limit + 1, 1)
    for number in range(top, bottom - 1, -1):
        if number == 1:
            editor, created_at = post.author, post.created_at
        else:
            made_by = rows[number - 1]
            editor, created_at = made_by.edited_by, made_by.edited_at
        versions.append(
            Version(
                post_type=post_type,
                post_id=post.id,
                number=number,
                text=text_of(rows[number]) if number in rows else current,
                editor=editor,
                created_at=created_at,
                previous=text_of(rows[number - 1]) if number > 1 else None,
                is_current=number not in rows,
            )
        )
    next_cursor = version_cursor(bottom, post.id) if bottom > 1 else None
    return Page(versions, next_cursor)


def question_versions(
    question: Any, *, cursor: str | None = None, limit: int = 20
) -> Page[Version]:
    """A page of the question's versions, newest first (the question as it is now leads the
    first page), each with its title, body, kind, product, editor and time: one SELECT.

    ``question`` comes with its author and product loaded (``get_question``). Raises
    ``BadCursor`` for a cursor this server did not issue for this question's history.
    """
    return _versions(
        question,
        post_type="question",
        model=QuestionRevision,
        post_column=QuestionRevision.question_id,
        options=[joinedload(QuestionRevision.edited_by), joinedload(QuestionRevision.product)],
        text_of=_question_text,
        cursor=cursor,
        limit=limit,
    )


def answer_versions(answer: Any, *, cursor: str | None = None, limit: int = 20) -> Page[Version]:
    """A page of the answer's versions, newest first (the answer as it is now leads the
    first page), each with its body, editor and time: one SELECT.

    ``answer`` comes with its author loaded (``get_answer``). Raises ``BadCursor`` for a
    cursor this server did not issue for this answer's history.
    """
    return _versions(
        answer,
        post_type="answer",
        model=AnswerRevision,
        post_column=AnswerRevision.answer_id,
        options=[joinedload(AnswerRevision.edited_by)],
        text_of=_answer_text,
        cursor=cursor,
        limit=limit,
    )
