"""The query parser: what the search box's syntax means, and that no input escapes it."""

from __future__ import annotations

import pytest

from app.search.query import QUERY_MAX, TERMS_MAX, Term, parse, title_words


def test_words_must_all_appear():
    parsed = parse("sync  stops")

    assert parsed.groups == ((Term("sync"), Term("stops")),)
    assert parsed.fts5() == '("sync" AND "stops")'
    assert parsed.websearch() == "sync stops"


def test_quotes_keep_words_together_and_a_minus_leaves_out():
    parsed = parse('"sync stops" -update -"dark mode"')

    assert parsed.groups == (
        (
            Term("sync stops", phrase=True),
            Term("update", negated=True),
            Term("dark mode", phrase=True, negated=True),
        ),
    )
    assert parsed.fts5() == '((("sync stops") NOT "update") NOT "dark mode")'
    assert parsed.websearch() == '"sync stops" -update -"dark mode"'


def test_or_offers_alternatives():
    parsed = parse("crash OR freeze settings")

    assert parsed.groups == ((Term("crash"),), (Term("freeze"), Term("settings")))
    assert parsed.fts5() == '("crash") OR ("freeze" AND "settings")'
    assert parsed.websearch() == "crash or freeze settings"


@pytest.mark.parametrize(
    "text", ["", "   ", "-", '"', '""', "the", "how to", "-crash", "or", "***"]
)
def test_nothing_to_look_for(text):
    assert parse(text).is_empty


def test_stop_words_are_dropped_outside_quotes_only():
    assert parse("how to sync").groups == ((Term("sync"),),)
    assert parse('"how to sync"').groups == ((Term("how to sync", phrase=True),),)


@pytest.mark.parametrize(
    "text",
    [
        'NEAR(a b) AND c* OR title:x ^y "z',
        "\x00crash\x00",
        "a\"b'c(d)e{f}g[h]i*j:k^l+m-n",
        '\\"; DROP TABLE questions; --',
    ],
)
def test_every_term_reaches_fts5_quoted(text):
    expression = parse(text).fts5()

    # Outside the quoted strings only our own operators and parentheses remain.
    outside = expression.split('"')[::2]
    assert all(set(part) <= set(" ()ANDORNT") for part in outside), expression


def test_long_input_is_cut_and_terms_are_capped():
    parsed = parse(" ".join(f"word{i}" for i in range(1000)))

    assert sum(len(group) for group in parsed.groups) == TERMS_MAX
    assert len(parse("x" * 5000).groups[0][0].text) == QUERY_MAX


def test_title_words_keep_the_telling_ones_once():
    assert title_words("How do I stop the app crashing? The APP crashing!") == [
        "stop",
        "app",
        "crashing",
    ]
    assert title_words("\x00 - 4 the") == []
