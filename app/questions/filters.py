"""The filters of question lists (site-wide, per company, per product): kind, status,
"without any answer" and "without an official answer".

A GET form (nothing changes, no CSRF). The filters travel in the page's links with
the sort and the cursor, so every page of a filtered list has a stable address;
``read_question_list`` reads all three from a list page's query string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from app.errors import DomainError
from app.i18n import _l
from app.pagination import BAD_PAGE_LINK, BadCursor, Page, cursor_from
from app.questions.models import KIND_LABELS, STATUS_LABELS, Kind, Question, Status
from app.questions.queries import Sort, list_questions

ANY = ""


class Answers(StrEnum):
    """Which questions to show by their answers."""

    ANY = ""
    UNANSWERED = "unanswered"
    NO_OFFICIAL = "no_official"

    @property
    def label(self) -> str:
        return str(ANSWERS_LABELS[self])


ANSWERS_LABELS = {
    Answers.ANY: _l("With or without answers"),
    Answers.UNANSWERED: _l("Without any answer"),
    Answers.NO_OFFICIAL: _l("Without an official answer"),
}


def kind_filter() -> SelectField:
    """A "Kind" select of a filter form: all kinds, or one (question lists, search,
    the staff's "Waiting for an answer" page)."""
    return SelectField(
        _l("Kind"),
        choices=[SelectChoice(ANY, _l("All kinds"))]
        + [SelectChoice(kind.value, KIND_LABELS[kind]) for kind in Kind],
        default=ANY,
        invalid_choice_message=_l("Choose one of: question, problem, idea or praise, or all."),
    )


def status_filter() -> SelectField:
    """A "Status" select of a filter form: any status, or one."""
    return SelectField(
        _l("Status"),
        choices=[SelectChoice(ANY, _l("Any status"))]
        + [SelectChoice(status.value, STATUS_LABELS[status]) for status in Status],
        default=ANY,
        invalid_choice_message=_l("Choose one of the statuses listed, or any."),
    )


class ListFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = kind_filter()
    status = status_filter()
    answers = SelectField(
        _l("Answers"),
        choices=[SelectChoice(choice.value, ANSWERS_LABELS[choice]) for choice in Answers],
        default=ANY,
        invalid_choice_message=_l("Choose one of the answer filters listed."),
    )


@dataclass(frozen=True)
class ListFilters:
    """What ``list_questions`` takes, read from a valid form."""

    kind: Kind | None = None
    status: Status | None = None
    unanswered: bool = False
    no_official_answer: bool = False

    @property
    def active(self) -> bool:
        return bool(self.kind or self.status or self.unanswered or self.no_official_answer)

    def as_arguments(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "status": self.status,
            "unanswered": self.unanswered,
            "no_official_answer": self.no_official_answer,
        }


def read_filters(args: Mapping[str, str]) -> tuple[ListFilterForm, ListFilters | None]:
    """The filter form filled from the query string, and the filters (``None`` if invalid)."""
    form = ListFilterForm(formdata=args)
    if not form.validate():
        return form, None
    answers = Answers(form.answers.data or ANY)
    return form, ListFilters(
        kind=Kind(form.kind.data) if form.kind.data else None,
        status=Status(form.status.data) if form.status.data else None,
        unanswered=answers is Answers.UNANSWERED,
        no_official_answer=answers is Answers.NO_OFFICIAL,
    )


def sort_from(args: Mapping[str, str]) -> Sort:
    """The question sort a list asks for; an unknown one falls back to recent activity."""
    try:
        return Sort(args.get("sort", Sort.ACTIVE.value))
    except ValueError:
        return Sort.ACTIVE


@dataclass(frozen=True)
class QuestionList:
    """A question list as its page's query string asks for it.

    ``questions`` is ``None`` when the filters are not valid: the page then shows the
    filter form with the reason at the field, and no list.
    """

    questions: Page[Question] | None
    sort: Sort
    filter_form: ListFilterForm
    filters: ListFilters | None

    @property
    def status(self) -> int:
        """The page's HTTP status: 422 while the filters are not valid."""
        return 200 if self.filters is not None else 422

    def template_args(self) -> dict[str, Any]:
        """What a list template takes: the questions, the sort tabs and the filter form."""
        return {
            "questions": self.questions,
            "sort": self.sort,
            "sorts": list(Sort),
            "filter_form": self.filter_form,
            "filters": self.filters,
        }


def read_question_list(
    args: Mapping[str, str],
    *,
    company_id: int | None = None,
    product_id: int | None = None,
) -> QuestionList:
    """The page of questions a list's query string asks for: sort, filters and cursor.

    Site-wide, or one company's or one product's questions. An unknown sort falls back to
    recent activity; filters that are not valid give no list (and run no SELECT); a cursor
    this server did not issue is refused with ``BAD_PAGE_LINK`` (a 400). One SELECT.
    """
    sort = sort_from(args)
    filter_form, filters = read_filters(args)
    questions = None
    if filters is not None:
        try:
            questions = list_questions(
                company_id=company_id,
                product_id=product_id,
                sort=sort,
                cursor=cursor_from(args),
                limit=current_app.config["PAGE_SIZE"],
                **filters.as_arguments(),
            )
        except BadCursor:
            raise DomainError(BAD_PAGE_LINK) from None
    return QuestionList(questions, sort, filter_form, filters)
