"""Forms for product pages: parsing only; the services decide what is allowed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.products.models import DESCRIPTION_MAX, NAME_MAX, NAME_MIN


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ProductForm(FlaskForm):
    """Add or edit a product: its name and a short description."""

    name = StringField(
        "Product name",
        filters=[_strip],
        validators=[
            DataRequired("Enter a name."),
            Length(min=NAME_MIN, max=NAME_MAX, message=f"Use {NAME_MIN} to {NAME_MAX} characters."),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=DESCRIPTION_MAX, message=f"Use at most {DESCRIPTION_MAX:,} characters."),
        ],
    )
