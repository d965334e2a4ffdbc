"""Forms for product pages: parsing only; the services decide what is allowed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.i18n import _, _l
from app.products.models import DESCRIPTION_MAX, NAME_MAX, NAME_MIN
from app.questions.forms import lazy_with_number


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ProductForm(FlaskForm):
    """Add or edit a product: its name and a short description."""

    name = StringField(
        _l("Product name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(min=NAME_MIN, max=NAME_MAX, message=_l("Use %(min)d to %(max)d characters.")),
        ],
    )
    description = TextAreaField(
        _l("Description (optional)"),
        # The hint the page shows under the field.
        description=lazy_with_number(
            lambda count: _("Plain text, up to %(count)s characters.", count=count),
            DESCRIPTION_MAX,
        ),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=DESCRIPTION_MAX,
                message=lazy_with_number(
                    lambda count: _("Use at most %(count)s characters.", count=count),
                    DESCRIPTION_MAX,
                ),
            ),
        ],
    )
