"""Responses leave compressed (flask-compress): Brotli or gzip as the client asks, for text
over 500 bytes, with ``Vary: Accept-Encoding``; not at all when the proxy compresses
(``PROXY_COMPRESSES``). The page cache keeps a page once, uncompressed, whatever the
encodings its readers ask for."""

from __future__ import annotations

import gzip

import brotli
import pytest

from app import create_app
from app.extensions import cache, db
from tests.factories import make_answer, make_question

CSS = "/static/css/helpsquare.css"


@pytest.fixture
def question():
    question = make_question(title="Drive stops syncing", body="It stops. " * 100)
    make_answer(question, body="Sign out and in again.")
    db.session.commit()
    return question


def _path(question) -> str:
    return f"/questions/{question.id}/{question.slug}"


def _decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    if encoding == "gzip":
        return gzip.decompress(response.data)
    assert encoding is None
    return response.data


def _without_nonce(body: bytes, response) -> bytes:
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    return body.replace(nonce.encode(), b"NONCE")


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_pages_and_styles_leave_compressed_as_the_client_asks(client, question, encoding):
    plain = client.get(_path(question))
    for path in (_path(question), CSS):
        response = client.get(path, headers={"Accept-Encoding": encoding})

        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding, path
        assert "Accept-Encoding" in response.headers["Vary"]
        assert len(response.data) < len(_decoded(response)) / 2
    page = client.get(_path(question), headers={"Accept-Encoding": encoding})
    assert _without_nonce(_decoded(page), page) == _without_nonce(plain.data, plain)


def test_brotli_is_chosen_when_the_client_takes_both(client, question):
    response = client.get(_path(question), headers={"Accept-Encoding": "gzip, deflate, br"})

    assert response.headers["Content-Encoding"] == "br"


def test_small_answers_and_clients_that_ask_for_none_are_sent_as_they_are(client, question):
    small = client.get("/robots.txt", headers={"Accept-Encoding": "br, gzip"})
    plain = client.get(_path(question))

    assert len(small.data) < 500 and "Content-Encoding" not in small.headers
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]  # a shared cache must not mix them


def test_a_compressed_feed_still_answers_304(client, question):
    first = client.get("/feeds/questions.atom", headers={"Accept-Encoding": "gzip"})

    again = client.get(
        "/feeds/questions.atom",
        headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]},
    )

    assert first.headers["Content-Encoding"] == "gzip"
    assert again.status_code == 304


def test_nothing_is_compressed_when_the_proxy_compresses(app):
    behind_proxy = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PROXY_COMPRESSES": True,
        }
    )

    response = behind_proxy.test_client().get(
        CSS, headers={"Accept-Encoding": "br, gzip"}, buffered=True
    )

    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" not in response.headers.get("Vary", "")


def test_the_page_cache_keeps_one_uncompressed_copy(app, client, question, page_cache_on):
    answers = [
        client.get(_path(question), headers={"Accept-Encoding": encoding})
        for encoding in ("br", "gzip", "identity", "br")
    ]

    with app.app_context():
        store = cache.cache._cache  # SimpleCache's own dict: key -> (expiry, value)
        pages = [key for key in store if "page:" in key]
        assert len(pages) == 1
        kept = cache.get(pages[0].removeprefix(app.config.get("CACHE_KEY_PREFIX") or ""))
    # UTF-8 bytes cut where the CSP nonce stood (at least the script tag's).
    assert isinstance(kept, tuple) and len(kept) > 1 and b"<html" in kept[0]
    bodies = {_without_nonce(_decoded(each), each) for each in answers}
    assert len(bodies) == 1
    assert [each.headers.get("Content-Encoding") for each in answers] == ["br", "gzip", None, "br"]
