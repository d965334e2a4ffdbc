"""Reporting a post and reviewing it: a reader reports an answer as spam → a moderator sees
it in the review queue (with the header count) and hides it with a reason → the reader no
longer sees it, its author sees "Hidden: <reason>" → the moderator restores it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing
from tests.e2e.test_key_pages import (
    AXE_OPTIONS,
    axe_source,  # noqa: F401 - the fixture
    describe,
    run_axe,
)

pytestmark = pytest.mark.e2e

# A demo question no other journey reads: the advert and its story stay out of theirs (the
# search journey counts the answers of the demo's sync question).
QUESTION = "How do I set up Acme Mail on my own domain?"
PRODUCT = "/companies/acme-cloud/products/acme-mail"
SPAM = "Cheap designer watches at unbeatable prices, visit my shop today"
REASON = "Advertising, not an answer."


def _accessible(page, name: str, source: str) -> None:  # noqa: ANN001 - a Playwright page
    page.evaluate(source)
    found = run_axe(page, name, AXE_OPTIONS)
    assert not found, f"axe on {name} ({page.url}):\n{describe(found)}"


def test_report_an_answer_hide_it_and_restore_it(
    browsing: Browsing,
    axe_source: str,  # noqa: F811 - the fixture imported above
) -> None:
    author, reader = steps.new_username("seller"), steps.new_username("rita")

    # Someone posts an advert as an answer.
    page = browsing.new_page()
    page.goto(PRODUCT)
    steps.sign_up(page, author)
    steps.verify_email(page, browsing.server, author)
    page.goto(PRODUCT)
    page.get_by_role("link", name=QUESTION).click()
    question_url = page.url
    steps.post_answer(page, SPAM)
    # Nobody reports their own post.
    expect(
        steps.answer_card(page, author).get_by_role("link", name="Report this answer")
    ).to_have_count(0)
    steps.sign_out(page)

    # A signed-out reader is offered a sign-in first; signed in, she reports it as spam.
    reporter = browsing.new_page()
    reporter.goto(question_url)
    card = steps.answer_card(reporter, author)
    expect(card.get_by_role("link", name=re.compile("^Report this answer"))).to_be_visible()
    steps.sign_up(reporter, reader)
    steps.verify_email(reporter, browsing.server, reader)
    reporter.goto(question_url)
    steps.answer_card(reporter, author).get_by_role("link", name="Report this answer").click()
    expect(reporter.get_by_role("heading", level=1)).to_have_text("Report an answer")
    # "Something else" needs a note: the message at the field, the choice kept.
    reporter.get_by_role("radio", name="Something else").check()
    reporter.get_by_role("button", name="Report this answer").click()
    expect(reporter.get_by_text("Please say what is wrong in a few words.")).to_be_visible()
    expect(reporter.get_by_role("radio", name="Something else")).to_be_checked()
    _accessible(reporter, "report-answer-refused", axe_source)
    reporter.get_by_role("radio", name="Spam").check()
    reporter.get_by_role("button", name="Report this answer").click()
    expect(reporter.get_by_text("Thanks — a moderator will look at it.")).to_be_visible()
    card = steps.answer_card(reporter, author)
    expect(card.get_by_text("Reported", exact=True)).to_be_visible()
    expect(card.get_by_role("link", name="Report this answer")).to_have_count(0)

    # A moderator sees the count in the header, opens the queue and hides it with a reason.
    moderator = steps.new_site_admin(browsing)
    flags_link = moderator.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Flags to review: \d+$")
    )
    expect(flags_link).to_be_visible()
    flags_link.click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text("Flags")
    flagged = moderator.get_by_role("article").filter(has_text=SPAM)
    expect(flagged.get_by_text("Spam (1)")).to_be_visible()
    _accessible(moderator, "flags-queue-with-a-report", axe_source)
    expect(flagged.get_by_text(f"@{author}").first).to_be_visible()
    flagged.get_by_label("Reason or note").fill(REASON)
    flagged.get_by_role("button", name="Hide", exact=True).click()
    expect(moderator.get_by_text("Done: the post is hidden.")).to_be_visible()
    expect(moderator.get_by_role("article").filter(has_text=SPAM)).to_have_count(0)

    # The reader no longer sees it; its author sees it hidden, with the reason.
    reporter.goto(question_url)
    expect(reporter.get_by_text(SPAM)).to_have_count(0)
    page.goto(question_url)
    steps.sign_in(page, author)
    page.goto(question_url)
    expect(steps.answer_card(page, author).get_by_text(f"Hidden: {REASON}")).to_be_visible()

    # The moderator restores it from the question page: everyone reads it again.
    moderator.goto(question_url)
    steps.answer_card(moderator, author).get_by_role("button", name="Restore answer").click()
    reporter.goto(question_url)
    expect(steps.answer_card(reporter, author).get_by_text(SPAM)).to_be_visible()
