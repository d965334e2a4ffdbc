"""Plain text from stored content, and search-result highlights made safe for HTML.

The index holds words, not markup: what a question or answer *says*, taken
from its sanitized HTML. Highlights come back from the database with two
private-use characters around each match; ``highlight`` escapes the text first
and only then turns those characters into ``<mark>`` elements, so nothing a
user wrote is ever markup. The characters are removed from indexed text, so a
user cannot type them to fake a highlight.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import Markup, escape

# Around each match in titles and snippets the database returns (never in indexed text).
MARK_START = "\ue000"
MARK_END = "\ue001"
# Stands in for "<" while PostgreSQL builds a headline: its parser takes "<…>" for an XML
# tag and leaves it out of headlines, and a title about "<div>" must keep its words.
LESS_THAN = "\ue002"

_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
# Characters XML 1.0 refuses (feeds, sitemaps), and lone surrogates.
_NOT_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_XML_INVALID = re.compile(f"[{_NOT_XML}]")
# ... and the markers: never part of indexed text.
_UNWANTED = re.compile(f"[{_NOT_XML}{MARK_START}{MARK_END}{LESS_THAN}]")


# Elements that end a line of text; inline ones (em, a, code…) join their words.
_BREAKS = frozenset(
    "address blockquote br dd div dl dt h1 h2 h3 h4 h5 h6 hr li ol p pre table td th tr ul".split()
)


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment; block elements and line breaks part words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")


def plain_text(html: str) -> str:
    """The words of a fragment of (sanitized) HTML, with single spaces between them."""
    parser = _TextOnly()
    parser.feed(html or "")
    parser.close()
    return clean_text("".join(parser.parts))


class _Lines(_TextOnly):
    """Collects the text of an HTML fragment line by line: block elements end a line, a
    list item starts one with "- "."""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BREAKS:
            self.parts.append("\n- " if tag == "li" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")


def text_with_lines(html: str) -> str:
    """The text of a fragment of (sanitized) HTML with its line breaks kept: one line per
    paragraph, list item or line of code, words in a line folded as ``plain_text`` does."""
    parser = _Lines()
    parser.feed(html or "")
    parser.close()
    lines = (clean_text(line) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line and line != "-")


def clean_text(text: str) -> str:
    """``text`` without control characters or highlight markers, whitespace folded."""
    return " ".join(_UNWANTED.sub(" ", text or "").split())


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (layout kept as it is)."""
    return _XML_INVALID.sub("", text or "")


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def highlight(marked: str | None) -> Markup:
    """Escaped text with the database's match markers turned into ``<mark>`` elements."""
    escaped = str(escape(marked or ""))
    wrapped = _MARKED.sub(r"<mark>\1</mark>", escaped)
    # A marker left alone (a snippet cut inside a match) is dropped, never half a tag.
    return Markup(wrapped.replace(MARK_START, "").replace(MARK_END, ""))  # noqa: S704 - escaped above


def has_match(marked: str | None) -> bool:
    return bool(marked) and MARK_START in marked
