"""What every HTML form shares: showing a service's refusal where the user looks."""

from __future__ import annotations

from flask_wtf import FlaskForm

from app.errors import DomainError


def show_errors(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal next to the fields it names; anything else above the form.

    What the user typed stays in the form: only the error messages are added.
    """
    form.form_errors = list(form.form_errors)
    for name, why in error.fields.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(why)
        else:
            field.errors = [*field.errors, why]
    if not error.fields and error.message:
        form.form_errors.append(error.message)
