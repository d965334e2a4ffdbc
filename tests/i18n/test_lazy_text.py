"""Lazy translations (app.i18n._l) escape themselves: a label, hint or error made at import
time reaches the page as text, whatever its translation holds."""

from __future__ import annotations

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from app.i18n import LazyText

HOSTILE = 'Say "hi" <b>now</b>'


def test_lazy_labels_hints_and_errors_are_escaped_in_the_field_macro(app):
    hostile = LazyText(lambda: HOSTILE)

    class Form(FlaskForm):
        name = StringField(hostile, validators=[DataRequired(hostile)])

    with app.test_request_context(method="POST", data={"name": ""}):
        form = Form(meta={"csrf": False})
        assert not form.validate()
        html = render_template_string(
            '{% from "_macros/forms.html" import field %}{{ field(form.name, hint=hint) }}',
            form=form,
            hint=hostile,
        )

    assert "<b>" not in html
    escaped = "Say &#34;hi&#34; &lt;b&gt;now&lt;/b&gt;"
    assert html.count(escaped) == 3  # the label, the hint, the error
