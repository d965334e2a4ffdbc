"""Feeds, the sitemap and robots.txt answer conditional requests: ETag and Last-Modified,
304 when the reader already holds them, and a five-minute public cache for signed-out
readers."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_question, make_user


@pytest.fixture
def paths():
    acme = make_company("Acme")
    drive = make_product(acme, "Drive")
    question = make_question(acme, product=drive, title="Drive sync stops")
    db.session.commit()
    return {
        "site feed": "/feeds/questions.atom",
        "company feed": "/companies/acme/feed.atom",
        "product feed": "/companies/acme/products/drive/feed.atom",
        "question feed": f"/questions/{question.id}/feed.atom",
        "sitemap": "/sitemap.xml",
    }


def test_every_feed_and_the_sitemap_carry_validators_and_a_public_cache_life(client, paths):
    for name, path in paths.items():
        response = client.get(path)

        assert response.status_code == 200, name
        assert response.headers["ETag"].startswith('"'), name
        assert response.last_modified is not None, name
        assert response.headers["Cache-Control"] in (
            "public, max-age=300",
            "max-age=300, public",
        ), name


def test_a_reader_holding_the_feed_gets_304_and_no_body(client, paths):
    for name, path in paths.items():
        first = client.get(path)

        by_etag = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        by_date = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})

        assert by_etag.status_code == 304 and by_etag.data == b"", name
        assert by_etag.headers["ETag"] == first.headers["ETag"], name
        assert by_date.status_code == 304 and by_date.data == b"", name


def test_a_new_question_changes_the_feed_and_the_reader_gets_it(client, paths):
    held = {path: client.get(path).headers["ETag"] for path in paths.values()}
    make_question(make_company("Globex"), title="Globex printer jams")
    db.session.commit()

    site = client.get(paths["site feed"], headers={"If-None-Match": held[paths["site feed"]]})
    sitemap = client.get(paths["sitemap"], headers={"If-None-Match": held[paths["sitemap"]]})
    company = client.get(
        paths["company feed"], headers={"If-None-Match": held[paths["company feed"]]}
    )

    assert site.status_code == 200 and b"Globex printer jams" in site.data
    assert sitemap.status_code == 200
    assert company.status_code == 304  # Acme's feed did not change


def test_robots_txt_is_conditional_too(client):
    first = client.get("/robots.txt")

    again = client.get("/robots.txt", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304


def test_a_signed_in_reader_keeps_the_feed_private(client, paths):
    login_as(client, make_user("ada"))

    response = client.get(paths["site feed"])

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_missing_feed_has_no_validators(client):
    response = client.get("/companies/nobody/feed.atom")

    assert response.status_code == 404
    assert "ETag" not in response.headers and "public" not in response.headers.get(
        "Cache-Control", ""
    )
