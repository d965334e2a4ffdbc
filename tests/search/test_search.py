"""Searching: relevance, stemming, phrases, exclusion, filters, answers' text, highlights."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.questions.models import Kind, Status
from app.search.queries import MAX_PAGES, search_questions
from tests.factories import make_company
from tests.search.helpers import Corpus, ask, corpus


@pytest.fixture
def c() -> Corpus:
    return corpus()


def titles(text: str, **filters) -> list[str]:
    return [hit.question.title for hit in search_questions(text, **filters).hits]


def page_titles(html: str) -> list[str]:
    """The result titles on a results page, without their highlight markup."""
    found = re.findall(r'<h3 class="question-item__title"><a href="[^"]+">(.*?)</a></h3>', html)
    return [re.sub(r"</?mark>", "", title) for title in found]


def test_a_title_match_ranks_above_a_mention_in_the_text_and_in_an_answer(c):
    found = titles("crash", company_id=c.acme.id)

    assert found == [c.crash_title.title, c.crash_body.title, c.crash_answer.title]


def test_stemming_finds_crashes_for_crashing(c):
    assert c.crash_title.title in titles("crashing")
    assert c.crash_title.title in titles("CRASHED")


def test_a_quoted_phrase_needs_its_words_together(c):
    assert titles('"sync stops"') == [c.sync_phrase.title]
    assert set(titles("sync stops")) == {c.sync_phrase.title, c.sync_apart.title}


def test_a_minus_leaves_out_questions_with_that_word(c):
    assert titles("sync -update") == [c.sync_apart.title]
    assert titles('stops -"4.2 update"') == [c.sync_apart.title]


def test_or_finds_either(c):
    assert set(titles("currency or invoices")) == {c.billing.title, c.crash_answer.title}


def test_an_answer_finds_its_question(c):
    assert titles("Billing moved") == [c.crash_answer.title]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"company": "globex"}, {"globex_crash"}),
        ({"company": "acme", "product": "drive"}, {"crash_title"}),
        ({"company": "acme", "kind": "problem"}, set()),
        (
            {"kind": "question", "status": "open"},
            {"globex_crash", "crash_title", "crash_body", "crash_answer"},
        ),
    ],
)
def test_results_can_be_narrowed(client, c, filters, expected):
    response = client.get("/search", query_string={"q": "crash", **filters})

    assert response.status_code == 200
    found = page_titles(response.get_data(as_text=True))
    assert sorted(found) == sorted(getattr(c, name).title for name in expected)


def test_kind_and_status_filters(c):
    assert titles("stops", kind=Kind.PROBLEM) == [c.sync_apart.title]
    assert titles("stops", status=Status.ACKNOWLEDGED) == [c.sync_apart.title]
    assert titles("stops", kind=Kind.IDEA) == []


def test_the_results_page_highlights_matches_in_titles_and_snippets(client, c):
    page = client.get("/search", query_string={"q": "crashing"}).get_data(as_text=True)

    assert "App <mark>crashes</mark> when opening settings" in page
    assert "the app <mark>crashed</mark> twice" in page
    assert "Questions matching “crashing”" in page
    assert '<meta name="robots" content="noindex, follow">' in page


def test_user_text_in_results_is_escaped_before_highlighting(client):
    acme = make_company("Acme")
    ask(
        acme,
        "<script>alert(1)</script> crash <b>bold</b>",
        'The crash <img src=x onerror="alert(2)"> & </mark><mark> here',
    )

    page = client.get("/search", query_string={"q": "crash"}).get_data(as_text=True)

    results = page.split('class="question-list search-results"')[1]
    assert "<script>" not in results and "<img" not in results and "<b>" not in results
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>crash</mark> &lt;b&gt;bold&lt;/b&gt;"
        in results
    )
    assert "The <mark>crash</mark> &lt;img src=x onerror=" in results
    assert "&amp; &lt;/mark&gt;&lt;mark&gt; here" in results


def test_typed_highlight_markers_cannot_fake_a_match(client):
    acme = make_company("Acme")
    ask(acme, "Printer \ue000jams\ue001 daily", "Paper \ue000gets stuck\ue001 in the printer.")

    page = client.get("/search", query_string={"q": "printer"}).get_data(as_text=True)

    assert "<mark>jams</mark>" not in page and "<mark>gets stuck</mark>" not in page
    assert "<mark>Printer</mark> jams daily" in page


def test_results_come_in_pages_of_twenty(client):
    acme = make_company("Acme")
    for n in range(25):
        ask(acme, f"Router number {n} drops wifi", "It drops.")

    first = client.get("/search", query_string={"q": "wifi"}).get_data(as_text=True)
    second = client.get("/search", query_string={"q": "wifi", "page": "2"}).get_data(as_text=True)

    assert len(page_titles(first)) == 20 and len(page_titles(second)) == 5
    assert not set(page_titles(first)) & set(page_titles(second))
    assert 'rel="next" href="/search?q=wifi&amp;page=2"' in first
    assert 'rel="prev" href="/search?q=wifi&amp;page=1"' in second
    assert 'rel="next"' not in second


def test_page_numbers_beyond_the_last_are_clamped(c):
    assert search_questions("crash", page=MAX_PAGES + 50).page == MAX_PAGES
    assert search_questions("crash", page=-3).page == 1


def test_the_search_box_is_on_every_page_and_labelled(client):
    page = client.get("/").get_data(as_text=True)

    assert 'role="search" aria-label="Search Helpsquare" method="get" action="/search"' in page
    assert (
        '<label class="field__label" for="site-search-q">Search questions and answers</label>'
        in page
    )
    assert '<input type="search" id="site-search-q" name="q"' in page


def test_an_empty_search_explains_itself(client):
    page = client.get("/search").get_data(as_text=True)

    assert "Search every question and answer on Helpsquare" in page


def test_words_too_common_to_search_say_so(client, c):
    page = client.get("/search", query_string={"q": "how to -crash"}).get_data(as_text=True)

    assert "has no words to look for" in page


def test_no_match_suggests_fewer_words_and_asking(client, c):
    response = client.get("/search", query_string={"q": "zeppelin", "company": "acme"})
    page = response.get_data(as_text=True)

    assert "No questions match “zeppelin”" in page
    assert 'href="/companies/acme/ask">Ask Acme</a>' in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"company": "nobody"}, "There is no company with that address."),
        ({"company": "acme", "product": "anvil"}, "Choose one of this company&#39;s products"),
        ({"product": "drive"}, "Choose one of this company&#39;s products"),
        ({"kind": "rant"}, "Choose one of: question, problem, idea or praise, or all."),
        ({"status": "done"}, "Choose one of the statuses listed, or any."),
    ],
)
def test_unknown_filters_are_refused_at_the_field(client, c, args, message):
    response = client.get("/search", query_string={"q": "crash", **args})

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_company_outside_the_busiest_is_still_offered_once_chosen(client, c, monkeypatch):
    monkeypatch.setattr("app.search.views.COMPANY_CHOICES", 1)

    page = client.get("/search", query_string={"q": "crash", "company": "globex"})

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option selected value="globex">Globex</option>' in text
    assert page_titles(text) == [c.globex_crash.title]


def test_text_that_looks_like_markup_keeps_its_words(client):
    acme = make_company("Acme")
    ask(acme, "How do I centre a <div> inside <main>?", "My <div> sticks to the left.")

    page = client.get("/search", query_string={"q": "div"}).get_data(as_text=True)

    assert "How do I centre a &lt;<mark>div</mark>&gt; inside &lt;main&gt;?" in page
    assert "My &lt;<mark>div</mark>&gt; sticks to the left." in page


# The filter fields, rendered once per choice (app/page_cache.py, cached_fragment) -------


def _filters(client, headers=None, **args) -> str:
    response = client.get("/search", query_string={"q": "crash", **args}, headers=headers or {})
    found = re.search(r'<form method="get" action="/search".*?</form>', response.text, re.S)
    assert found
    return re.sub(r"\s+", " ", found[0])


FILTER_CASES = [
    {},
    {"kind": "idea"},
    {"company": "acme", "status": "solved"},
    {"company": "acme", "product": "drive", "kind": "problem"},
]


def test_kept_filters_show_what_fresh_ones_show(client, c, request):
    fresh = [_filters(client, **args) for args in FILTER_CASES]
    request.getfixturevalue("page_cache_on")

    kept = [_filters(client, **args) for args in FILTER_CASES for _ in range(2)]

    assert kept[::2] == fresh
    assert kept[1::2] == fresh
    assert '<option selected value="drive">Drive</option>' in kept[-1]


def test_kept_filters_follow_the_choice_the_language_and_the_names(client, c, page_cache_on):
    assert '<option selected value="idea">' in _filters(client, kind="idea")
    problem = _filters(client, kind="problem")
    assert '<option selected value="problem">' in problem
    assert '<option selected value="idea">' not in problem

    assert "Alle typer" in _filters(client, {"Accept-Language": "da"}, kind="problem")
    assert "Alle typer" not in _filters(client, kind="problem")

    c.acme.name = "Acme Anvils"
    db.session.commit()
    assert ">Acme Anvils</option>" in _filters(client, kind="problem")


def test_a_refused_filter_is_shown_fresh_with_its_error(client, c, page_cache_on):
    _filters(client, kind="idea")

    refused = _filters(client, kind="rant")

    assert "Choose one of: question, problem, idea or praise, or all." in refused
    assert 'aria-invalid="true"' in refused
