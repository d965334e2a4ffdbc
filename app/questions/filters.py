"""The filters of question lists (site-wide, per company, per product): kind, status,
"without any answer" and "without an official answer".

A GET form (nothing changes, no CSRF). The filters travel in the page's links with
the sort and the cursor, so every page of a filtered list has a stable address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from app.questions.models import Kind, Status

ANY = ""


class Answers(StrEnum):
    """Which questions to show by their answers."""

    ANY = ""
    UNANSWERED = "unanswered"
    NO_OFFICIAL = "no_official"

    @property
    def label(self) -> str:
        return ANSWERS_LABELS[self]


ANSWERS_LABELS = {
    Answers.ANY: "With or without answers",
    Answers.UNANSWERED: "Without any answer",
    Answers.NO_OFFICIAL: "Without an official answer",
}


class ListFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(
        "Kind",
        choices=[SelectChoice(ANY, "All kinds")]
        + [SelectChoice(kind.value, kind.label) for kind in Kind],
        default=ANY,
        invalid_choice_message="Choose one of: question, problem, idea or praise, or all.",
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice(ANY, "Any status")]
        + [SelectChoice(status.value, status.label) for status in Status],
        default=ANY,
        invalid_choice_message="Choose one of the statuses listed, or any.",
    )
    answers = SelectField(
        "Answers",
        choices=[SelectChoice(choice.value, choice.label) for choice in Answers],
        default=ANY,
        invalid_choice_message="Choose one of the answer filters listed.",
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
