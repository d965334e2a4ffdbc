"""Speed in the browser (issue 7): every key page loads at most one stylesheet and one small
script of our own, no web font, nothing from another host; our static files carry a content
hash in their URL and may be cached for a year."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import Browsing
from tests.e2e.pages import KEY_PAGES, KeyPage
from tests.e2e.test_key_pages import open_key_page

pytestmark = pytest.mark.e2e

# "Small": progressive enhancement, not an application. Measured as it travels (gzip: the
# server compresses it), since issue 13 gave the one script several small blocks (similar
# questions, preview, actions in place…), each with its explaining comment.
SCRIPT_MAX_BYTES = 8 * 1024
YEAR = 31536000

WHAT_THE_PAGE_LOADS = """() => ({
    stylesheets: [...document.querySelectorAll('link[rel~="stylesheet"]')].map(l => l.href),
    scripts: [...document.querySelectorAll("script[src]")].map(s => s.src),
    fontFaces: [...document.styleSheets].flatMap(sheet => [...sheet.cssRules])
        .filter(rule => rule instanceof CSSFontFaceRule).length,
    resources: performance.getEntriesByType("resource").map(entry => entry.name),
})"""


@pytest.mark.parametrize("key_page", KEY_PAGES, ids=[p.name for p in KEY_PAGES])
def test_a_key_page_loads_one_stylesheet_one_small_script_and_nothing_else(
    browsing: Browsing, page_as: Callable[..., Page], key_page: KeyPage
) -> None:
    page = page_as(key_page.user) if key_page.user else browsing.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    open_key_page(page, key_page)
    page.wait_for_load_state("networkidle")
    loads = page.evaluate(WHAT_THE_PAGE_LOADS)

    origin = urlsplit(browsing.server.url).netloc
    elsewhere = [url for url in requested + loads["resources"] if urlsplit(url).netloc != origin]
    assert not elsewhere, f"requests to other hosts: {elsewhere}"
    assert len(loads["stylesheets"]) == 1, loads["stylesheets"]
    assert len(loads["scripts"]) <= 1, loads["scripts"]
    assert loads["fontFaces"] == 0, "web fonts are not used"
    for url in loads["stylesheets"] + loads["scripts"]:
        response = page.request.get(url)
        assert response.status == 200, url
        assert parse_qs(urlsplit(url).query).get("v"), f"no content hash in {url}"
        assert f"max-age={YEAR}" in response.headers.get("cache-control", ""), url
        if url in loads["scripts"]:
            assert len(gzip.compress(response.body())) <= SCRIPT_MAX_BYTES, url
