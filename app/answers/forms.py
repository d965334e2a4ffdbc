"""Forms for answers and the buttons on them (helpful, best answer, endorse).

The forms give quick, friendly messages; the services check everything again.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from app.answers.models import BODY_MAX
from app.db import MAX_ID
from app.i18n import _, _l
from app.questions.forms import (
    lazy_with_number,
    no_nul,
    private_details_field,
    private_details_label,
    strip,
)
from app.uploads.forms import IMAGES_LABEL, PRIVATE_IMAGES_LABEL, images_field


class AnswerForm(FlaskForm):
    """Post or edit an answer; the company's staff may add private details for the asker."""

    body = TextAreaField(
        _l("Your answer"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please write your answer first.")),
            no_nul,
            Length(
                max=BODY_MAX,
                message=lazy_with_number(
                    lambda count: _("An answer can be at most %(count)s characters.", count=count),
                    BODY_MAX,
                ),
            ),
        ],
    )
    private_details = private_details_field()
    images = images_field(IMAGES_LABEL)
    private_images = images_field(PRIVATE_IMAGES_LABEL)

    def set_company(self, company: Any) -> None:
        """Name who reads the private details."""
        self.private_details.label.text = private_details_label(company, writer_is_asker=False)

    def set_kind(self, kind: Any) -> None:
        """ "Your answer", or "Your reply" under an idea or praise (``Kind.answer_field_label``)."""
        self.body.label.text = kind.answer_field_label


class HelpfulForm(FlaskForm):
    """The "helpful" button: ``add`` or ``remove``."""

    action = HiddenField(validators=[AnyOf(["add", "remove"])])


class BestAnswerForm(FlaskForm):
    """Choose an answer as the best one (``answer_id``), or ``action=clear`` to unmark it."""

    answer_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    action = HiddenField(default="choose", validators=[AnyOf(["choose", "clear"])])

    def wants_clear(self) -> bool:
        return self.action.data == "clear"


class EndorseForm(FlaskForm):
    """The company's "endorse" button on a peer answer: ``add`` or ``remove``."""

    action = HiddenField(validators=[AnyOf(["add", "remove"])])
