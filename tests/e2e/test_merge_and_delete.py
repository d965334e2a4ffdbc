"""A moderator merges a duplicate question into the original: the old address lands on the
original, with the duplicate's answer there. A customer deletes their own answer: it is
gone for everyone else.

The company is made for the test, so the journey does not depend on the demo data and runs
again on the same server.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e


def _customer(browsing: Browsing, prefix: str) -> tuple[Page, str]:
    page = browsing.new_page()
    page.goto("/")
    username = steps.new_username(prefix)
    steps.sign_up(page, username)
    steps.verify_email(page, browsing.server, username)
    return page, username


def _ask(page: Page, title: str, details: str) -> str:
    """Ask on the company's page, past the similar questions shown first (a duplicate is
    similar by nature); the question's URL."""
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Details", exact=True).fill(details)
    page.get_by_role("button", name="Post", exact=True).click()
    go_on = page.get_by_role("button", name="None of these — continue")
    if go_on.count():
        go_on.click()
    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    return page.url


def test_a_moderator_merges_a_duplicate_and_an_author_deletes_an_answer(
    browsing: Browsing,
) -> None:
    first, first_name = _customer(browsing, "orla")
    company = f"Inkwell {first_name}"
    steps.add_company(first, company, f"{first_name}.example")
    original_url = _ask(first, "The printer blinks red after a refill", "Since Monday.")

    second, _ = _customer(browsing, "dara")
    steps.open_company(second, company)
    duplicate_url = _ask(second, "Red light blinking after I refilled the printer", "Help!")

    helper, helper_name = _customer(browsing, "finn")
    helper.goto(duplicate_url)
    steps.post_answer(helper, "Hold the reset button for ten seconds.")

    # A moderator (a site admin) merges the later question into the original.
    moderator = steps.new_site_admin(browsing)
    moderator.goto(duplicate_url)
    moderator.get_by_text("Merge as a duplicate…").click()
    moderator.get_by_label("Merge into…").fill("not a question")
    moderator.get_by_role("button", name="Merge this question").click()
    expect(moderator.get_by_text("Paste the original question's address")).to_be_visible()
    expect(moderator.get_by_label("Merge into…")).to_have_value("not a question")
    moderator.get_by_label("Merge into…").fill(original_url)
    moderator.get_by_role("button", name="Merge this question").click()
    expect(moderator.get_by_text("Merged: its answers")).to_be_visible()
    expect(moderator.get_by_role("heading", level=1)).to_have_text(
        "The printer blinks red after a refill"
    )

    # The old address lands on the original, where the answer is now.
    second.goto(duplicate_url)
    expect(second).to_have_url(re.compile(re.escape(original_url) + "$"))
    expect(steps.answer_card(second, helper_name)).to_contain_text("Hold the reset button")
    expect(second.get_by_role("heading", name="1 answer")).to_be_visible()

    # Its author deletes the answer, after saying yes; the others no longer see it.
    helper.goto(original_url)
    card = steps.answer_card(helper, helper_name)
    card.get_by_text("Delete answer").click()
    card.get_by_role("button", name="Yes, delete this answer").click()
    expect(helper.get_by_text("The answer is deleted")).to_be_visible()
    second.reload()
    expect(second.get_by_text("Hold the reset button")).to_have_count(0)
    expect(second.get_by_role("heading", name="0 answers")).to_be_visible()
