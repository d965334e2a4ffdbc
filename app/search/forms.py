"""The search form: what to look for and where (a GET form: nothing changes, no CSRF).

Whatever is typed into the search box is accepted: the query parser makes any
text harmless. Only the filters are checked, because they name things.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from app.i18n import _, _l
from app.questions.filters import ANY, kind_filter, status_filter
from app.search.query import clean


class SearchForm(FlaskForm):
    """The view fills ``company`` and ``product`` with the choices it has loaded."""

    class Meta:
        csrf = False

    # Control characters go and overlong text is cut, as the search itself does.
    q = SearchField(_l("Search for"), filters=[clean])
    company = SelectField(
        _l("Company"),
        choices=[SelectChoice(ANY, _l("All companies"))],
        default=ANY,
        invalid_choice_message=_l("There is no company with that address. Choose one listed."),
    )
    product = SelectField(
        _l("Product"),
        choices=[SelectChoice(ANY, _l("All products"))],
        default=ANY,
        invalid_choice_message=_l("Choose one of this company's products, or all."),
    )
    kind = kind_filter()
    status = status_filter()

    def set_companies(self, companies: list[Any]) -> None:
        self.company.choices = [SelectChoice(ANY, _("All companies"))] + [
            SelectChoice(company.slug, company.name) for company in companies
        ]

    def set_products(self, products: list[Any]) -> None:
        self.product.choices = [SelectChoice(ANY, _("All products"))] + [
            SelectChoice(product.slug, product.name) for product in products
        ]

    def filters_key(self) -> tuple[object, ...]:
        """Everything the filter fields show that may change, once validated without
        errors: the choices offered and the ones chosen (for ``cached_fragment``)."""
        return (
            tuple((choice.value, choice.label) for choice in self.company.choices),
            self.company.data,
            tuple((choice.value, choice.label) for choice in self.product.choices),
            self.product.data,
            self.kind.data,
            self.status.data,
        )
