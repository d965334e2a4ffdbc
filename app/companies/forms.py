"""Forms for company pages: parsing only; the services decide what is allowed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SearchField, StringField, TextAreaField, URLField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.companies.models import DESCRIPTION_MAX, NAME_MAX, NAME_MIN, WEBSITE_MAX
from app.uploads.forms import LOGO_LABEL
from app.uploads.images import ACCEPT


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _drop_nul(value: str | None) -> str | None:
    return value.replace("\x00", "") if isinstance(value, str) else value


NAME_LENGTH = Length(
    min=NAME_MIN, max=NAME_MAX, message=f"Use {NAME_MIN} to {NAME_MAX} characters."
)
DESCRIPTION_LENGTH = Length(
    max=DESCRIPTION_MAX, message=f"Use at most {DESCRIPTION_MAX:,} characters."
)


class CompanyForm(FlaskForm):
    """Add a company: its name, web domain and a short description."""

    name = StringField(
        "Company name", filters=[_strip], validators=[DataRequired("Enter a name."), NAME_LENGTH]
    )
    domain = StringField(
        "Web domain",
        filters=[_strip],
        # A pasted address (https://www.acme.com/about) is accepted and trimmed to the domain.
        validators=[
            DataRequired("Enter the company's web domain, like acme.com."),
            Length(max=WEBSITE_MAX, message="That is too long for a web domain."),
        ],
        render_kw={"inputmode": "url", "autocapitalize": "none", "spellcheck": "false"},
    )
    description = TextAreaField(
        "Description (optional)", filters=[_strip], validators=[Optional(), DESCRIPTION_LENGTH]
    )


class CompanyEditForm(FlaskForm):
    """Edit a company's profile: its description and web address."""

    description = TextAreaField(
        "Description", filters=[_strip], validators=[Optional(), DESCRIPTION_LENGTH]
    )
    website = URLField(
        "Website (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=WEBSITE_MAX, message=f"Use at most {WEBSITE_MAX} characters."),
        ],
    )


class CompanySearchForm(FlaskForm):
    """The name filter on the company list (a GET form: nothing changes, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(
        "Company name",
        # A NUL byte cannot be part of any name; dropping it keeps the search harmless.
        filters=[_drop_nul, _strip],
        validators=[
            Optional(),
            Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters."),
        ],
    )


class LogoForm(FlaskForm):
    """Upload the company's logo (``action=upload``) or take it away (``action=remove``)."""

    logo = FileField(LOGO_LABEL, render_kw={"accept": ACCEPT})
    action = HiddenField(default="upload", validators=[AnyOf(["upload", "remove"])])
