"""Hostile Markdown in questions and answers renders inert on the question page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.answers.models import Answer
from app.db import utcnow
from app.extensions import db
from app.questions.models import Question
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_user
from tests.questions.helpers import prose_blocks, text

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "![x](x onerror=alert(1))",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    '<a style="color:red" href="https://example.org">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
    "</style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '[x](https://example.org "title" onmouseover=alert(1))',
    '[ref]\n\n[ref]: javascript:alert(1) "t"',
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    '<https://example.org/"onmouseover="alert(1)>',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "[ok](https://example.org/safe)",
]
SOURCE = "\n\n".join(HOSTILE)

_ATTR = re.compile(r"""\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")


def _url_scheme(value: str) -> str:
    """The URL scheme a browser would read ("" for a relative URL).

    Entities are decoded and control characters and spaces dropped first, as
    browsers drop tabs and newlines anywhere in a URL.
    """
    decoded = html.unescape(value.strip("\"'"))
    decoded = re.sub(r"[\x00-\x20]", "", decoded).lower()
    scheme = re.match(r"([a-z][a-z0-9+.\-]*):", decoded)
    return scheme.group(1) if scheme else ""


def assert_inert(block: str) -> None:
    for name, attrs in _TAG.findall(block):
        assert name.lower() not in {"script", "iframe", "svg", "math", "form", "style", "details"}
        for attr, value in _ATTR.findall(attrs):
            attr = attr.lower()
            assert not attr.startswith("on"), (name, attr)
            assert attr != "style", name
            if attr in {"href", "src", "action", "formaction", "xlink:href"}:
                assert _url_scheme(value) in {"", "http", "https", "mailto"}, (attr, value)
        if name.lower() == "a" and 'href="' in attrs:
            assert 'rel="nofollow ugc"' in attrs
    assert "<script" not in block.lower()


def test_hostile_question_and_answer_render_inert(client):
    make_company("Acme")
    # Accounts past their first day: the corpus holds more links than a new account may post.
    week_ago = utcnow() - timedelta(days=7)
    asker = make_user("asker", created_at=week_ago)
    peer = make_user("peer", created_at=week_ago)
    db.session.commit()
    login_as(client, asker)
    asked = client.post(
        "/companies/acme/ask", data={"title": "<script>alert(1)</script> title", "body": SOURCE}
    )
    question = db.session.scalars(sa.select(Question)).one()
    login_as(client, peer)
    answered = client.post(f"/questions/{question.id}/answers", data={"body": SOURCE})

    page = text(client.get(asked.location))

    assert asked.status_code == answered.status_code == 303
    blocks = prose_blocks(page)
    assert len(blocks) == 2
    for block in blocks:
        assert_inert(block)
        assert '<a href="https://example.org/safe" rel="nofollow ugc">ok</a>' in block
    # The scripts on the page are the JSON-LD data block (tested in tests/feeds) and our
    # one static script (the preview's: issue 13).
    without_data = re.sub(
        r'<script type="application/ld\+json" nonce="[^"]+">.*?</script>'
        r'|<script src="/static/js/helpsquare\.js\?v=[^"]+" defer nonce="[^"]+"></script>',
        "",
        page,
        count=2,
        flags=re.S,
    )
    assert "<script" not in without_data.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; title" in page
    answer = db.session.scalars(sa.select(Answer)).one()
    assert answer.body == SOURCE


@pytest.mark.parametrize("source", HOSTILE)
def test_each_hostile_string_alone_is_inert_in_an_answer(client, source):
    question = make_question(make_company("Acme"), slug="q")
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    client.post(f"/questions/{question.id}/answers", data={"body": source})
    page = text(client.get(f"/questions/{question.id}/q"))

    blocks = prose_blocks(page)
    assert len(blocks) == 2
    for block in blocks:
        assert_inert(block)


@pytest.mark.parametrize(
    "live",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)" rel="nofollow ugc">x</a>',
        '<a href="java&#x09;script:alert(1)" rel="nofollow ugc">x</a>',
        '<a href=" JaVaScRiPt:alert(1)" rel="nofollow ugc">x</a>',
        '<img src="data:image/svg+xml;base64,AAAA">',
        '<a href="https://example.org" style="color:red" rel="nofollow ugc">x</a>',
        '<a href="https://example.org">no rel</a>',
        "<svg><circle/></svg>",
    ],
)
def test_the_checker_itself_catches_live_markup(live):
    with pytest.raises(AssertionError):
        assert_inert(live)
