"""What every HTML form shares: showing a service's refusal where the user looks."""

from __future__ import annotations

from flask_wtf import FlaskForm

from app.errors import DomainError, RateLimited


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


def refused(error: DomainError) -> tuple[int, dict[str, str]]:
    """The status and headers of a form shown again after a service refused it: the
    error's own status (422, 409…), and for a limit on writing 429 with ``Retry-After``."""
    if isinstance(error, RateLimited):
        return error.status, {"Retry-After": str(error.retry_after)}
    return error.status, {}
