"""Reads for search: the results page, similar questions, related questions.

Each runs a fixed number of statements whatever the size of the forum: the
search itself (one, with its highlights), then the shown questions with their
company and product (one): whole for the API, only what a row shows for the page.
Similar and related questions are one each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from app.companies.models import Company
from app.extensions import db
from app.products.models import Product
from app.questions.models import Kind, Question, ShowsState, Status
from app.search import query as search_query
from app.search.backends import Filters, backend_for
from app.search.models import RelatedQuestion
from app.search.text import has_match, highlight
from app.visibility import question_listed

PER_PAGE = 20
# Results beyond this many pages are not worth reading; a narrower search is.
MAX_PAGES = 10
SIMILAR_LIMIT = 5
# What a short row of a question shows of it: its title, link and state (``_state_of``).
STATE_COLUMNS = (
    Question.id,
    Question.title,
    Question.slug,
    Question.kind,
    Question.status,
    Question.answer_count,
    Question.best_answer_id,
    Question.has_official_answer,
    Question.fixed_in,
)


@dataclass(frozen=True, slots=True)
class ResultRow(ShowsState):
    """A question as a row of the results page shows it: its title, state, place and
    counts; not its text, its author or its whole company."""

    id: int
    title: str
    slug: str
    kind: Kind
    status: Status
    fixed_in: str
    has_best_answer: bool
    has_official_answer: bool
    answer_count: int
    me_too_count: int
    last_activity_at: datetime
    company_slug: str
    company_name: str
    product_slug: str | None
    product_name: str | None


@dataclass(frozen=True)
class SearchHit:
    # A whole Question (the API, the widget) or a ResultRow (the results page).
    question: Any
    title_html: Markup
    snippet_html: Markup


@dataclass(frozen=True)
class SearchResults:
    text: str
    hits: list[SearchHit]
    page: int
    has_next: bool
    # True when the words typed leave nothing to look for (only stop words or exclusions).
    nothing_to_find: bool


@dataclass(frozen=True)
class SimilarQuestion(ShowsState):
    """A question offered as possibly the same: enough to show its title and state."""

    id: int
    title: str
    slug: str
    kind: Kind
    status: Status
    answer_count: int
    has_best_answer: bool
    has_official_answer: bool
    # "Solved in 4.2.1" in its badge, as the lists say it.
    fixed_in: str | None = None

    def as_json(self, url: str) -> dict[str, Any]:
        badge = self.state_badge
        return {
            "id": self.id,
            "title": self.title,
            "url": url,
            "kind": self.kind.value,
            "kind_label": self.kind.label,
            "status": self.status.value,
            "status_label": self.status.label,
            "answer_count": self.answer_count,
            # The count in the reader's words, for the ask page's script.
            "answers_label": self.kind.answer_count_text(self.answer_count),
            "has_best_answer": self.has_best_answer,
            "has_official_answer": self.has_official_answer,
            # Answered as the lists mark it: by a best or official answer, or by its staff.
            "answered": self.is_answered or self.status is Status.ANSWERED,
            # The one badge the lists show (app.questions.models.state_badge).
            "badge": {"state": badge.state, "text": badge.text, "icon": badge.icon},
        }


class CompanyChoice(NamedTuple):
    """A company as the search form's company filter offers it."""

    id: int
    slug: str
    name: str


def company_choices(limit: int) -> list[CompanyChoice]:
    """The ``limit`` companies with the most questions, as ``list_companies`` orders them:
    the columns the company filter shows (one statement)."""
    rows = db.session.execute(
        sa.select(Company.id, Company.slug, Company.name)
        .order_by(Company.question_count.desc(), Company.id.desc())
        .limit(limit)
    )
    return [CompanyChoice(*row) for row in rows]


def search_questions(
    text: str,
    *,
    company_id: int | None = None,
    product_id: int | None = None,
    kind: Kind | None = None,
    status: Status | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    as_rows: bool = False,
) -> SearchResults:
    """Questions matching ``text``, best first, with the matches highlighted.

    A title match ranks above a mention in the text, which ranks above a mention in
    an answer. Two statements; none at all when the text has nothing to look for.
    Each hit holds the whole ``Question`` with its author, company and product, or with
    ``as_rows`` (the results page) a ``ResultRow``: only the columns its row shows (the
    page spent more time loading whole questions, their Markdown and authors, than
    searching).
    """
    cleaned = search_query.clean(text)
    parsed = search_query.parse(cleaned)
    page = min(max(page, 1), MAX_PAGES)
    if parsed.is_empty:
        return SearchResults(cleaned, [], page, False, nothing_to_find=bool(cleaned))
    filters = Filters(
        company_id=company_id,
        product_id=product_id,
        kind=kind.value if kind is not None else None,
        status=status.value if status is not None else None,
    )
    hits = backend_for(db.session).search(
        db.session, parsed, filters, limit=per_page + 1, offset=(page - 1) * per_page
    )
    has_next = len(hits) > per_page and page < MAX_PAGES
    hits = hits[:per_page]
    load = _result_rows if as_rows else _questions_by_id
    questions: dict[int, Any] = load([hit.question_id for hit in hits])
    results = []
    for hit in hits:
        question = questions.get(hit.question_id)
        if question is None:  # deleted between the two statements
            continue
        results.append(
            SearchHit(
                question=question,
                title_html=highlight(hit.title)
                if has_match(hit.title)
                else highlight(question.title),
                snippet_html=highlight(_best_snippet(hit.body, hit.answers)),
            )
        )
    return SearchResults(cleaned, results, page, has_next, nothing_to_find=False)


def _best_snippet(body: str | None, answers: str | None) -> str:
    """The question's own text where it matches, else the answers', else its opening words."""
    for candidate in (body, answers):
        if has_match(candidate):
            return candidate or ""
    return body or answers or ""


def _questions_by_id(ids: list[int]) -> dict[int, Question]:
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Question)
        .options(
            joinedload(Question.author), joinedload(Question.company), joinedload(Question.product)
        )
        .where(Question.id.in_(ids), question_listed())
    ).scalars()
    return {question.id: question for question in rows}


def _result_rows(ids: list[int]) -> dict[int, ResultRow]:
    """The listed questions of ``ids`` as rows of the results page: one statement."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(
            *STATE_COLUMNS,
            Question.me_too_count,
            Question.last_activity_at,
            Company.slug.label("company_slug"),
            Company.name.label("company_name"),
            Product.slug.label("product_slug"),
            Product.name.label("product_name"),
        )
        .join(Company, Company.id == Question.company_id)
        .outerjoin(Product, Product.id == Question.product_id)
        .where(Question.id.in_(ids), question_listed())
    )
    return {
        row.id: ResultRow(
            **_state_of(row),
            me_too_count=row.me_too_count,
            last_activity_at=row.last_activity_at,
            company_slug=row.company_slug,
            company_name=row.company_name,
            product_slug=row.product_slug,
            product_name=row.product_name,
        )
        for row in rows
    }


def similar_questions(
    title: str,
    *,
    company_id: int | None = None,
    exclude_id: int | None = None,
    limit: int = SIMILAR_LIMIT,
    ignore: str = "",
) -> list[SimilarQuestion]:
    """Up to ``limit`` questions likely to be the same as one titled ``title``.

    Ranked by the telling words their titles share with ``title`` (a title says what a
    question is about; matching every text was slow on a large forum), optionally within
    one company; the words of ``ignore`` (the
    company's name, which says nothing within that company) do not count. One
    statement; none for a title with no telling words.
    """
    ignored = set(search_query.title_words(ignore))
    words = [word for word in search_query.title_words(title) if word not in ignored]
    if not words:
        return []
    rows = backend_for(db.session).similar(
        db.session,
        words,
        Filters(company_id=company_id, exclude_id=exclude_id),
        limit=max(1, min(limit, 20)),
    )
    return [_similar_from_row(row) for row in rows]


def _state_of(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "slug": row.slug,
        "kind": Kind(row.kind),
        "status": Status(row.status),
        "answer_count": row.answer_count,
        "has_best_answer": row.best_answer_id is not None,
        "has_official_answer": bool(row.has_official_answer),
        "fixed_in": row.fixed_in,
    }


def _similar_from_row(row: sa.Row[Any]) -> SimilarQuestion:
    return SimilarQuestion(**_state_of(row))


def related_questions(question: Question) -> list[SimilarQuestion]:
    """The questions stored as related to this one, in order (one statement).

    They were found when the question was asked or edited (``app.search.index``).
    """
    rows = db.session.execute(
        sa.select(*STATE_COLUMNS)
        .join(RelatedQuestion, RelatedQuestion.related_id == Question.id)
        .where(RelatedQuestion.question_id == question.id, question_listed())
        .order_by(RelatedQuestion.position)
    )
    return [_similar_from_row(row) for row in rows]
