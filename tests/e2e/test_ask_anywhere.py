"""Ask from anywhere (issue 13): the home page's "Ask a question" and the header's "Ask" start
with "Which company is it about?"; typing finds the company, and the usual ask page follows
(similar questions while typing the title). A company that is missing is added on the way,
and its ask page follows."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

TITLE = "Drive stops syncing on my laptop"


def _picker(page: Page):
    return page.get_by_role("combobox", name="Which company is it about?").or_(
        page.get_by_role("searchbox", name="Which company is it about?")
    )


def _status(page: Page):
    return page.locator("#company-picker-status[role=status]")


def _companies(page: Page):
    return page.get_by_role("list", name="Companies to ask")


def test_ask_from_the_home_page_picking_the_company_while_typing(browsing: Browsing) -> None:
    asker = steps.new_username("anywhere")
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, asker)
    steps.verify_email(page, browsing.server, asker)

    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Ask a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a question")
    expect(_companies(page).get_by_role("link")).to_have_count(0)

    # Part of the name, in any case: the list follows the typing (no Find pressed).
    _picker(page).press_sequentially("aCMe c", delay=30)
    choice = _companies(page).get_by_role("link", name="Acme Cloud", exact=True)
    expect(choice).to_be_visible()
    expect(_status(page)).to_have_text("1 company matches.")
    assert page.url.endswith("/ask")  # the script filled it in place
    choice.click()

    # The ask page as ever: similar questions show while the title is typed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask Acme Cloud")
    page.get_by_label("Title").fill(TITLE)
    expect(page.get_by_text("Already asked? These look similar:")).to_be_visible()
    expect(page.locator("#similar-live").get_by_role("link").first).to_be_visible()
    page.get_by_label("Details", exact=True).fill("It stops after a few minutes, every time.")
    page.get_by_role("button", name="Post").click()

    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(
        page.get_by_role("article", name=TITLE).get_by_role("link", name="Acme Cloud")
    ).to_be_visible()


def test_a_missing_company_is_added_and_asked(browsing: Browsing) -> None:
    asker = steps.new_username("adder")
    company = f"Globex {asker}"
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, asker)
    steps.verify_email(page, browsing.server, asker)
    steps.sign_out(page)

    # Signed out, the header's "Ask" asks to sign in first, and comes back.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ask", exact=True).click()
    expect(page.get_by_text("Please sign in to do that.")).to_be_visible()
    page.get_by_label("Username or e-mail address").fill(asker)
    page.get_by_label("Password").fill(steps.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a question")

    _picker(page).press_sequentially(company, delay=10)
    expect(_status(page)).to_have_text(f"No company matches “{company}”.")
    expect(_companies(page).get_by_role("link")).to_have_count(0)
    page.get_by_role("link", name="Add the company").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add a company")
    expect(page.get_by_label("Company name")).to_have_value(company)
    page.get_by_label("Web domain").fill(f"{asker}.example")
    page.get_by_role("button", name="Add company").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ask {company}")
    expect(page.get_by_text(f"{company} has not joined Helpsquare yet")).to_be_visible()
    page.get_by_label("Title").fill("Where do I find the invoice for my order?")
    page.get_by_label("Details", exact=True).fill("I ordered last week and got no invoice.")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your question is posted.")).to_be_visible()


def test_the_picker_works_without_javascript(page_as) -> None:
    page = page_as("dana", java_script_enabled=False)
    page.goto("/ask")

    _picker(page).fill("lumen")
    page.get_by_role("button", name="Find").click()

    expect(_status(page)).to_have_text("1 company matches.")
    _companies(page).get_by_role("link", name="Lumen Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask Lumen Home")
