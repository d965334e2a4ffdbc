"""Asking from anywhere (issue 13): /ask asks "Which company is it about?", finds companies
by the start of their name or domain, leads to the company's own ask page, and offers to add
a company that is missing, coming back to its ask page once added."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.companies.models import Company
from app.companies.queries import SUGGEST_LIMIT, suggest_companies
from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_company, make_user
from tests.questions.helpers import is_sign_in_redirect, path_of, text


@pytest.fixture
def asker():
    return make_user("asker")


@pytest.fixture
def companies():
    make_company("Acme Cloud", domain="acme.com", question_count=5)
    make_company("Acme Bank", domain="acmebank.example", question_count=9)
    make_company("Café Señor", slug="cafe-senor", domain="senor.example")
    make_company("Nimbus Bikes", domain="nimbus.example")
    make_company("Notacme", domain="notacme.example")
    db.session.commit()


def _names(companies: list[Company]) -> list[str]:
    return [company.name for company in companies]


# The query --------------------------------------------------------------------------------


def test_companies_are_found_by_the_start_of_their_name_whatever_the_case(companies):
    assert _names(suggest_companies("acm")) == ["Acme Bank", "Acme Cloud"]  # busiest first
    assert _names(suggest_companies("ACME C")) == ["Acme Cloud"]
    assert _names(suggest_companies("  nImBuS ")) == ["Nimbus Bikes"]


def test_a_name_read_exactly_as_typed_comes_first(companies):
    assert _names(suggest_companies("acme cloud")) == ["Acme Cloud"]
    make_company("Acme", domain="acme-inc.example", question_count=0)
    db.session.commit()
    assert _names(suggest_companies("Acme")) == ["Acme", "Acme Bank", "Acme Cloud"]


def test_composed_letters_and_look_alike_letters_are_read_as_names_are(companies):
    assert _names(suggest_companies("CAFÉ SE")) == ["Café Señor"]
    assert _names(suggest_companies("cafe\u0301 se")) == ["Café Señor"]  # é decomposed
    assert _names(suggest_companies("cafe")) == ["Café Señor"]
    assert _names(suggest_companies("Αcme c")) == ["Acme Cloud"]  # a Greek capital alpha


def test_companies_are_found_by_the_start_of_their_domain(companies):
    assert _names(suggest_companies("senor.ex")) == ["Café Señor"]
    assert _names(suggest_companies("https://www.acme.c")) == ["Acme Cloud"]
    assert _names(suggest_companies("acmebank")) == ["Acme Bank"]


def test_only_the_start_matches_and_wildcards_are_plain_text(companies):
    assert suggest_companies("cloud") == []
    assert suggest_companies("%") == []
    assert suggest_companies("_cme") == []
    assert suggest_companies("acme\\") == []
    assert suggest_companies("\x00") == []
    assert suggest_companies("   ") == []


def test_at_most_ten_are_offered(app):
    for n in range(SUGGEST_LIMIT + 5):
        make_company(f"Zeta {n:02d}", domain=f"zeta{n:02d}.example")
    db.session.commit()
    assert len(suggest_companies("zeta")) == SUGGEST_LIMIT
    assert len(suggest_companies("zeta0")) == SUGGEST_LIMIT
    assert len(suggest_companies("zeta1")) == 5


def test_the_query_is_one_bounded_statement(app, companies, count_queries):
    with count_queries() as statements:
        suggest_companies("acm")
    assert len(statements) == 1
    # Each way of matching reads its index for at most SUGGEST_LIMIT rows.
    assert statements[0].upper().count("LIMIT") == 3


# The page ---------------------------------------------------------------------------------


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/ask?company=acme")

    assert is_sign_in_redirect(response)
    assert parse_qs(urlsplit(response.location).query)["next"] == ["/ask?company=acme"]


def test_an_unverified_account_is_asked_to_verify_first(client, companies):
    login_as(client, make_user("ivy", email_verified=False))

    response = client.get("/ask")

    assert response.status_code == 403
    assert "Verify your e-mail address first" in text(response)


def test_the_picker_asks_which_company(client, asker, companies):
    login_as(client, asker)

    page = text(client.get("/ask"))

    assert "Ask a question" in page
    assert '<label class="field__label" for="company-picker-q">Which company is it about?' in page
    assert 'data-suggest-url="/companies/suggest"' in page
    assert "js/helpsquare.js" in page
    # Nothing typed: no list yet, but adding a company is offered.
    assert 'href="/companies/acme-cloud/ask"' not in page
    assert 'id="company-picker-add" href="/companies/new?next=/ask"' in page


def test_the_picker_lists_matching_companies_leading_to_their_ask_page(client, asker, companies):
    login_as(client, asker)

    page = text(client.get("/ask?company=acme"))

    assert 'value="acme"' in page
    assert '<a href="/companies/acme-bank/ask">Acme Bank</a>' in page
    assert '<a href="/companies/acme-cloud/ask">Acme Cloud</a>' in page
    assert "Notacme" not in page and "Nimbus" not in page
    assert "2 companies match." in page
    assert "Not in the list?" in page


def test_with_no_match_it_offers_to_add_the_company(client, asker, companies):
    login_as(client, asker)

    page = text(client.get("/ask?company=Globex <b>"))

    assert "No company matches “Globex &lt;b&gt;”." in page
    assert "<b>" not in page.split("<main", 1)[1]
    assert 'id="company-picker-add" href="/companies/new?name=Globex+%3Cb%3E&amp;next=/ask"' in page


def test_the_company_form_fills_in_the_name_and_keeps_next(client, asker):
    login_as(client, asker)

    page = text(client.get("/companies/new?name=Globex&next=/ask"))

    assert 'value="Globex"' in page
    assert 'action="/companies/new?next=/ask"' in page
    assert '<a href="/ask">Cancel</a>' in page


def test_the_added_company_leads_to_its_ask_page(client, asker):
    login_as(client, asker)
    form = {"name": "Globex", "domain": "globex.example", "description": ""}

    response = client.post("/companies/new?next=/ask", data=form)

    assert response.status_code == 303
    assert response.location == "/companies/globex/ask"
    assert db.session.scalar(sa.select(Company.slug).where(Company.name == "Globex"))
    page = text(client.get(response.location))
    assert "Ask Globex" in page


def test_without_next_the_added_company_leads_to_its_page_as_before(client, asker):
    login_as(client, asker)
    form = {"name": "Globex", "domain": "globex.example", "description": ""}

    response = client.post("/companies/new", data=form)

    assert response.location == "/companies/globex"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/ask", "//evil.example/ask", "/\\evil.example", "javascript:alert(1)"],
)
def test_a_next_elsewhere_is_ignored(client, asker, next_url):
    login_as(client, asker)
    form = {"name": "Globex", "domain": "globex.example", "description": ""}

    page = text(client.get("/companies/new", query_string={"next": next_url}))
    response = client.post("/companies/new", query_string={"next": next_url}, data=form)

    assert "evil" not in page and "javascript:" not in page
    assert response.location == "/companies/globex"


def test_a_company_that_exists_already_is_offered_for_asking(client, asker, companies):
    login_as(client, asker)
    form = {"name": "ACME cloud", "domain": "acme-cloud.example", "description": ""}

    response = client.post("/companies/new?next=/ask", data=form)

    assert response.status_code == 422
    assert 'Acme Cloud already has a page: <a href="/companies/acme-cloud/ask">' in text(response)


def test_suggest_is_a_reserved_company_slug(client, asker):
    login_as(client, asker)
    form = {"name": "Suggest", "domain": "suggest.example", "description": ""}

    response = client.post("/companies/new", data=form)

    assert response.location == "/companies/suggest-2"


def test_the_picker_runs_a_fixed_number_of_statements(app, client, asker, count_queries):
    for n in range(30):
        make_company(f"Zeta {n:02d}", domain=f"zeta{n:02d}.example")
    db.session.commit()
    login_as(client, asker)
    counts = []
    for words in ("zeta 0", "zeta", "nothing"):
        with count_queries() as statements:
            assert client.get(f"/ask?company={words}").status_code == 200
        counts.append(len(statements))
    # The signed-in user (1) and the matches (1).
    assert counts == [2, 2, 2]


# Header and home page ---------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_header_and_the_home_page_offer_ask(client, asker, signed_in):
    if signed_in:
        login_as(client, asker)

    page = text(client.get("/"))

    assert '<a class="button button--small header-ask" href="/ask">Ask</a>' in page
    assert '<a class="button" href="/ask">Ask a question</a>' in page


def test_the_company_page_keeps_its_own_ask_link(client, companies):
    page = text(client.get("/companies/acme-cloud"))

    assert 'href="/companies/acme-cloud/ask"' in page


# The JSON for the type-ahead --------------------------------------------------------------


def test_suggest_gives_names_slugs_and_ask_links(client, companies):
    response = client.get("/companies/suggest?q=acme")

    assert response.status_code == 200
    assert response.json == {
        "items": [
            {
                "name": "Acme Bank",
                "slug": "acme-bank",
                "domain": "acmebank.example",
                "url": "/companies/acme-bank",
                "ask_url": "/companies/acme-bank/ask",
            },
            {
                "name": "Acme Cloud",
                "slug": "acme-cloud",
                "domain": "acme.com",
                "url": "/companies/acme-cloud",
                "ask_url": "/companies/acme-cloud/ask",
            },
        ],
        "message": "2 companies match.",
        "add_url": "/companies/new?next=/ask",
    }


def test_suggest_with_nothing_typed_or_nothing_found(client, companies):
    assert client.get("/companies/suggest").json == {
        "items": [],
        "message": "",
        "add_url": "/companies/new?next=/ask",
    }
    assert client.get("/companies/suggest?q=Zz+z").json == {
        "items": [],
        "message": "No company matches “Zz z”.",
        "add_url": "/companies/new?name=Zz+z&next=/ask",
    }


def test_suggest_offers_at_most_ten_in_one_statement(app, client, count_queries):
    for n in range(30):
        make_company(f"Zeta {n:02d}", domain=f"zeta{n:02d}.example")
    db.session.commit()

    with count_queries() as statements:
        response = client.get("/companies/suggest?q=ZETA")

    assert len(response.json["items"]) == SUGGEST_LIMIT
    assert len(statements) == 1


def test_suggest_answers_hostile_input_without_an_error(client, companies):
    for q in ("\x00", "%%%", "a" * 5000, "\\", "' OR 1=1 --", "\U0010ffff", "ﬃ"):
        response = client.get("/companies/suggest", query_string={"q": q})
        assert response.status_code == 200, q
        assert response.json["items"] == []


def test_suggest_is_limited_per_address(app, client, companies, monkeypatch):
    monkeypatch.setitem(app.config, "COMPANY_SUGGEST_LIMITS", "3 per minute")

    statuses = [client.get("/companies/suggest?q=acme").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    other = app.test_client()
    other_address = {"REMOTE_ADDR": "192.0.2.7"}
    assert other.get("/companies/suggest?q=acme", environ_base=other_address).status_code == 200


def test_the_default_limit_allows_steady_typing(app, client, companies):
    statuses = {client.get(f"/companies/suggest?q=a{n}").status_code for n in range(120)}

    assert statuses == {200}
    assert client.get("/companies/suggest?q=acme").status_code == 429


def test_suggest_sets_no_cookie(client, companies):
    response = client.get("/companies/suggest?q=acme")

    assert "Set-Cookie" not in response.headers
    assert path_of(response.json["items"][0]["ask_url"]) == "/companies/acme-bank/ask"


# Danish -----------------------------------------------------------------------------------

DANISH = {"Accept-Language": "da"}


def test_the_picker_speaks_danish(client, asker, companies):
    login_as(client, asker)

    page = text(client.get("/ask?company=acme", headers=DANISH))
    nothing = text(client.get("/ask?company=Globex", headers=DANISH))
    found = client.get("/companies/suggest?q=acme+c", headers=DANISH).json

    assert '<html lang="da">' in page
    assert "Stil et spørgsmål" in page
    assert "Hvilken virksomhed handler det om?" in page
    assert "2 virksomheder passer." in page
    assert ">Spørg</a>" in page  # the header's button
    assert "Tilføj virksomheden</a> og spørg der." in page
    assert "Ingen virksomhed passer til “Globex”." in nothing
    assert found["message"] == "1 virksomhed passer."
