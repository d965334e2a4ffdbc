"""Search and similar questions run a fixed, small number of SQL statements, whatever the
number of questions; and reading them writes nothing."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_product, make_user
from tests.search.helpers import ask


def _forum(n: int) -> None:
    acme = make_company("Acme")
    drive = make_product(acme, "Drive")
    for i in range(n):
        question = ask(acme, f"Sync stops on laptop {i}", "Sync errors again.", product=drive)
        make_answer(question, body="The sync fix is in settings.")
    db.session.commit()
    db.session.expunge_all()  # nothing cached: each page loads what it shows itself


def _statements(client, count_queries, url: str) -> int:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    assert not [
        s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    return len(statements)


def searching() -> int:
    """The statements a full-text search adds: one, and on PostgreSQL a second that turns
    sequential scans off for it (app/search/backends.py says why)."""
    return 2 if db.engine.dialect.name == "postgresql" else 1


URLS = {
    # Besides the search itself (searching()): what the page shows with it; a product
    # filter reads the product too.
    "search": ("/search?q=sync+laptop", 2),
    "search in a product": ("/search?q=sync&company=acme&product=drive&kind=question", 3),
    "similar": ("/search/similar?title=Sync+stops+again&company=acme", 2),
    "similar everywhere": ("/search/similar?title=Sync+stops+again", 1),
    "filtered list": ("/questions?kind=question&answers=no_official&sort=me_too", 1),
    # the company, its products, its questions, its scorecard (app/insights/scorecard.py)
    "company list": ("/companies/acme?status=open&answers=unanswered", 4),
}


@pytest.mark.parametrize("name", list(URLS))
def test_the_same_statements_for_5_and_50_questions(app, client, count_queries, name):
    url, expected = URLS[name]
    _forum(5)
    with_5 = _statements(client, count_queries, url)

    _more_questions(45)
    with_50 = _statements(client, count_queries, url)

    if name.startswith("search"):
        expected += searching()
    assert with_5 == with_50 == expected


def _more_questions(n: int) -> None:
    from app.companies.models import Company
    from app.products.models import Product

    acme = db.session.scalars(db.select(Company).where(Company.slug == "acme")).one()
    drive = db.session.scalars(db.select(Product).where(Product.slug == "drive")).one()
    for i in range(n):
        question = ask(acme, f"Sync stops on desktop {i}", "Sync errors again.", product=drive)
        make_answer(question, body="The sync fix is in settings.")
    db.session.commit()
    db.session.expunge_all()


def test_the_second_page_of_results_costs_what_the_first_does(client, count_queries):
    _forum(50)

    first = _statements(client, count_queries, "/search?q=sync")
    second = _statements(client, count_queries, "/search?q=sync&page=2")

    assert first == second == 2 + searching()


def test_a_signed_in_search_adds_only_the_user(client, count_queries):
    _forum(5)
    login_as(client, make_user("reader"))
    db.session.commit()

    assert _statements(client, count_queries, "/search?q=sync") == 3 + searching()
