"""The form to register a webhook endpoint: parsing only; the services decide."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.companies.staff_forms import no_nul, strip
from app.webhooks.models import EVENT_LABELS, EVENTS, URL_MAX


class EndpointForm(FlaskForm):
    url = StringField(
        "Endpoint URL",
        filters=[strip],
        validators=[
            DataRequired("Enter the address, starting with https://."),
            no_nul,
            Length(max=URL_MAX, message=f"Use at most {URL_MAX:,} characters."),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "inputmode": "url"},
    )
    events = SelectMultipleField(
        "Events",
        choices=[SelectChoice(event, EVENT_LABELS[event]) for event in EVENTS],
        validators=[DataRequired("Choose at least one event.")],
        validate_choice=False,  # the service names the events it knows
    )
