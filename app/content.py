"""User Markdown → sanitized HTML. The ONLY place Helpsquare sanitizes.

Markdown is rendered by markdown-it-py with raw HTML switched off, and the
result is cleaned by bleach against an allowlist. Links keep only http, https
and mailto, and every link gets ``rel="nofollow ugc"``. The source is stored
with the rendered HTML and ``RENDERER_VERSION``; bump the version whenever the
output would change, and re-render stored content.

bleach is no longer released (June 2026): keeping it behind ``render`` and
``sanitize`` alone means swapping the engine touches this file only, and the
Content-Security-Policy stays as the second line of defence.
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

RENDERER_VERSION = 1

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong",
        "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "title"],
    "ol": ["start"],
    "td": ["align"],
    "th": ["align"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def _set_rel(attrs: dict, new: bool = False) -> dict:
    """Every user link is marked as user content the site does not vouch for."""
    attrs[(None, "rel")] = "nofollow ugc"
    return attrs


def _make_cleaner(tags: frozenset[str], attributes: dict[str, list[str]]) -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=tags,
        attributes=attributes,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
    )


_cleaner = _make_cleaner(ALLOWED_TAGS, ALLOWED_ATTRIBUTES)

# Comments (app/comments): a line or two of clarification, so inline formatting and links
# only. The Markdown parser knows nothing else (no headings, lists, tables, code blocks,
# images: their syntax stays text), and the allowlist holds nothing else either, so even a
# parser change could not let an image through.
COMMENT_TAGS = frozenset({"a", "br", "code", "del", "em", "p", "s", "strong"})
COMMENT_ATTRIBUTES = {"a": ["href", "title", "rel"]}
_comment_markdown = MarkdownIt("zero", {"html": False, "linkify": False}).enable(
    ["emphasis", "backticks", "link", "autolink", "strikethrough", "escape", "entity", "newline"]
)
_comment_cleaner = _make_cleaner(COMMENT_TAGS, COMMENT_ATTRIBUTES)


@dataclass(frozen=True)
class Rendered:
    """Sanitized HTML and the renderer version that produced it."""

    html: str
    version: int = RENDERER_VERSION


def sanitize(html: str) -> str:
    """Clean HTML against the allowlist; sanitizing twice changes nothing."""
    return _cleaner.clean(html)


def render(markdown_source: str) -> Rendered:
    """Render user Markdown to sanitized HTML, ready to store beside its source."""
    source = markdown_source.replace("\x00", "\ufffd")
    return Rendered(html=sanitize(_markdown.render(source)))


def render_comment(markdown_source: str) -> Rendered:
    """Render a comment's Markdown (inline formatting and links, no images) to sanitized
    HTML, ready to store beside its source; the same ``RENDERER_VERSION`` as posts."""
    source = markdown_source.replace("\x00", "\ufffd")
    return Rendered(html=_comment_cleaner.clean(_comment_markdown.render(source)))


class _LinkCounter(HTMLParser):
    """Counts the links and images in sanitized HTML (each points somewhere else)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "img": "src"}.get(tag)
        if wanted and any(name == wanted and value for name, value in attrs):
            self.count += 1


def count_links(markdown_source: str, *, comment: bool = False) -> int:
    """How many links a post's Markdown makes, as readers will see them.

    Counted in what ``render`` makes: Markdown links, autolinks, bare addresses the
    linkifier turns into links (``example.com`` too), and images, which point elsewhere
    just as links do; nothing in code, and nothing the sanitizer drops (``javascript:``).
    """
    counter = _LinkCounter()
    counter.feed((render_comment if comment else render)(markdown_source).html)
    counter.close()
    return counter.count


def to_text(markdown_source: str, limit: int = 200) -> str:
    """A plain-text excerpt for list pages and meta descriptions."""
    text = bleach.clean(_markdown.render(markdown_source), tags=set(), strip=True)
    text = " ".join(html_lib.unescape(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
