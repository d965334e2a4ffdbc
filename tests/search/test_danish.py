"""Search and "is your question already here?" in Danish (issue 17); the similar
questions' JSON keeps its codes and gives the words in the reader's language."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.questions.models import Kind, Status
from tests.conftest import login_as
from tests.factories import make_company, make_user
from tests.questions.helpers import text
from tests.search.helpers import answer, ask

DANISH = {"Accept-Language": "da"}


@pytest.fixture
def acme():
    company = make_company("Acme")
    solved = ask(company, "Sync stopped working on my phone", kind=Kind.PROBLEM)
    answer(solved, "Sign out and in again.")
    answer(solved, "Reinstall.")
    solved.status = Status.SOLVED
    ask(company, "Sync icon spins forever")
    db.session.commit()
    return company


def test_the_search_page_speaks_danish(client, acme):
    page = text(client.get("/search", query_string={"q": "sync"}, headers=DANISH))

    assert '<html lang="da">' in page
    assert "<h1>Søg på Helpsquare</h1>" in page
    assert "Spørgsmål der passer til “sync”" in page
    assert '<span class="question-item__count">2 svar</span>' in page
    assert '<span class="question-item__count">0 svar</span>' in page
    assert ">Problem · Løst</span>" in page  # the one badge: the kind and its status
    assert "stopped working on my phone" in page  # the post as written


def test_no_match_says_so_in_danish(client, acme):
    page = text(
        client.get("/search", query_string={"q": "zeppelin", "company": "acme"}, headers=DANISH)
    )

    assert "Ingen spørgsmål passer til “zeppelin”." in page
    assert "Prøv færre eller andre ord eller færre filtre." in page
    assert ">Spørg Acme</a>" in page


def test_the_similar_step_of_asking_is_danish(client, acme):
    login_as(client, make_user("asker"))
    db.session.commit()

    response = client.post(
        "/companies/acme/ask",
        data={"title": "Sync stops on my phone", "body": "Nothing uploads."},
        headers=DANISH,
    )

    page = text(response)
    assert response.status_code == 200
    assert "Er dit spørgsmål her allerede?" in page
    assert "Disse spørgsmål om Acme ligner dit." in page
    assert ">Ingen af disse — fortsæt</button>" in page
    similar = page.split('id="similar"')[1].split("</section>")[0]
    assert "2 svar</span>" in similar and ">Problem · Løst</span>" in similar
    # The script's words for the matches it shows while typing.
    assert 'data-label-heading="Allerede spurgt? Disse ligner:"' in page
    assert 'data-label-best="Bedste svar"' in page


def test_the_similar_json_keeps_its_codes_and_speaks_the_readers_language(client, acme):
    query = {"title": "sync phone", "company": "acme"}

    danish = client.get("/search/similar", query_string=query, headers=DANISH).get_json()
    english = client.get("/search/similar", query_string=query).get_json()

    first = next(item for item in danish["items"] if item["kind"] == "problem")
    assert first["status"] == "solved" and first["kind"] == "problem"
    assert first["status_label"] == "Løst" and first["answers_label"] == "2 svar"
    same = next(item for item in english["items"] if item["id"] == first["id"])
    assert same["status_label"] == "Solved" and same["answers_label"] == "2 answers"
