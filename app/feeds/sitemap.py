"""sitemap.xml (sitemaps.org 0.9): every company, product and question page.

One file while the site has at most ``SITEMAP_MAX_URLS`` pages (50,000, the protocol's
limit); above that, /sitemap.xml becomes a sitemap index whose files each list up to
the limit of one kind of page, starting at a given id (keyset pages: a file's address
and contents stay put as new pages arrive, and none is empty).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import datetime

from flask import Response, current_app, url_for

from app.feeds import queries

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
SECTIONS = ("companies", "products", "questions")
# The pages that are not companies, products or questions (the home page): one file.
PAGES = "pages"
DEFAULT_MAX_URLS = 50_000


def max_urls() -> int:
    return int(current_app.config.get("SITEMAP_MAX_URLS", DEFAULT_MAX_URLS))


def _xml(root: ET.Element) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/xml")


def _xml_modified(root: ET.Element, times: Iterable[datetime | None]) -> Response:
    """The file, with ``Last-Modified`` the newest ``lastmod`` it holds (if any)."""
    response = _xml(root)
    known = [moment for moment in times if moment is not None]
    if known:
        response.last_modified = max(known)
    return response


def _lastmod(element: ET.Element, lastmod: datetime | None) -> None:
    if lastmod is not None:
        ET.SubElement(element, "lastmod").text = lastmod.isoformat(timespec="seconds")


def _urlset(urls: list[tuple[str, datetime | None]]) -> Response:
    root = ET.Element("urlset", xmlns=NAMESPACE)
    for loc, lastmod in urls:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = loc
        _lastmod(url, lastmod)
    return _xml_modified(root, (lastmod for _, lastmod in urls))


def _section_urls(section: str, first_id: int, limit: int) -> list[tuple[str, datetime | None]]:
    if section == "companies":
        return [
            (url_for("companies.show", slug=slug, _external=True), lastmod)
            for slug, lastmod in queries.company_slugs(first_id, limit)
        ]
    if section == "products":
        return [
            (
                url_for(
                    "products.show", company_slug=company, product_slug=product, _external=True
                ),
                lastmod,
            )
            for company, product, lastmod in queries.product_slugs(first_id, limit)
        ]
    return [
        (url_for("questions.show", question_id=qid, slug=slug, _external=True), active)
        for qid, slug, active in queries.question_entries(first_id, limit)
    ]


def _home(lastmod: datetime | None) -> tuple[str, datetime | None]:
    return url_for("questions.home", _external=True), lastmod


def sitemap() -> Response:
    """Every page in one file, or an index of files when there are too many for one."""
    size = max_urls()
    if 1 + queries.sitemap_total() <= size:
        pages = [url for section in SECTIONS for url in _section_urls(section, 1, size)]
        # The home page lists the newest questions: it changed when the newest page did.
        newest = max((lastmod for _, lastmod in pages if lastmod is not None), default=None)
        return _urlset([_home(newest), *pages])
    # Each file starts at the id of every size-th row, so none is empty or over the limit;
    # the home page has a file of its own, so the index keeps every URL the flat file has.
    root = ET.Element("sitemapindex", xmlns=NAMESPACE)
    files = [(PAGES, 1, queries.newest_activity())] + [
        (section, first_id, lastmod)
        for section in SECTIONS
        for first_id, lastmod in queries.sitemap_files(section, size)
    ]
    for section, first_id, lastmod in files:
        entry = ET.SubElement(root, "sitemap")
        ET.SubElement(entry, "loc").text = url_for(
            "feeds.sitemap_part", section=section, first_id=first_id, _external=True
        )
        _lastmod(entry, lastmod)
    return _xml_modified(root, (lastmod for *_, lastmod in files))


def sitemap_part(section: str, first_id: int) -> Response | None:
    """One file of the index: up to the limit of ``section``'s pages from id ``first_id`` on
    (the ``pages`` file: the home page)."""
    if section == PAGES:
        return _urlset([_home(queries.newest_activity())]) if first_id == 1 else None
    if section not in SECTIONS or first_id < 1:
        return None
    urls = _section_urls(section, first_id, max_urls())
    return _urlset(urls) if urls else None
