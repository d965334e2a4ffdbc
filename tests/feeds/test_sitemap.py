"""sitemap.xml lists every company, product and question page; robots.txt points to it."""

from __future__ import annotations

from datetime import timedelta

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
    assert all(lastmods), "every page has a lastmod"


def test_a_company_or_product_changed_when_its_newest_listed_question_did(client, forum):
    acme, globex, drive, questions = forum
    lumen = make_company("Lumen")
    asked = make_question(acme, product=drive, title="Drive asks", age=timedelta(hours=-1))
    hidden = make_question(acme, title="Hidden", age=timedelta(hours=-2))
    hidden.hidden_at = hidden.created_at
    db.session.commit()

    root = parse(client.get("/sitemap.xml").data)
    lastmod = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }

    def seconds(moment):
        return moment.isoformat(timespec="seconds")

    newest = seconds(asked.last_activity_at)
    assert lastmod[f"{BASE}/companies/acme"] == newest  # not the hidden one, newer still
    assert lastmod[f"{BASE}/companies/acme/products/drive"] == newest
    assert lastmod[f"{BASE}/companies/globex"] == seconds(questions[-1].last_activity_at)
    assert lastmod[f"{BASE}/companies/lumen"] == seconds(lumen.created_at)  # no question yet
    assert lastmod[f"{BASE}/"] == newest


def test_a_large_site_gets_a_sitemap_index_of_files_within_the_limit(
    client, app, forum, monkeypatch
):
    acme, globex, drive, questions = forum
    flat = locs(parse(client.get("/sitemap.xml").data))  # before the limit
    monkeypatch.setitem(app.config, "SITEMAP_MAX_URLS", 3)

    root = parse(client.get("/sitemap.xml").data)

    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = locs(root)
    assert all(is_absolute(part) for part in parts)
    seen: list[str] = []
    for entry in root.iter(f"{SITEMAP}sitemap"):
        response = client.get(entry.findtext(f"{SITEMAP}loc").removeprefix(BASE))
        assert response.status_code == 200
        file = parse(response.data)
        urls = locs(file)
        assert len(urls) <= 3
        seen += urls
        # The entry's lastmod is the newest of its file's.
        assert entry.findtext(f"{SITEMAP}lastmod") == max(
            url.findtext(f"{SITEMAP}lastmod") for url in file.iter(f"{SITEMAP}url")
        )
    assert sorted(seen) == sorted(flat)  # the index keeps every URL, the home page too
    assert sorted(seen) == sorted(
        [
            f"{BASE}/",
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
        "/sitemaps/pages-2.xml",
    ],
)
def test_sitemap_parts_that_do_not_exist_are_not_found(client, forum, path):
    assert client.get(path).status_code == 404


def test_an_empty_site_has_a_sitemap_with_its_home_page(client):
    assert locs(parse(client.get("/sitemap.xml").data)) == [f"{BASE}/"]


def test_robots_txt_points_to_the_sitemap_and_lets_crawlers_read_search_noindex(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).splitlines() == [
        "User-agent: *",
        "Allow: /",
        f"Sitemap: {BASE}/sitemap.xml",
    ]
    # Crawlers may fetch /search, and so read that its results are not to be indexed.
    search = client.get("/search?q=sync").get_data(as_text=True)
    assert '<meta name="robots" content="noindex, follow">' in search
