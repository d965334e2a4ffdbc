"""Verified e-mail before writing, in a real browser: a new account sees the notice on every
page, is told what to do when it tries to post, asks for a new link, follows the newest one
(the older one no longer works), and then posts. axe checks the notice, the refusal page and
the link's page; each is photographed (``test-artifacts/screenshots/verify-*.png``)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps
from tests.e2e.conftest import ARTIFACTS, Browsing
from tests.e2e.test_key_pages import AXE, AXE_OPTIONS, describe, run_axe

pytestmark = pytest.mark.e2e

SCREENSHOTS = ARTIFACTS / "screenshots"


def _look(page: Page, name: str) -> None:
    """A screenshot, then axe: no serious or critical violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"verify-{name}.png", full_page=True)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    failing = run_axe(page, f"verify-{name}", AXE_OPTIONS)
    assert not failing, f"axe on {page.url}:\n{describe(failing)}"


def test_a_new_account_verifies_its_address_before_posting(browsing: Browsing) -> None:
    ivy = steps.new_username("ivy")
    address = f"{ivy}@example.org"
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, ivy)

    # Every page says where the link went, with a button to send it again.
    notice = page.locator(".verify-notice")
    expect(notice).to_contain_text(f"We sent a link to {address}")
    steps.open_company(page, "Paperleaf")
    expect(notice).to_be_visible()
    _look(page, "notice")

    # Reading and following work; asking is refused with what to do.
    steps.follow(page, "Paperleaf")
    page.get_by_role("link", name="Ask a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your e-mail address first")
    expect(page.get_by_text(f"follow the link we sent to {address}")).to_be_visible()
    _look(page, "refused")

    # A new link; the first one stops working.
    first_link = steps.mailed_link(browsing.server, address)
    page.get_by_role("button", name="Send me a new link").click()
    expect(page.get_by_text(f"We sent a new link to {address}.")).to_be_visible()
    page.goto(first_link)
    expect(page.get_by_text("replaced by a newer one")).to_be_visible()

    # The newest link shows a button; pressing it verifies, and the notice is gone.
    page.goto(steps.mailed_link(browsing.server, address))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your e-mail address")
    _look(page, "link")
    page.get_by_role("button", name=f"Verify {address}").click()
    expect(page.get_by_text(f"Thanks — {address} is verified. You can post now.")).to_be_visible()
    expect(notice).to_have_count(0)

    steps.open_company(page, "Paperleaf")
    steps.ask(page, "Idea", "Export notes as Markdown files", "One file per note, please.")
