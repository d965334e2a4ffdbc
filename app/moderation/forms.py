"""Forms of the site admin pages: parsing only; the services decide."""

from __future__ import annotations

import re

from flask_babel import format_number
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SearchField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, NumberRange, Optional

from app.accounts.models import REASON_MAX, USERNAME_MAX
from app.companies.models import NOTE_MAX, SLUG_MAX
from app.db import MAX_ID
from app.i18n import LazyText, _, _l

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
        validators=[AnyOf([APPROVE, REJECT], message=_l("Choose approve or reject."))]
    )
    note = TextAreaField(
        _l("Note"),
        filters=[_strip],
        validators=[
            Length(
                max=NOTE_MAX,
                message=LazyText(
                    lambda: _("Use at most %(num)s characters.", num=format_number(NOTE_MAX))
                ),
            )
        ],
    )


def decision_form(claim_id: int, **kwargs: object) -> ClaimDecisionForm:
    return ClaimDecisionForm(prefix=f"claim-{claim_id}", **kwargs)


class AuditFilterForm(FlaskForm):
    """The company filter of the audit log (a GET form: nothing changes, no CSRF)."""

    class Meta:
        csrf = False

    company = SearchField(
        _l("Company address name"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=SLUG_MAX,
                message=LazyText(
                    lambda: _("Use at most %(num)s characters.", num=format_number(SLUG_MAX))
                ),
            ),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )


class MergeForm(FlaskForm):
    """Merge a question into an earlier one: the original's address, or its number. What
    was typed stays in the field when the service refuses it."""

    into = StringField(
        _l("Merge into…"),
        filters=[_strip],
        validators=[Length(max=2000, message=_l("Paste the original question's address."))],
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

    reason = TextAreaField(_l("Reason"))


def _without_at(value: str | None) -> str | None:
    return value.removeprefix("@") if isinstance(value, str) else value


class GrantModeratorForm(FlaskForm):
    """Grant the moderator role to an account, named by its @username."""

    username = StringField(
        _l("Username"),
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
        _l("Number of days"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=SUSPENSION_DAYS_MAX,
                message=LazyText(
                    lambda: _(
                        "Use a whole number from 1 to %(max)s.",
                        max=format_number(SUSPENSION_DAYS_MAX),
                    )
                ),
            ),
        ],
        render_kw={"min": 1, "max": SUSPENSION_DAYS_MAX, "inputmode": "numeric"},
    )
    forever = BooleanField(_l("For good"))
    reason = TextAreaField(
        _l("Public reason"),
        filters=[_strip],
        render_kw={"required": True, "maxlength": REASON_MAX, "rows": 3},
    )
    delete_spammer = BooleanField(
        _l(
            "Delete spammer: suspend for good, hide every post of the account and refuse its "
            "e-mail address for new accounts"
        )
    )
