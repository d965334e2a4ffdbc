"""Private details (issue 14): on a claimed company a customer asks with private details
(an order number) and the staff answer with private details of their own (a refund
reference); both read them, boxed as private, while a fellow customer on the same page sees
neither, nor any field to write some. axe checks the page with the private boxes and the
ask form with its private field, light and dark.

Everything happens on a company made and claimed for the test, so the journey runs again on
the same server.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing
from tests.e2e.test_key_pages import (
    AXE_OPTIONS,
    COLOUR_RULES,
    SCREENSHOTS,
    axe_source,  # noqa: F401 - the fixture
    describe,
    run_axe,
)

pytestmark = pytest.mark.e2e

QUESTION = "My order of two lamps never arrived"
ORDER = "Order LM-40417"
REFUND = "Refund reference RF-99231"
BOX = "Private — visible to you, the company's staff and moderators"


def _axe_clean(page: Page, name: str, source: str) -> None:
    """A screenshot, then axe's WCAG 2.2 AA and best-practice rules in light mode, the colour
    rules in dark."""
    failing = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme, rules in (("light", AXE_OPTIONS), ("dark", COLOUR_RULES)):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=SCREENSHOTS / f"{name}-{scheme}.png", full_page=True)
        if scheme == "light":
            page.evaluate(source)
        if found := run_axe(page, f"{name}-{scheme}", rules):
            failing[scheme] = found
    page.emulate_media(color_scheme="light")
    assert not failing, "\n".join(f"axe ({s}):\n{describe(f)}" for s, f in failing.items())


def test_private_details_are_read_by_the_asker_and_staff_never_by_a_peer(
    browsing: Browsing,
    axe_source: str,  # noqa: F811 - the fixture imported above
) -> None:
    claimant, asker, peer = (steps.new_username(p) for p in ("lina", "oscar", "pia"))
    company = f"Lampworks {claimant}"
    domain = f"{claimant}.example"

    # Someone from the company adds it and claims it: she is its admin staff.
    staff = browsing.new_page()
    staff.goto("/")
    steps.sign_up(staff, claimant)
    steps.verify_email(staff, browsing.server, claimant)
    steps.add_company(staff, company, domain)
    steps.company_joins(browsing, staff, company, domain, claimant)

    # A customer asks, with her order number as private details.
    customer = browsing.new_page()
    customer.goto("/")
    steps.sign_up(customer, asker)
    steps.verify_email(customer, browsing.server, asker)
    steps.open_company(customer, company)
    customer.get_by_role("link", name="Ask a question").click()
    private_field = customer.get_by_label(
        f"Private details (only you, {company} staff and moderators can see this)"
    )
    expect(private_field).to_be_visible()
    _axe_clean(customer, "private-details-ask", axe_source)
    customer.get_by_label("Title").fill(QUESTION)
    customer.get_by_label("Details", exact=True).fill("I paid two weeks ago; nothing came.")
    private_field.fill(ORDER)
    customer.get_by_role("button", name="Post").click()
    expect(customer.get_by_text("Your question is posted.")).to_be_visible()
    question_url = customer.url
    question_box = customer.get_by_role("region", name=BOX)
    expect(question_box).to_contain_text(ORDER)

    # The staff read it, and answer with a refund reference only the customer (and they) see.
    staff.goto(question_url)
    expect(staff.get_by_role("region", name=BOX)).to_contain_text(ORDER)
    staff.get_by_label("Your answer").fill("Sorry about that: we refunded you today.")
    staff.get_by_label(
        f"Private details (only the asker, {company} staff and moderators can see this)"
    ).fill(REFUND)
    staff.get_by_role("button", name="Post your answer").click()
    expect(staff.get_by_text("Thanks, your answer is posted.")).to_be_visible()
    answer = steps.answer_card(staff, claimant)
    expect(answer.get_by_role("heading", name=BOX)).to_be_visible()
    expect(answer.locator(".private-details")).to_contain_text(REFUND)
    _axe_clean(staff, "private-details-question-staff", axe_source)

    # The customer reads the staff's private reference under their answer.
    customer.goto(question_url)
    answer = steps.answer_card(customer, claimant)
    expect(answer.get_by_role("heading", name=BOX)).to_be_visible()
    expect(answer.locator(".private-details")).to_contain_text(REFUND)

    # A fellow customer reads the question and the answer, never the private details.
    other = browsing.new_page()
    other.goto("/")
    steps.sign_up(other, peer)
    steps.verify_email(other, browsing.server, peer)
    other.goto(question_url)
    expect(other.get_by_role("heading", level=1)).to_have_text(QUESTION)
    expect(other.get_by_text("we refunded you today")).to_be_visible()
    expect(other.get_by_role("region", name=BOX)).to_have_count(0)
    expect(other.get_by_role("heading", name=BOX)).to_have_count(0)
    expect(other.get_by_text(re.compile("LM-40417|RF-99231"))).to_have_count(0)
    expect(other.get_by_label(re.compile("^Private details"))).to_have_count(0)
    assert "LM-40417" not in other.content() and "RF-99231" not in other.content()

    # Signed out, neither.
    visitor = browsing.new_page()
    visitor.goto(question_url)
    expect(visitor.get_by_text("we refunded you today")).to_be_visible()
    assert "LM-40417" not in visitor.content() and "RF-99231" not in visitor.content()
