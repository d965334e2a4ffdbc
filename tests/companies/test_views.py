"""Company pages as a visitor, a signed-in user and a site admin see and use them."""

from __future__ import annotations

import base64
import html
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import g, url_for

from app.companies.models import NAME_MAX, Company
from app.db import utcnow
from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_question, make_user

UNCLAIMED = "has not joined Helpsquare yet. Answers here come from fellow customers."


def _path(endpoint: str, **values: str) -> str:
    return url_for(endpoint, _external=False, **values)


def _text(response) -> str:  # noqa: ANN001 - a test response
    return html.unescape(response.get_data(as_text=True))


def _companies() -> list[tuple[str, str]]:
    return list(db.session.execute(sa.select(Company.name, Company.domain).order_by(Company.id)))


def _save() -> None:
    """Commit what the test arranged: an error page rolls the session back, and the test
    shares its session with the requests it makes, so uncommitted rows would vanish."""
    db.session.commit()


def _assert_sent_to_sign_in(response) -> None:  # noqa: ANN001
    assert response.status_code == 302
    assert urlsplit(response.location).path == _path("accounts.sign_in")


# Adding a company --------------------------------------------------------------------------


def test_the_add_company_form_has_labelled_fields(client):
    login_as(client, make_user())

    response = client.get("/companies/new")

    assert response.status_code == 200
    page = _text(response)
    assert "<h1>Add a company</h1>" in page
    for field_id, label in [("name", "Company name"), ("domain", "Web domain")]:
        assert f'<label class="field__label" for="{field_id}">{label}</label>' in page
    assert 'id="description"' in page


def test_new_is_the_form_even_when_a_company_uses_that_slug(client):
    make_company("Old News", slug="new")
    login_as(client, make_user())

    response = client.get("/companies/new")

    assert response.status_code == 200
    assert "Add a company" in _text(response)


def test_a_signed_in_user_adds_a_company(client):
    user = make_user()
    login_as(client, user)

    response = client.post(
        "/companies/new",
        data={"name": "Acme", "domain": "HTTPS://WWW.Acme.com/path", "description": "Anvils."},
    )

    assert response.status_code == 303
    assert response.location == "/companies/acme"
    company = db.session.execute(sa.select(Company)).scalar_one()
    assert (company.name, company.domain, company.created_by_id) == ("Acme", "acme.com", user.id)
    assert company.claimed_at is None
    page = _text(client.get(response.location))
    assert "<h1>Acme</h1>" in page
    assert "Acme has a page now." in page
    assert "Anvils." in page
    assert f"Acme {UNCLAIMED}" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_created(client, method):
    response = getattr(client, method)(
        "/companies/new", data={"name": "Acme", "domain": "acme.com"}
    )

    _assert_sent_to_sign_in(response)
    assert _companies() == []


@pytest.mark.parametrize(
    ("name", "domain", "field_error"),
    [
        ("ACME", "acme-anvils.com", "Acme already has a page."),
        ("Acme Anvils", "https://www.acme.com/", "Acme already has a page."),
    ],
)
def test_a_company_that_already_has_a_page_is_refused_with_a_link_to_it(
    client, name, domain, field_error
):
    make_company("Acme", slug="acme", domain="acme.com")
    login_as(client, make_user())

    response = client.post(
        "/companies/new", data={"name": name, "domain": domain, "description": "Typed"}
    )

    assert response.status_code == 422
    page = _text(response)
    assert field_error in page
    assert '<a href="/companies/acme">go to Acme</a>' in page
    assert f'value="{name}"' in page
    assert f'value="{domain}"' in page
    assert "Typed</textarea>" in page
    assert _companies() == [("Acme", "acme.com")]


@pytest.mark.parametrize(
    ("domain", "why"),
    [
        ("acme", "A domain has at least one dot, like acme.com."),
        ("http://", "Enter the company&#39;s web domain, like acme.com."),
        ("acme..com", "That is not a valid domain"),
        ("-acme.com", "That is not a valid domain"),
        ("acme .com", "A domain has no spaces"),
        ("acme.com:8080", "without a port or user"),
        ("", "Enter the company&#39;s web domain, like acme.com."),
    ],
)
def test_a_bad_domain_is_shown_at_its_field_keeping_what_was_typed(client, domain, why):
    login_as(client, make_user())

    response = client.post(
        "/companies/new", data={"name": "Acme", "domain": domain, "description": "Anvils"}
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="field__error" id="domain-error">' in page
    assert why in page
    assert 'aria-invalid="true"' in page
    assert 'value="Acme"' in page
    assert f'value="{domain.strip()}"' in page or not domain
    assert "Anvils</textarea>" in page
    assert _companies() == []


def test_a_nul_byte_in_the_domain_is_refused_without_an_error_page(client):
    login_as(client, make_user())

    response = client.post("/companies/new", data={"name": "Acme", "domain": "acme\x00.com"})

    assert response.status_code == 422
    assert "NUL character" in _text(response)
    assert _companies() == []


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "Enter a name."),
        ("A", "Use 2 to 100 characters."),
        ("A" * (NAME_MAX + 1), "Use 2 to 100 characters."),
        ("Ac\x00me", "NUL character"),
    ],
)
def test_a_bad_name_is_shown_at_its_field_keeping_what_was_typed(client, name, why):
    login_as(client, make_user())

    response = client.post("/companies/new", data={"name": name, "domain": "acme.com"})

    assert response.status_code == 422
    page = _text(response)
    assert '<p class="field__error" id="name-error">' in page
    assert why in page
    assert 'value="acme.com"' in page
    if name and "\x00" not in name:
        assert f'value="{name}"' in page
    assert _companies() == []


def test_the_name_new_gets_a_page_that_is_not_the_form(client):
    login_as(client, make_user())

    response = client.post("/companies/new", data={"name": "New", "domain": "new.example"})

    assert response.location == "/companies/new-2"
    assert "<h1>New</h1>" in _text(client.get("/companies/new-2"))


# The company list --------------------------------------------------------------------------


def test_the_list_has_a_labelled_search_field_and_links_to_companies(client):
    make_company("Acme", slug="acme", domain="acme.com")

    response = client.get("/companies/")

    assert response.status_code == 200
    page = _text(response)
    assert '<form method="get" action="/companies/" class="filter" role="search">' in page
    assert '<label class="field__label" for="q">Company name</label>' in page
    assert 'type="search"' in page
    assert '<a href="/companies/acme">Acme</a>' in page
    assert "acme.com" in page


@pytest.mark.parametrize("q", ["acme", "ACME", "aCmE", "  acme  "])
def test_the_list_filters_by_name_ignoring_case(client, q):
    for name in ["Acme", "Big ACME Tools", "Beta"]:
        make_company(name)

    page = _text(client.get("/companies/", query_string={"q": q}))

    assert ">Acme</a>" in page
    assert ">Big ACME Tools</a>" in page
    assert ">Beta</a>" not in page


@pytest.mark.parametrize("q", ["%", "_", "\\", "a%e", "A_me"])
def test_wildcards_typed_in_the_filter_match_only_themselves(client, q):
    for name in ["Acme", "Beta"]:
        make_company(name)

    response = client.get("/companies/", query_string={"q": q})

    assert response.status_code == 200
    page = _text(response)
    assert ">Acme</a>" not in page
    assert ">Beta</a>" not in page
    assert f"No company name contains “{q}”." in page


def test_a_percent_sign_finds_a_name_that_has_one(client):
    make_company("100% Juice", slug="100-juice")
    make_company("Acme")

    page = _text(client.get("/companies/", query_string={"q": "0%"}))

    assert ">100% Juice</a>" in page
    assert ">Acme</a>" not in page


def test_a_nul_byte_or_an_overlong_filter_is_not_an_error_page(client):
    make_company("Acme")

    assert client.get("/companies/", query_string={"q": "Ac\x00me"}).status_code == 200
    too_long = client.get("/companies/", query_string={"q": "a" * (NAME_MAX + 1)})
    assert too_long.status_code == 400
    assert "Use at most 100 characters." in _text(too_long)


def test_the_list_pages_on_with_a_next_link(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        make_company(f"Company {n}", question_count=n)

    seen = []
    url = "/companies/"
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        page = _text(response)
        seen.append([n for n in range(5) if f">Company {n}</a>" in page])
        next_link = page.partition('<a rel="next" href="')[2].partition('"')[0]
        url = next_link

    assert seen == [[3, 4], [1, 2], [0]]
    assert url == ""  # the last page has no next link


def test_the_next_page_keeps_the_filter(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    make_company("Acme One", question_count=2)
    make_company("Acme Two", question_count=1)
    make_company("Beta", question_count=0)

    first = _text(client.get("/companies/", query_string={"q": "acme"}))
    next_link = first.partition('<a rel="next" href="')[2].partition('"')[0]
    second = _text(client.get(next_link))

    assert ">Acme One</a>" in first
    assert ">Acme Two</a>" in second
    assert "Next page" not in second


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "WzEsMF0",  # [1,0]: an id of 0
        "W10",  # []
        "\x00",
        base64.urlsafe_b64encode(b"[" * 3000).decode(),  # nested deeper than JSON decodes
    ],
)
def test_a_bad_cursor_is_a_400_not_an_error_page(client, cursor):
    make_company("Acme", slug="acme")
    _save()

    for url in ["/companies/", "/companies/acme"]:
        response = client.get(url, query_string={"cursor": cursor})
        assert response.status_code == 400
        assert "Start again from the first page." in _text(response)


# A company's page --------------------------------------------------------------------------


def test_the_company_page_shows_products_questions_and_the_unclaimed_notice(client):
    company = make_company("Acme", slug="acme", domain="acme.com", description="Anvils.\nRockets.")
    anvil = make_product(company, "Anvil", slug="anvil")
    make_product(company, "Rocket Skates", slug="rocket-skates")
    asked = make_question(company, product=anvil, title="Why did my anvil fall upward?")
    make_question(company, title="Do you ship to the desert?")
    make_question(make_company("Other"), title="Not about Acme")

    response = client.get("/companies/acme")

    assert response.status_code == 200
    page = _text(response)
    assert "<h1>Acme</h1>" in page
    assert "acme.com" in page
    assert "Anvils.<br>Rockets." in page
    assert '<a href="/companies/acme/products/anvil">Anvil</a>' in page
    assert '<a href="/companies/acme/products/rocket-skates">Rocket Skates</a>' in page
    assert "Why did my anvil fall upward?" in page
    assert "Do you ship to the desert?" in page
    assert "Not about Acme" not in page
    assert _path("questions.show", question_id=asked.id, slug=asked.slug) in page
    assert f'<p class="notice">Acme {UNCLAIMED}</p>' in page
    assert f'href="{_path("questions.ask", company_slug="acme")}">Ask a question</a>' in page


def test_a_claimed_company_has_no_unclaimed_notice(client):
    make_company("Acme", slug="acme", claimed_at=utcnow())

    page = _text(client.get("/companies/acme"))

    assert "<h1>Acme</h1>" in page
    assert "has not joined" not in page


def test_the_company_page_says_when_there_is_nothing_yet(client):
    make_company("Acme", slug="acme")

    page = _text(client.get("/companies/acme"))

    assert "No products listed yet." in page
    assert "No questions about Acme yet. Be the first to ask." in page


def test_the_sort_tabs_mark_the_current_sort(client):
    company = make_company("Acme", slug="acme")
    make_question(company, title="Old but popular", me_too_count=9)
    make_question(company, title="Brand new")

    page = _text(client.get("/companies/acme", query_string={"sort": "me_too"}))

    assert 'aria-label="Sort questions"' in page
    assert '<a href="/companies/acme?sort=me_too" aria-current="page">Most me too</a>' in page
    assert page.index("Old but popular") < page.index("Brand new")


@pytest.mark.parametrize("sort", ["nonsense", "", "ACTIVE", "\x00"])
def test_an_unknown_sort_falls_back_to_recent_activity(client, sort):
    make_company("Acme", slug="acme")

    response = client.get("/companies/acme", query_string={"sort": sort})

    assert response.status_code == 200
    assert 'aria-current="page">Recent activity</a>' in _text(response)


def test_the_question_list_pages_on(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    company = make_company("Acme", slug="acme")
    for n in range(3):
        make_question(company, title=f"Question number {n}?", age=timedelta(minutes=n))

    first = _text(client.get("/companies/acme", query_string={"sort": "newest"}))
    next_link = first.partition('<a rel="next" href="')[2].partition('"')[0]
    second = _text(client.get(next_link))

    assert first.count("Question number") == 2
    assert second.count("Question number") == 1
    assert "sort=newest" in next_link


@pytest.mark.parametrize(
    "url",
    [
        "/companies/nobody",
        "/companies/nobody/edit",
        "/companies/nobody/products/new",
        "/companies/%00",
        "/companies/" + "x" * 500,
    ],
)
def test_an_unknown_company_is_a_404(client, url):
    login_as(client, make_user(is_admin=True))

    assert client.get(url).status_code == 404


# Editing a company -------------------------------------------------------------------------


def test_a_site_admin_edits_a_company(client):
    make_company("Acme", slug="acme", claimed_at=utcnow())
    login_as(client, make_user(is_admin=True))

    form = client.get("/companies/acme/edit")
    response = client.post(
        "/companies/acme/edit",
        data={"description": "Anvils since 1949.", "website": "https://acme.com"},
    )

    assert form.status_code == 200
    assert "<h1>Edit Acme</h1>" in _text(form)
    assert response.status_code == 303
    assert response.location == "/companies/acme"
    page = _text(client.get("/companies/acme"))
    assert "Anvils since 1949." in page
    assert '<a href="https://acme.com" rel="nofollow noopener">Website</a>' in page


def test_a_site_admin_sees_the_edit_link(client):
    make_company("Acme", slug="acme")
    login_as(client, make_user(is_admin=True))

    assert 'href="/companies/acme/edit"' in _text(client.get("/companies/acme"))


@pytest.mark.parametrize("claimed", [True, False])
def test_a_plain_user_may_not_edit_a_company(client, claimed):
    make_company("Acme", slug="acme", claimed_at=utcnow() if claimed else None)
    login_as(client, make_user())
    _save()

    page = _text(client.get("/companies/acme"))
    form = client.get("/companies/acme/edit")
    response = client.post(
        "/companies/acme/edit", data={"description": "Hacked", "website": "https://evil.example"}
    )

    assert 'href="/companies/acme/edit"' not in page
    assert form.status_code == 403
    assert response.status_code == 403
    db.session.expire_all()
    company = db.session.execute(sa.select(Company)).scalar_one()
    assert (company.description, company.website) == ("Acme makes things.", "")


def test_an_anonymous_visitor_editing_is_sent_to_sign_in(client):
    make_company("Acme", slug="acme")
    _save()

    response = client.post("/companies/acme/edit", data={"description": "Hacked"})

    _assert_sent_to_sign_in(response)
    assert db.session.execute(sa.select(Company.description)).scalar_one() == "Acme makes things."


def test_a_bad_website_is_shown_at_its_field_keeping_what_was_typed(client):
    make_company("Acme", slug="acme")
    login_as(client, make_user(is_admin=True))

    response = client.post(
        "/companies/acme/edit", data={"description": "New text", "website": "javascript:alert(1)"}
    )

    assert response.status_code == 422
    page = _text(response)
    assert '<p class="field__error" id="website-error">' in page
    assert 'value="javascript:alert(1)"' in page
    assert "New text</textarea>" in page
    assert db.session.execute(sa.select(Company.website)).scalar_one() == ""


# Query counts ------------------------------------------------------------------------------


def _statements_for(client, count_queries, url: str) -> list[str]:  # noqa: ANN001
    """The SQL one request runs, starting from a clean session as a real request would."""
    db.session.expunge_all()
    g.pop("_login_user", None)
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements


def _company_with(name: str, products: int, questions: int) -> Company:
    company = make_company(name)
    made = [make_product(company, f"{name} product {n}") for n in range(products)]
    for n in range(questions):
        make_question(company, product=made[n % products], author=make_user())
    return company


def test_the_company_page_runs_the_same_queries_for_few_and_many(client, count_queries):
    login_as(client, make_user())
    small = _company_with("Small", products=2, questions=5)
    large = _company_with("Large", products=20, questions=50)
    small_url, large_url = f"/companies/{small.slug}", f"/companies/{large.slug}"

    few = _statements_for(client, count_queries, small_url)
    many = _statements_for(client, count_queries, large_url)

    assert len(few) == len(many)
    # the signed-in user, the company, its products, whether the user follows it, a page of
    # questions, the scorecard (app/insights/scorecard.py: one SELECT, or none when cached),
    # and on an unclaimed company the user's own claim still going (the claim-waiting notice)
    assert len(many) <= 7
    assert sum("FROM claims" in statement for statement in many) == 1


def test_the_company_page_reads_no_claim_for_a_claimed_company_or_a_signed_out_reader(
    client, count_queries
):
    claimed = _company_with("Claimed", products=1, questions=2)
    claimed.claimed_at = utcnow()
    unclaimed = _company_with("Open", products=1, questions=2)
    _save()
    claimed_url, unclaimed_url = f"/companies/{claimed.slug}", f"/companies/{unclaimed.slug}"

    signed_out = _statements_for(client, count_queries, unclaimed_url)
    login_as(client, make_user())
    of_claimed = _statements_for(client, count_queries, claimed_url)

    assert not any("FROM claims" in statement for statement in signed_out + of_claimed)


def test_the_company_list_runs_the_same_queries_for_few_and_many(client, count_queries):
    login_as(client, make_user())
    for n in range(3):
        make_company(f"Few {n}")
    few = _statements_for(client, count_queries, "/companies/?q=few")
    for n in range(40):
        make_company(f"Many {n}")
    many = _statements_for(client, count_queries, "/companies/?q=many")

    assert len(few) == len(many) <= 2


def test_adding_a_company_needs_the_forms_csrf_token(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(client, make_user())
    _save()

    refused = client.post("/companies/new", data={"name": "Acme", "domain": "acme.com"})
    form = _text(client.get("/companies/new"))
    token = form.partition('name="csrf_token" type="hidden" value="')[2].partition('"')[0]
    accepted = client.post(
        "/companies/new", data={"name": "Acme", "domain": "acme.com", "csrf_token": token}
    )

    assert refused.status_code == 400
    assert token
    assert accepted.status_code == 303
    assert _companies() == [("Acme", "acme.com")]
