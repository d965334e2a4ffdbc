"""sitemap.xml lists every company, product and question page; robots.txt points to it."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories import make_company, make_product, make_question
from tests.feeds.helpers import SITEMAP, is_absolute, parse

BASE = "http://helpsquare.test"


@pytest.fixture
def forum():
    acme = make_company("Acme")
    globex = make_company("Globex")
    drive = make_product(acme, "Drive")
    questions = [make_question(acme, title=f"Question {n}") for n in range(3)]
    questions.append(make_question(globex, product=None, title="Globex one"))
    db.session.commit()
    return acme, globex, drive, questions


def locs(root) -> list[str]:
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_one_sitemap_lists_every_page(client, forum):
    acme, globex, drive, questions = forum

    response = client.get("/sitemap.xml")

    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = parse(response.data)
    assert root.tag == f"{SITEMAP}urlset"
    urls = locs(root)
    assert urls[0] == f"{BASE}/"
    assert f"{BASE}/companies/acme" in urls and f"{BASE}/companies/globex" in urls
    assert f"{BASE}/companies/acme/products/drive" in urls
    for question in questions:
        assert f"{BASE}/questions/{question.id}/{question.slug}" in urls
    assert len(urls) == 1 + 2 + 1 + 4 and all(is_absolute(url) for url in urls)
    lastmods = [url.findtext(f"{SITEMAP}lastmod") for url in root.iter(f"{SITEMAP}url")]
    assert lastmods[-1] == questions[-1].last_activity_at.isoformat(timespec="seconds")


def test_a_large_site_gets_a_sitemap_index_of_files_within_the_limit(
    client, app, forum, monkeypatch
):
    acme, globex, drive, questions = forum
    monkeypatch.setitem(app.config, "SITEMAP_MAX_URLS", 3)

    root = parse(client.get("/sitemap.xml").data)

    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = locs(root)
    assert all(is_absolute(part) for part in parts)
    seen: list[str] = []
    for part in parts:
        response = client.get(part.removeprefix(BASE))
        assert response.status_code == 200
        urls = locs(parse(response.data))
        assert len(urls) <= 3
        seen += urls
    assert sorted(seen) == sorted(
        [
            f"{BASE}/companies/acme",
            f"{BASE}/companies/globex",
            f"{BASE}/companies/acme/products/drive",
        ]
        + [f"{BASE}/questions/{q.id}/{q.slug}" for q in questions]
    )


@pytest.mark.parametrize(
    "path",
    [
        "/sitemaps/users-1.xml",
        "/sitemaps/questions-0.xml",
        "/sitemaps/questions-99999.xml",
        "/sitemaps/questions-99999999999999999999999.xml",
        "/sitemaps/questions--1.xml",
    ],
)
def test_sitemap_parts_that_do_not_exist_are_not_found(client, forum, path):
    assert client.get(path).status_code == 404


def test_an_empty_site_has_a_sitemap_with_its_home_page(client):
    assert locs(parse(client.get("/sitemap.xml").data)) == [f"{BASE}/"]


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_off_search(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).splitlines() == [
        "User-agent: *",
        "Disallow: /search",
        f"Sitemap: {BASE}/sitemap.xml",
    ]
