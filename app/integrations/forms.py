"""The company admin's integration forms (issue 15)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from app.companies.services import WIDGET_ORIGIN_MAX, WIDGET_ORIGINS_MAX
from app.companies.staff_forms import at_most
from app.i18n import _l

ORIGINS_TEXT_MAX = (WIDGET_ORIGIN_MAX + 1) * WIDGET_ORIGINS_MAX


class SsoSecretForm(FlaskForm):
    """Create (or replace) the SSO secret: a button, and CSRF."""


class WidgetOriginsForm(FlaskForm):
    """The origins allowed to frame the widget, one a line."""

    widget_origins = TextAreaField(
        _l("Sites that may show the widget (one origin a line, like https://shop.example)"),
        validators=[Length(max=ORIGINS_TEXT_MAX, message=at_most(ORIGINS_TEXT_MAX))],
    )

    def origins(self) -> list[str]:
        return (self.widget_origins.data or "").split()
