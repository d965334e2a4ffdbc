"""Reading our own feeds and sitemaps back as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own server's output, in a test


def is_absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_atom(data: bytes) -> ET.Element:
    """What RFC 4287 requires of a feed and its entries (and our absolute links)."""
    feed = parse(data)
    assert feed.tag == f"{ATOM}feed"
    _check_common(feed)
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert is_absolute(links.get("self")) and is_absolute(links.get("alternate"))
    assert feed.findtext(f"{ATOM}author/{ATOM}name")
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    for entry in feed.findall(f"{ATOM}entry"):
        _check_common(entry)
        assert entry.findtext(f"{ATOM}author/{ATOM}name")
        alternate = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(alternate) == 1 and is_absolute(alternate[0].get("href"))
    return feed


def _check_common(element: ET.Element) -> None:
    assert (element.findtext(f"{ATOM}title") or "").strip()
    assert is_absolute(element.findtext(f"{ATOM}id"))
    updated = datetime.fromisoformat(element.findtext(f"{ATOM}updated") or "")
    assert updated.tzinfo is not None


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def entry_titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") or "" for entry in entries(feed)]
