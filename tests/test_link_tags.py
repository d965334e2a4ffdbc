"""Every page names its canonical address (so ``?sort=`` variants are one page), and the
question, company and product pages carry OpenGraph and Twitter card tags for link
previews, as plain <meta> elements."""

from __future__ import annotations

import html
import re

import pytest

from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_product, make_question, make_user

BASE = "http://helpsquare.test"


def canonical(page: str) -> str:
    found = re.findall(r'<link rel="canonical" href="([^"]+)">', page)
    assert len(found) == 1, found
    return html.unescape(found[0])


def meta(page: str) -> dict[str, str]:
    tags = re.findall(
        r'<meta (?:property|name)="((?:og|twitter):[a-z_]+)" content="([^"]*)">', page
    )
    return {name: html.unescape(content) for name, content in tags}


@pytest.fixture
def forum():
    acme = make_company("Acme", description="Cloud storage for small teams.")
    drive = make_product(acme, "Drive", description="")
    question = make_question(
        acme, product=drive, title="Sync stops <after> the update",
        body="Since **4.2** nothing syncs.\n\n- laptop\n- phone",
    )  # fmt: skip
    make_answer(question)
    alice = make_user("alice")
    db.session.commit()
    return acme, drive, question, alice


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/", "/"),
        ("/companies/", "/companies/"),
        ("/companies/?sort=fastest", "/companies/"),
        ("/companies/acme", "/companies/acme"),
        ("/companies/acme?sort=newest", "/companies/acme"),
        ("/companies/acme?sort=me_too&kind=problem", "/companies/acme?kind=problem"),
        ("/companies/acme/products/drive?sort=newest", "/companies/acme/products/drive"),
        ("/questions?sort=newest&status=open", "/questions?status=open"),
        ("/search?q=sync&sort=x", "/search?q=sync"),
        ("/users/alice", "/users/alice"),
        ("/sign-in", "/sign-in"),
        ("/moderation/log", "/moderation/log"),
    ],
)
def test_every_list_and_page_names_its_canonical_address(client, forum, path, expected):
    response = client.get(path)

    assert response.status_code == 200
    assert canonical(response.get_data(as_text=True)) == BASE + expected


def test_a_later_page_of_a_list_is_its_own_canonical_page(client, forum):
    acme, *_ = forum
    for n in range(25):
        make_question(acme, title=f"Question {n}")
    db.session.commit()
    first = client.get("/companies/acme?sort=newest").get_data(as_text=True)
    later = html.unescape(re.search(r'href="([^"]*cursor=[^"]*)"', first).group(1))

    page = client.get(later).get_data(as_text=True)

    assert "cursor=" in canonical(page) and "sort=newest" in canonical(page)


def test_the_question_page_is_canonical_under_its_slug_and_previews_itself(client, forum):
    _, _, question, alice = forum
    own = f"{BASE}/questions/{question.id}/{question.slug}"

    for viewer in (client, login_as(client.application.test_client(), alice)):
        page = viewer.get(f"/questions/{question.id}/{question.slug}").get_data(as_text=True)

        assert canonical(page) == own
        tags = meta(page)
        assert tags["og:type"] == "article" and tags["og:url"] == own
        assert tags["og:title"] == tags["twitter:title"] == "Sync stops <after> the update"
        assert tags["og:description"] == "Since 4.2 nothing syncs. laptop phone"
        assert tags["twitter:card"] == "summary" and tags["og:site_name"] == "Helpsquare"
        assert "&lt;after&gt;" in page and "<after>" not in page
        # The QAPage data and our one static script (the preview's, issue 13): no third party.
        assert page.lower().count("<script") == 2
        assert page.count('<script src="/static/js/helpsquare.js?v=') == 1


def test_company_and_product_pages_preview_themselves(client, forum):
    company = meta(client.get("/companies/acme?sort=newest").get_data(as_text=True))
    product = meta(client.get("/companies/acme/products/drive").get_data(as_text=True))

    assert company["og:title"] == "Acme on Helpsquare"
    assert company["og:description"] == "Cloud storage for small teams."
    assert company["og:url"] == f"{BASE}/companies/acme"
    assert product["og:title"] == "Drive by Acme on Helpsquare"
    assert product["og:description"] == "Questions and answers about Drive by Acme."
    assert product["twitter:card"] == "summary"
