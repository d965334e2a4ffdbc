"""Forms for asking and editing questions, the "me too" button, statuses and the
"Waiting for an answer" filters.

The forms give quick, friendly messages; the services check everything again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import format_number
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length
from wtforms.validators import ValidationError as FieldError

from app.i18n import LazyText, _, _l
from app.questions.filters import kind_filter
from app.questions.models import (
    BODY_MAX,
    FEELING_LABELS,
    FIXED_IN_MAX,
    KIND_LABELS,
    PRIVATE_DETAILS_MAX,
    TITLE_MAX,
    TITLE_MIN,
    VERSION_MAX,
    Feeling,
    Kind,
    Question,
)
from app.uploads.forms import IMAGES_LABEL, PRIVATE_IMAGES_LABEL, images_field

NO_PRODUCT = ""
ANY_PRODUCT = _l("The company in general")
NO_FEELING = ""
MARKDOWN_HINT = _l(
    "Markdown works: **bold**, *italic*, [a link](https://example.com), lists, `code` and > quotes."
)


def lazy_with_number(message: Callable[[str], str], number: int) -> LazyText:
    """A message made at import time (a validator's) that holds a number: translated, and
    the number written the reader's way ("20,000", "20.000"), when it is shown."""
    return LazyText(lambda: message(format_number(number)))


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def no_nul(form: FlaskForm, field: Any) -> None:
    """NUL characters are refused with a message, never stored and never a 500."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise FieldError(_("This cannot contain NUL characters."))


def _title_field() -> StringField:
    return StringField(
        _l("Title"),
        filters=[strip],
        validators=[
            DataRequired(_l("Give your question a title.")),
            no_nul,
            Length(
                min=TITLE_MIN,
                max=TITLE_MAX,
                message=_l("The title needs %(min)d to %(max)d characters."),
            ),
        ],
    )


def _body_field(label: Any) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip],
        validators=[
            DataRequired(_l("Please write a few words.")),
            no_nul,
            Length(
                max=BODY_MAX,
                message=lazy_with_number(
                    lambda count: _("This can be at most %(count)s characters.", count=count),
                    BODY_MAX,
                ),
            ),
        ],
    )


def private_details_field() -> TextAreaField:
    """Private details: optional Markdown; the view names their readers in the label
    (``private_details_label``), the service decides whether they may be given."""
    return TextAreaField(
        _l("Private details"),
        filters=[strip],
        validators=[
            no_nul,
            Length(
                max=PRIVATE_DETAILS_MAX,
                message=lazy_with_number(
                    lambda count: _(
                        "Private details can be at most %(count)s characters.", count=count
                    ),
                    PRIVATE_DETAILS_MAX,
                ),
            ),
        ],
    )


def private_details_label(company: Any, *, writer_is_asker: bool) -> str:
    """Who reads them, said where they are typed."""
    if writer_is_asker:
        return _(
            "Private details (only you, %(company)s staff and moderators can see this)",
            company=company.name,
        )
    return _(
        "Private details (only the asker, %(company)s staff and moderators can see this)",
        company=company.name,
    )


PRIVATE_DETAILS_HINT = _l(
    "Optional: an order number, your account's e-mail, logs. Kept out of the public page, "
    "search, feeds and e-mails. Markdown works."
)
ANSWER_PRIVATE_DETAILS_HINT = _l(
    "Optional, for the asker: a refund reference, what you found in their account. Kept out "
    "of the public page, search, feeds and e-mails. Markdown works."
)


class AskForm(FlaskForm):
    """Ask a company; the view fills ``product.choices`` with the company's products."""

    kind = RadioField(
        _l("What is it?"),
        choices=[SelectChoice(kind.value, KIND_LABELS[kind]) for kind in Kind],
        default=Kind.QUESTION.value,
        invalid_choice_message=_l("Choose one of: question, problem, idea or praise."),
    )
    product = SelectField(
        _l("Product"),
        choices=[SelectChoice(NO_PRODUCT, ANY_PRODUCT)],
        default=NO_PRODUCT,
        invalid_choice_message=_l("Choose one of this company's products, or none."),
    )
    feeling = SelectField(
        _l("How does it make you feel?"),
        choices=[SelectChoice(NO_FEELING, _l("Rather not say"))]
        + [SelectChoice(feeling.value, FEELING_LABELS[feeling]) for feeling in Feeling],
        default=NO_FEELING,
        invalid_choice_message=_l("Choose one of the feelings listed, or none."),
    )
    title = _title_field()
    body = _body_field(_l("Details"))
    private_details = private_details_field()
    images = images_field(IMAGES_LABEL)
    private_images = images_field(PRIVATE_IMAGES_LABEL)

    def set_company(self, company: Any, products: list[Any]) -> None:
        """Offer the company's ``products``; name who reads the private details."""
        self.product.choices = [SelectChoice(NO_PRODUCT, ANY_PRODUCT)] + [
            SelectChoice(product.slug, product.name) for product in products
        ]
        self.private_details.label.text = private_details_label(company, writer_is_asker=True)


class EditQuestionForm(FlaskForm):
    """Edit a question. ``keep_only`` drops the fields the editor may not change (staff of the
    company change the kind and the product, not the author's words)."""

    kind = RadioField(
        _l("What is it?"),
        choices=[SelectChoice(kind.value, KIND_LABELS[kind]) for kind in Kind],
        invalid_choice_message=_l("Choose one of: question, problem, idea or praise."),
    )
    product = SelectField(
        _l("Product"),
        choices=[SelectChoice(NO_PRODUCT, ANY_PRODUCT)],
        invalid_choice_message=_l("Choose one of this company's products, or none."),
    )
    title = _title_field()
    body = _body_field(_l("Details"))
    private_details = private_details_field()

    def keep_only(
        self, fields: frozenset[str], products: list[Any], question: Question, editor: Any
    ) -> None:
        """Keep the fields named (of title, body, kind, product, private details); offer
        ``products``."""
        for name in ("title", "body", "kind", "product", "private_details"):
            if name not in fields:
                delattr(self, name)
        if "product" in fields:
            self.product.choices = [SelectChoice(NO_PRODUCT, ANY_PRODUCT)] + [
                SelectChoice(product.slug, product.name) for product in products
            ]
        if "private_details" in fields:
            self.private_details.label.text = private_details_label(
                question.company, writer_is_asker=editor.id == question.author_id
            )


class MeTooForm(FlaskForm):
    """The "me too" button: ``add`` or ``remove``."""

    action = HiddenField(validators=[AnyOf(["add", "remove"])])


class StatusForm(FlaskForm):
    """Staff set a question's status; the choices are its kind's statuses.

    The select does not judge the value itself: the service refuses a status the
    kind does not have, naming the ones it has, for the form and the API alike.
    """

    status = SelectField(_l("Status"), validate_choice=False)
    # Shown on problems only; the service accepts it only with Solved. Left blank, a problem
    # that stays solved keeps its version.
    fixed_in = StringField(
        _l("Fixed in version (optional, with Solved)"),
        filters=[strip],
        validators=[Length(max=FIXED_IN_MAX, message=_l("At most %(max)d characters."))],
    )

    def set_question(self, question: Question) -> None:
        self.status.label.text = _("Status of %(this)s", this=question.kind.this)
        self.status.choices = [SelectChoice(s.value, s.label) for s in question.statuses]
        if self.status.data is None:
            self.status.data = question.status.value


class StillBrokenForm(FlaskForm):
    """The asker or an affected user says a solved problem is still broken."""

    version = StringField(
        _l("Your version (optional)"),
        filters=[strip],
        validators=[Length(max=VERSION_MAX, message=_l("At most %(max)d characters."))],
    )


class UnansweredFilterForm(FlaskForm):
    """The filters of the staff's "Waiting for an answer" page (a GET form: nothing
    changes, no CSRF).

    The view fills ``product.choices`` with the company's products.
    """

    class Meta:
        csrf = False

    product = SelectField(
        _l("Product"),
        choices=[SelectChoice(NO_PRODUCT, _l("All products"))],
        default=NO_PRODUCT,
        invalid_choice_message=_l("Choose one of this company's products, or all."),
    )
    kind = kind_filter()

    def set_products(self, products: list[Any]) -> None:
        self.product.choices = [SelectChoice(NO_PRODUCT, _("All products"))] + [
            SelectChoice(product.slug, product.name) for product in products
        ]
