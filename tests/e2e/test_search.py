"""Finding answers fast: search from any page, and similar questions while asking."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps
from tests.e2e.conftest import DESKTOP, PHONE, Browsing
from tests.e2e.test_key_pages import (
    AXE_OPTIONS,
    COLOUR_RULES,
    SCREENSHOTS,
    axe_source,  # noqa: F401 - the fixture
    describe,
    run_axe,
)

pytestmark = pytest.mark.e2e

SYNC_QUESTION = "Acme Drive stops syncing after the 4.2 update"


def search_from_header(page: Page, words: str) -> None:
    """The header's search box; on the results page, the page's own (its one search form,
    which keeps the words)."""
    if urlsplit(page.url).path == "/search":
        expect(page.get_by_role("search")).to_have_count(1)
        search = page.get_by_role("search", name="Search questions")
        search.get_by_label("Search for").fill(words)
    else:
        search = page.get_by_role("search", name="Search Helpsquare")
        search.get_by_label("Search questions and answers").fill(words)
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Search "))
    expect(page.get_by_label("Search for")).to_have_value(words)


def test_a_visitor_finds_an_answer_through_search_without_signing_in(page: Page) -> None:
    page.goto("/")

    # Different words from the title's ("syncing", "update"): stemming finds it.
    search_from_header(page, "sync stopped after updating")
    results = page.get_by_role("region", name="Questions matching “sync stopped after updating”")
    hit = results.get_by_role("link", name=SYNC_QUESTION)
    expect(hit).to_be_visible()
    expect(results.locator("mark").first).to_be_visible()
    result = results.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=SYNC_QUESTION)
    )
    # One badge a row, its most important state first: the company's "Solved" (issue 13).
    expect(steps.badge(result, "Problem · Solved in 4.2.1")).to_be_visible()

    # Narrowed to the company it is about: still there.
    refine = page.get_by_role("search", name="Search questions")
    refine.get_by_label("Company").select_option(label="Acme Cloud")
    refine.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=SYNC_QUESTION)).to_be_visible()
    expect(page.get_by_label("Company")).to_have_value("acme-cloud")

    # Words only an answer holds lead to the same question.
    search_from_header(page, '"download files when opened"')
    page.get_by_role("link", name=SYNC_QUESTION).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SYNC_QUESTION)
    best = page.get_by_role("region", name="3 answers").get_by_role("article").first
    expect(steps.badge(best, "Best answer")).to_be_visible()
    expect(best.get_by_text("Settings → Sync")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in to answer")).to_be_visible()


def test_nothing_typed_into_search_breaks_it(page: Page) -> None:
    page.goto("/")
    for words in ('"unclosed', "-", "NEAR(a b) AND *", "</mark><script>alert(1)</script>"):
        search_from_header(page, words)
        expect(page.get_by_role("search", name="Search questions")).to_be_visible()


def test_similar_questions_appear_while_typing_a_title(page_as: Callable[..., Page]) -> None:
    page = page_as("dana")
    page.goto("/companies/acme-cloud/ask")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask Acme Cloud")

    page.get_by_label("Title").press_sequentially("Drive not syncing since update")

    similar = page.locator("#similar-live")
    expect(similar.get_by_role("link", name=SYNC_QUESTION)).to_be_visible()
    match = similar.get_by_role("listitem").filter(has=page.get_by_role("link", name=SYNC_QUESTION))
    # The script builds the lists' one badge (issue 13): the company's status comes first.
    expect(steps.badge(match, "Problem · Solved in 4.2.1")).to_be_visible()
    expect(match.locator(".badge")).to_have_count(1)
    page.get_by_label("Title").fill("Hi")
    expect(similar.get_by_role("link")).to_have_count(0)


def test_without_javascript_similar_questions_come_as_a_first_step(browsing: Browsing) -> None:
    page = browsing.new_page(java_script_enabled=False)
    page.goto("/")
    nojs = steps.new_username("nojs")
    steps.sign_up(page, nojs)
    steps.verify_email(page, browsing.server, nojs)
    page.goto("/companies/acme-cloud/ask")
    page.get_by_label("Title").fill("Drive stopped syncing on my laptop")
    page.get_by_label("Details", exact=True).fill("Nothing uploads since this morning.")
    page.get_by_role("button", name="Post").click()

    step = page.get_by_role("region", name="Is your question already here?")
    expect(step.get_by_role("link", name=SYNC_QUESTION)).to_be_visible()
    expect(page.get_by_label("Details", exact=True)).to_have_value(
        "Nothing uploads since this morning."
    )
    step.get_by_role("button", name="None of these — continue").click()

    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drive stopped syncing on my laptop")
    related = page.get_by_role("region", name="Related questions")
    expect(related.get_by_role("link", name=SYNC_QUESTION)).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_results_page_is_accessible(
    browsing: Browsing,
    axe_source: str,  # noqa: F811 - the fixture imported above
    viewport: dict[str, int],
) -> None:
    page = browsing.new_page(viewport, color_scheme="light")
    page.goto("/search?q=sync+update")
    expect(page.get_by_role("link", name=SYNC_QUESTION)).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failing = {}
    for scheme, rules in (("light", AXE_OPTIONS), ("dark", COLOUR_RULES)):
        page.emulate_media(color_scheme=scheme)
        name = f"search-{viewport['width']}-{scheme}"
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        if scheme == "light":
            page.evaluate(axe_source)
        if found := run_axe(page, name, rules):
            failing[name] = found

    assert not failing, "\n".join(f"axe on {name}:\n{describe(v)}" for name, v in failing.items())
