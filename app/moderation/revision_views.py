"""The edit history pages: every version of a question or an answer, newest first, each
with who made it, when, and what changed since the version before.

Whoever can read a post can read its history: each page loads the post with the loader its
own page uses (``get_question``; for an answer, ``get_answer`` and its question's
``get_question``), so a post its reader may not see is not found here either. A page runs
a fixed number of statements whatever the number of versions (the post, one page of
versions, and the signed-in user).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request

from app.answers.queries import get_answer
from app.errors import DomainError
from app.moderation.diff import Segment, changed, diff_text, with_context
from app.moderation.revision_queries import Version, answer_versions, question_versions
from app.pagination import BAD_PAGE_LINK, BadCursor, Page, cursor_from
from app.questions.queries import get_question

bp = Blueprint("revisions", __name__)

# Each version shows a diff of texts of up to 20,000 characters: fewer a page than a list.
PAGE_SIZE = 10


@dataclass(frozen=True)
class Shown:
    """A version as its page shows it: what changed since the version before."""

    version: Version
    title: list[Segment] | None  # None: the title did not change (or an answer)
    body: list[Segment] | None  # None: the body did not change
    kind_changed: bool
    product_changed: bool


def _shown(version: Version) -> Shown:
    before, now = version.previous, version.text
    if before is None:
        return Shown(version, None, None, False, False)
    title = diff_text(before.title or "", now.title or "")
    body = diff_text(before.body, now.body)
    return Shown(
        version,
        title=title if changed(title) else None,
        body=with_context(body) if changed(body) else None,
        kind_changed=before.kind != now.kind,
        product_changed=getattr(before.product, "id", None) != getattr(now.product, "id", None),
    )


def _edited_before_history(post: Any, page: Page[Version]) -> bool:
    """Whether the post was edited before edit history was kept: it reads as edited, yet
    no version of it was kept (its one version is then not the original)."""
    only = page.items[0] if len(page.items) == 1 else None
    if only is None or not only.is_current:
        return False
    return only.number == 1 and post.updated_at > post.created_at


def _page(read: Any) -> Page[Version]:
    try:
        return read(cursor_from(request.args))
    except BadCursor:
        raise DomainError(BAD_PAGE_LINK) from None


@bp.get("/questions/<id:question_id>/revisions")
def question(question_id: int) -> str:
    question = get_question(question_id)
    page = _page(lambda cursor: question_versions(question, cursor=cursor, limit=PAGE_SIZE))
    return render_template(
        "moderation/revisions.html",
        question=question,
        answer=None,
        page=page,
        shown=[_shown(version) for version in page.items],
        edited_before_history=_edited_before_history(question, page),
    )


@bp.get("/answers/<id:answer_id>/revisions")
def answer(answer_id: int) -> str:
    answer = get_answer(answer_id)
    question = get_question(answer.question_id)
    page = _page(lambda cursor: answer_versions(answer, cursor=cursor, limit=PAGE_SIZE))
    return render_template(
        "moderation/revisions.html",
        question=question,
        answer=answer,
        page=page,
        shown=[_shown(version) for version in page.items],
        edited_before_history=_edited_before_history(answer, page),
    )
