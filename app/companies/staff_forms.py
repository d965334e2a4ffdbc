"""Forms for the staff pages: parsing only; the staff services decide what is allowed."""

from __future__ import annotations

from typing import Any

from flask_babel import format_number
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from app.companies.models import EMAIL_MAX, TITLE_MAX, StaffRole
from app.db import MAX_ID
from app.i18n import LazyText, _, _l


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def at_most(limit: int) -> LazyText:
    """A length validator's message, made when the form is read: the limit is written as
    the reader writes numbers ("2,000", "2.000")."""
    return LazyText(lambda: _("Use at most %(num)s characters.", num=format_number(limit)))


def no_nul(form: FlaskForm, field: Any) -> None:
    """NUL characters are refused with a message, never stored and never a 500."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise FieldError(_("This cannot contain NUL characters."))


ROLE_CHOICES = [
    SelectChoice(
        StaffRole.AGENT.value, _l("Agent: answers officially, endorses answers, sets statuses")
    ),
    SelectChoice(
        StaffRole.ADMIN.value,
        _l("Admin: also edits the company page and its products, and manages staff"),
    ),
]


class InviteForm(FlaskForm):
    """Invite someone to a company's staff: their work e-mail and their role."""

    email = EmailField(
        _l("Work e-mail"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the work e-mail address of the person to invite.")),
            no_nul,
            Length(max=EMAIL_MAX, message=at_most(EMAIL_MAX)),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    role = RadioField(
        _l("Role"),
        choices=ROLE_CHOICES,
        default=StaffRole.AGENT.value,
        validate_choice=True,
    )


class TitleForm(FlaskForm):
    """A staff member's public title; ``user_id`` names whose (the signed-in user's when
    left out), since a company's admins may set it for their staff too."""

    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[
            Optional(),
            no_nul,
            Length(max=TITLE_MAX, message=at_most(TITLE_MAX)),
        ],
    )
    user_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])


class JoinForm(FlaskForm):
    """The "Join Acme" button on an invitation page; the link's token rides along."""

    # Any length: the service reads it and explains what is wrong with a bad one.
    token = HiddenField(validators=[DataRequired()])
