"""Forms of the site admin pages: parsing only; the services decide."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SearchField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional

from app.companies.models import NOTE_MAX, SLUG_MAX


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


APPROVE, REJECT = "approve", "reject"


class ClaimDecisionForm(FlaskForm):
    """Approve or reject one claim, with a note. Each queue row has its own form, told
    apart by a prefix (``claim-<id>-``), so field ids stay unique on the page."""

    # Set by the button pressed: one form, two buttons, no JavaScript needed.
    decision = StringField(
        validators=[AnyOf([APPROVE, REJECT], message="Choose approve or reject.")]
    )
    note = TextAreaField(
        "Note",
        filters=[_strip],
        validators=[Length(max=NOTE_MAX, message=f"Use at most {NOTE_MAX:,} characters.")],
    )


def decision_form(claim_id: int, **kwargs: object) -> ClaimDecisionForm:
    return ClaimDecisionForm(prefix=f"claim-{claim_id}", **kwargs)


class AuditFilterForm(FlaskForm):
    """The company filter of the audit log (a GET form: nothing changes, no CSRF)."""

    class Meta:
        csrf = False

    company = SearchField(
        "Company address name",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=SLUG_MAX, message=f"Use at most {SLUG_MAX} characters."),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )


class ReasonForm(FlaskForm):
    """A moderator's hide or lock, with the public reason (the service checks it: visible
    text, at most ``REASON_MAX`` characters). Restoring and unlocking send no reason: the
    same form, its field left empty, carries their CSRF token."""

    reason = TextAreaField("Reason")
