"""Forms for company pages: parsing only; the services decide what is allowed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SearchField, StringField, TextAreaField, URLField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.companies.models import DESCRIPTION_MAX, NAME_MAX, NAME_MIN, WEBSITE_MAX
from app.companies.staff_forms import at_most
from app.i18n import _l
from app.uploads.forms import LOGO_LABEL
from app.uploads.images import ACCEPT


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _drop_nul(value: str | None) -> str | None:
    return value.replace("\x00", "") if isinstance(value, str) else value


NAME_LENGTH = Length(
    min=NAME_MIN,
    max=NAME_MAX,
    message=_l("Use %(low)s to %(high)s characters.", low=NAME_MIN, high=NAME_MAX),
)
DESCRIPTION_LENGTH = Length(max=DESCRIPTION_MAX, message=at_most(DESCRIPTION_MAX))


class CompanyForm(FlaskForm):
    """Add a company: its name, web domain and a short description."""

    name = StringField(
        _l("Company name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter a name.")), NAME_LENGTH],
    )
    domain = StringField(
        _l("Web domain"),
        filters=[_strip],
        # A pasted address (https://www.acme.com/about) is accepted and trimmed to the domain.
        validators=[
            DataRequired(_l("Enter the company's web domain, like acme.com.")),
            Length(max=WEBSITE_MAX, message=_l("That is too long for a web domain.")),
        ],
        render_kw={"inputmode": "url", "autocapitalize": "none", "spellcheck": "false"},
    )
    description = TextAreaField(
        _l("Description (optional)"),
        filters=[_strip],
        validators=[Optional(), DESCRIPTION_LENGTH],
    )


class CompanyEditForm(FlaskForm):
    """Edit a company's profile: its description and web address."""

    description = TextAreaField(
        _l("Description"), filters=[_strip], validators=[Optional(), DESCRIPTION_LENGTH]
    )
    website = URLField(
        _l("Website (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=WEBSITE_MAX, message=at_most(WEBSITE_MAX)),
        ],
    )


class CompanySearchForm(FlaskForm):
    """The name filter on the company list (a GET form: nothing changes, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Company name"),
        # A NUL byte cannot be part of any name; dropping it keeps the search harmless.
        filters=[_drop_nul, _strip],
        validators=[
            Optional(),
            Length(max=NAME_MAX, message=at_most(NAME_MAX)),
        ],
    )


class LogoForm(FlaskForm):
    """Upload the company's logo (``action=upload``) or take it away (``action=remove``)."""

    logo = FileField(LOGO_LABEL, render_kw={"accept": ACCEPT})
    action = HiddenField(default="upload", validators=[AnyOf(["upload", "remove"])])
