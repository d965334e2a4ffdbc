"""app/content.py: user Markdown comes out as inert, sanitized HTML."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from app.content import RENDERER_VERSION, render, sanitize, to_text

HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)" style="color:red">x</a>',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "![x](javascript:alert(1))",
    '![x](https://example.com/a.png "t" onerror="alert(1)")',
    "<details open ontoggle=alert(1)>",
    "[a]: javascript:alert(1)\n\n[link][a]",
]


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def _inert(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "iframe", "svg", "math", "style", "object", "embed"}, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in {"href", "src"}:
                # What a browser does with the value: control characters removed, then the scheme.
                cleaned = "".join(ch for ch in value if ord(ch) > 0x20).lower()
                scheme = urlsplit(cleaned).scheme
                assert scheme in {"", "http", "https", "mailto"}, html


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_hostile_markdown_renders_inert(source):
    _inert(render(source).html)


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="java\nscript:alert(1)">x</a>',
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<script>alert(1)</script>",
        "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    ],
)
def test_sanitize_strips_hostile_html(html):
    _inert(sanitize(html))


def test_links_survive_with_rel_nofollow_ugc():
    html = render("[docs](https://example.com/docs) and mail [us](mailto:help@example.com)").html
    assert '<a href="https://example.com/docs" rel="nofollow ugc">docs</a>' in html
    assert '<a href="mailto:help@example.com" rel="nofollow ugc">us</a>' in html


def test_bare_urls_become_links_but_not_inside_code():
    html = render("See https://example.com\n\n    https://not-a-link.example").html
    assert '<a href="https://example.com" rel="nofollow ugc">' in html
    assert "<code>https://not-a-link.example" in html


def test_markdown_formatting_is_kept():
    html = render("**bold** _em_ `code`\n\n- one\n- two\n\n> quoted").html
    for tag in ("<strong>bold</strong>", "<em>em</em>", "<code>code</code>", "<li>one</li>"):
        assert tag in html
    assert "<blockquote>" in html


@pytest.mark.parametrize("source", [*HOSTILE_MARKDOWN, "[a](https://x.org) & <b>", "plain"])
def test_sanitizing_twice_changes_nothing(source):
    once = render(source).html
    assert sanitize(once) == once


def test_render_records_the_renderer_version_and_survives_nul_bytes():
    rendered = render("nul\x00byte")
    assert rendered.version == RENDERER_VERSION
    assert "\x00" not in rendered.html


def test_to_text_gives_a_plain_excerpt():
    assert to_text("**Hello** & <b>goodbye</b>") == "Hello & <b>goodbye</b>"
    assert to_text("word " * 100, limit=20).endswith("…")
    assert len(to_text("word " * 100, limit=20)) == 20
