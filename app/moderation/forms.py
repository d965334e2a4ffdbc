"""Forms of the site admin pages: parsing only; the services decide."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SearchField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, NumberRange, Optional

from app.accounts.models import REASON_MAX, USERNAME_MAX
from app.companies.models import NOTE_MAX, SLUG_MAX
from app.db import MAX_ID

# "123", "#123", or an address whose path holds /questions/123.
_QUESTION_REFERENCE = re.compile(r"^#?(\d{1,19})$|/questions/(\d{1,19})(?:[/?#]|$)")


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


class MergeForm(FlaskForm):
    """Merge a question into an earlier one: the original's address, or its number. What
    was typed stays in the field when the service refuses it."""

    into = StringField(
        "Merge into…",
        filters=[_strip],
        validators=[Length(max=2000, message="Paste the original question's address.")],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "inputmode": "url"},
    )


def question_id_in(value: str | None) -> int | None:
    """The question id a typed value names: ``123``, ``#123``, or a question's address
    (``https://…/questions/123/some-title``, or its path); None for anything else."""
    if not value:
        return None
    found = _QUESTION_REFERENCE.search(value)
    if found is None:
        return None
    number = int(found.group(1) or found.group(2))
    return number if 1 <= number <= MAX_ID else None


class ReasonForm(FlaskForm):
    """A moderator's hide or lock, with the public reason (the service checks it: visible
    text, at most ``REASON_MAX`` characters). Restoring and unlocking send no reason: the
    same form, its field left empty, carries their CSRF token."""

    reason = TextAreaField("Reason")


def _without_at(value: str | None) -> str | None:
    return value.removeprefix("@") if isinstance(value, str) else value


class GrantModeratorForm(FlaskForm):
    """Grant the moderator role to an account, named by its @username."""

    username = StringField(
        "Username",
        filters=[
            _strip,
            lambda value: value.removeprefix("@") if isinstance(value, str) else value,
        ],
        render_kw={
            "required": True,
            "maxlength": USERNAME_MAX + 1,
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


SUSPENSION_DAYS_MAX = 3650


class SuspendForm(FlaskForm):
    """Suspend an account for a number of days or for good, with a public reason; or delete
    a spammer (for good, every post hidden, the address refused)."""

    days = IntegerField(
        "Number of days",
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=SUSPENSION_DAYS_MAX,
                message=f"Use a whole number from 1 to {SUSPENSION_DAYS_MAX:,}.",
            ),
        ],
        render_kw={"min": 1, "max": SUSPENSION_DAYS_MAX, "inputmode": "numeric"},
    )
    forever = BooleanField("For good")
    reason = TextAreaField(
        "Public reason",
        filters=[_strip],
        render_kw={"required": True, "maxlength": REASON_MAX, "rows": 3},
    )
    delete_spammer = BooleanField(
        "Delete spammer: suspend for good, hide every post of the account and refuse its "
        "e-mail address for new accounts"
    )
