"""Forms of flags: reporting a post, and a moderator's decision in the review queue.
Parsing only; the services decide (app/moderation/flags.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.i18n import _l
from app.moderation.flag_models import REASON_LABELS


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class FlagForm(FlaskForm):
    """Report a question or an answer: a reason, a note, the original of a duplicate."""

    # The service checks the reason (and says so at the field), so a missing or forged
    # choice is a field message, never a 400.
    reason = RadioField(
        _l("Why should a moderator look at it?"),
        choices=[SelectChoice(reason.value, label) for reason, label in REASON_LABELS.items()],
        validate_choice=False,
    )
    note = TextAreaField(_l("Note"), filters=[_strip])
    duplicate_of = StringField(
        _l("The original question"),
        filters=[_strip],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "inputmode": "url"},
    )


HIDE, DISMISS = "hide", "dismiss"


class FlagDecisionForm(FlaskForm):
    """Hide the post with a reason the author sees, or dismiss the flags. Each queue row has
    its own form, told apart by a prefix (``flag-<id>-``), so field ids stay unique."""

    # Set by the button pressed; the service checks it.
    action = StringField()
    note = TextAreaField(_l("Reason or note"), filters=[_strip])


def decision_form(flagged_id: int, **kwargs: object) -> FlagDecisionForm:
    return FlagDecisionForm(prefix=f"flag-{flagged_id}", **kwargs)
