"""A product page and its form in Danish (issue 17)."""

from __future__ import annotations

from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_question, make_user
from tests.questions.helpers import text

DANISH = {"Accept-Language": "da"}


def test_a_product_page_in_danish(client):
    company = make_company("Acme")
    drive = make_product(company, "Drive")
    make_question(company, product=drive, title="Sync stops after the update")
    db.session.commit()

    page = text(client.get("/companies/acme/products/drive", headers=DANISH))

    assert '<html lang="da">' in page
    assert "Spørgsmål om Drive</h2>" in page
    assert ">Spørg om dette produkt</a>" in page
    assert ">Søg i Drive</label>" in page
    assert "Nye spørgsmål som feed (Atom)" in page
    assert 'value="">Alle typer</option>' in page
    assert "Sync stops after the update" in page  # the post as written
    assert "Questions about Drive" not in page


def test_the_product_form_refuses_in_danish(client):
    make_company("Acme")
    login_as(client, make_user("maker"))
    db.session.commit()

    response = client.post(
        "/companies/acme/products/new",
        data={"name": "", "description": "x" * 2001},
        headers=DANISH,
    )

    assert response.status_code == 422
    page = text(response)
    assert "Tilføj et produkt" in page and ">Produktnavn</label>" in page
    assert "Skriv et navn." in page
    assert "Brug højst 2.000 tegn." in page
    assert "Almindelig tekst, op til 2.000 tegn." in page
