"""The insights page, its CSV and the public scorecard in Danish (``Accept-Language: da``):
the words, the numbers and the durations follow the reader's language; the CSV's values
stay numbers a spreadsheet reads in any language."""

from __future__ import annotations

import csv
import io
import re

from tests.conftest import login_as
from tests.insights import test_scorecard_page

DA = {"Accept-Language": "da"}
PAGE = "/companies/acme/insights"
# The scorecard tests' Acme: two questions, one answered officially after 3 hours.
acme = test_scorecard_page.acme


def _figure(html: str, term: str) -> str:
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>([^<]*)</dd>", html)
    assert found, term
    return found[1]


def test_staff_read_their_insights_in_danish(client, acme_data):
    login_as(client, acme_data.ann)

    response = client.get(PAGE, headers=DA)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="da"' in html
    assert "<h1>Indsigt for Acme</h1>" in html
    assert "de seneste 30 dage" in html
    assert 'aria-current="page">Seneste 30 dage</a>' in html
    assert _figure(html, "Besvaret officielt") == "67\xa0%"  # a no-break space, as Danish writes it
    assert _figure(html, "Mediantid til det første officielle svar") == "4 timer"
    assert '<h2 id="kinds-heading">Spørgsmål efter type og uge</h2>' in html
    assert '<th scope="col">Ugen fra</th>' in html
    assert "Åbne problemer, der berører flest" in html
    assert "Hent “Pr. produkt” som CSV" in html
    for english in ("Questions asked", "Answered officially", "Week of", "Download"):
        assert english not in html, english


def test_a_refused_period_is_told_in_danish(client, acme_data):
    login_as(client, acme_data.ann)

    response = client.get(f"{PAGE}?days=7", headers=DA)

    assert response.status_code == 422
    assert "Vælg 30, 90 eller 365 dage." in response.get_data(as_text=True)


def test_the_csv_heads_its_columns_in_the_reader_s_language_and_keeps_numbers_as_numbers(
    client, acme_data
):
    login_as(client, acme_data.ann)

    response = client.get(f"{PAGE}/products.csv?days=30", headers=DA)

    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Produkt", "Spørgsmål", "Besvaret officielt"]
    drive = next(row for row in rows if row[0] == "Drive")
    assert drive[1] == "3" and drive[2] == "0.6667"  # a fraction, not "67 %"
    english = client.get(f"{PAGE}/products.csv?days=30").get_data(as_text=True)
    assert english.startswith("Product,Questions,Answered officially")


def test_the_public_scorecard_writes_its_figures_the_danish_way(client, acme):
    html = client.get(f"/companies/{acme.slug}", headers=DA).get_data(as_text=True)

    assert '<html lang="da"' in html
    assert "50\xa0%" in html
    assert "<dd>3 timer</dd>" in html
