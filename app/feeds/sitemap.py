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
DEFAULT_MAX_URLS = 50_000


def max_urls() -> int:
    return int(current_app.config.get("SITEMAP_MAX_URLS", DEFAULT_MAX_URLS))


def _xml(root: ET.Element) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/xml")


def _urlset(urls: Iterable[tuple[str, datetime | None]]) -> Response:
    root = ET.Element("urlset", xmlns=NAMESPACE)
    for loc, lastmod in urls:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = loc
        if lastmod is not None:
            ET.SubElement(url, "lastmod").text = lastmod.isoformat(timespec="seconds")
    return _xml(root)


def _section_urls(section: str, first_id: int, limit: int) -> list[tuple[str, datetime | None]]:
    if section == "companies":
        return [
            (url_for("companies.show", slug=slug, _external=True), None)
            for slug in queries.company_slugs(first_id, limit)
        ]
    if section == "products":
        return [
            (
                url_for(
                    "products.show", company_slug=company, product_slug=product, _external=True
                ),
                None,
            )
            for company, product in queries.product_slugs(first_id, limit)
        ]
    return [
        (url_for("questions.show", question_id=qid, slug=slug, _external=True), active)
        for qid, slug, active in queries.question_entries(first_id, limit)
    ]


def sitemap() -> Response:
    """Every page in one file, or an index of files when there are too many for one."""
    size = max_urls()
    if 1 + queries.sitemap_total() <= size:
        home = [(url_for("questions.home", _external=True), None)]
        everything = home + [url for section in SECTIONS for url in _section_urls(section, 1, size)]
        return _urlset(everything)
    # Each file starts at the id of every size-th row, so none is empty or over the limit.
    root = ET.Element("sitemapindex", xmlns=NAMESPACE)
    for section in SECTIONS:
        for first_id in queries.first_ids(section, size):
            entry = ET.SubElement(root, "sitemap")
            ET.SubElement(entry, "loc").text = url_for(
                "feeds.sitemap_part", section=section, first_id=first_id, _external=True
            )
    return _xml(root)


def sitemap_part(section: str, first_id: int) -> Response | None:
    """One file of the index: up to the limit of ``section``'s pages from id ``first_id`` on."""
    if section not in SECTIONS or first_id < 1:
        return None
    urls = _section_urls(section, first_id, max_urls())
    return _urlset(urls) if urls else None
