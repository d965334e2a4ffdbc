"""Forms: the follow button, marking read, the e-mail settings, the unsubscribe button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from app.i18n import _l
from app.notifications.models import CATEGORY_LABELS, EMAIL_CHOICE_LABELS, Category, EmailChoice

CHOICE_MESSAGE = _l("Choose right away, daily digest or never.")


class FollowForm(FlaskForm):
    """The follow button: ``add`` or ``remove``."""

    action = HiddenField(validators=[AnyOf(["add", "remove"])])


class ActionForm(FlaskForm):
    """A button that posts nothing but its CSRF token (mark read, unsubscribe)."""


def _email_field(category: Category) -> RadioField:
    return RadioField(
        CATEGORY_LABELS[category],  # lazy: the reader's language, not the import's
        choices=[SelectChoice(choice.value, EMAIL_CHOICE_LABELS[choice]) for choice in EmailChoice],
        invalid_choice_message=CHOICE_MESSAGE,
    )


class SettingsForm(FlaskForm):
    """One choice per category that Helpsquare e-mails about (claims and invitations are
    e-mailed on their own and have none)."""

    my_questions = _email_field(Category.MY_QUESTIONS)
    followed_questions = _email_field(Category.FOLLOWED_QUESTIONS)
    my_answers = _email_field(Category.MY_ANSWERS)
    status_changes = _email_field(Category.STATUS_CHANGES)
    new_questions = _email_field(Category.NEW_QUESTIONS)

    def choice_fields(self) -> list[tuple[Category, RadioField]]:
        return [
            (category, self[category.value])
            for category in Category
            if not category.emailed_separately
        ]

    def fill(self, preferences: dict[Category, EmailChoice]) -> None:
        """Show the current choices (on a GET)."""
        for category, field in self.choice_fields():
            field.data = preferences[category].value

    def choices(self) -> dict[Category, str]:
        return {category: field.data for category, field in self.choice_fields()}
