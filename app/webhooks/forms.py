"""The form to register a webhook endpoint: parsing only; the services decide."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.companies.staff_forms import at_most, no_nul, strip
from app.i18n import _l
from app.webhooks.models import EVENT_LABELS, EVENTS, URL_MAX


class EndpointForm(FlaskForm):
    url = StringField(
        _l("Endpoint URL"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the address, starting with https://.")),
            no_nul,
            Length(max=URL_MAX, message=at_most(URL_MAX)),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "inputmode": "url"},
    )
    events = SelectMultipleField(
        _l("Events"),
        choices=[SelectChoice(event, EVENT_LABELS[event]) for event in EVENTS],
        validators=[DataRequired(_l("Choose at least one event."))],
        validate_choice=False,  # the service names the events it knows
    )
