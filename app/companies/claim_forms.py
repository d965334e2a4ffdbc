"""Forms of the claim pages: parsing only; ``app.companies.claims`` decides what is allowed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField
from wtforms.validators import DataRequired, Length

from app.companies.models import EMAIL_MAX
from app.companies.staff_forms import at_most
from app.i18n import _l
from app.tokens import TOKEN_MAX


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ClaimForm(FlaskForm):
    """Ask to claim a company: the work e-mail the verification link goes to.

    No validators beyond a length cap: the service checks the address against the
    company's domain and puts its reason at this field.
    """

    work_email = EmailField(
        _l("Your work e-mail"),
        filters=[_strip],
        validators=[Length(max=EMAIL_MAX, message=at_most(EMAIL_MAX))],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "maxlength": EMAIL_MAX},
    )


class VerifyClaimForm(FlaskForm):
    """The button on the verification page; the link's token travels in a hidden field."""

    token = HiddenField(validators=[DataRequired(), Length(max=TOKEN_MAX)])
