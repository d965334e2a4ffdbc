"""The champions page's form: parsing only; ``app.reputation.champions`` decides."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.accounts.models import USERNAME_MAX
from app.i18n import _l


def _username(value: Any) -> Any:
    """ "@Ada " names @ada: the at sign and spaces are how people write a username."""
    return value.strip().removeprefix("@").strip().lower() if isinstance(value, str) else value


class NameChampionForm(FlaskForm):
    """Name a champion of the company, by username."""

    username = StringField(
        _l("Username"),
        filters=[_username],
        validators=[
            DataRequired(_l("Enter the username of the person to name, like @ada.")),
            Length(max=USERNAME_MAX, message=_l("A username has at most %(max)d characters.")),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "autocomplete": "off"},
    )
