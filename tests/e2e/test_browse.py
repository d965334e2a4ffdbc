"""A visitor reads their way to an answer without an account."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps

pytestmark = pytest.mark.e2e


def test_a_visitor_browses_from_home_to_an_answered_question(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers about the products you use")
    active = page.get_by_role("region", name="Active questions")
    expect(active.get_by_role("listitem")).not_to_have_count(0)

    # Home → the company, from the home page's list of companies.
    page.get_by_role("region", name="Companies").get_by_role("link", name="Acme Cloud").click()
    expect(page.get_by_role("heading", level=1, name="Acme Cloud")).to_be_visible()
    expect(page.get_by_text("Claimed by Acme Cloud on")).to_be_visible()

    # Company → one of its products.
    products = page.get_by_role("complementary", name="Products")
    products.get_by_role("link", name="Acme Drive").click()
    expect(page.get_by_role("heading", level=1, name="Acme Drive")).to_be_visible()
    expect(page.get_by_text("A product of Acme Cloud")).to_be_visible()

    # Product → a question with answers.
    page.get_by_role("link", name="Acme Drive stops syncing after the 4.2 update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Acme Drive stops syncing after the 4.2 update"
    )
    question = page.get_by_role("article", name="Acme Drive stops syncing after the 4.2 update")
    expect(steps.badge(question, "Answered")).to_be_visible()
    expect(page.get_by_role("heading", name="3 answers")).to_be_visible()

    # The best answer comes first, set apart, then the company's official answer.
    cards = page.get_by_role("region", name="3 answers").get_by_role("article")
    best = cards.nth(0)
    expect(best).to_have_accessible_name("Answer by Chen Wei @chen")
    expect(steps.badge(best, "Best answer")).to_be_visible()
    expect(best.get_by_text("Settings → Sync")).to_be_visible()
    official = cards.nth(1)
    expect(
        official.get_by_text("Official answer · Jane Doe @jane, Head of Support at Acme Cloud")
    ).to_be_visible()
    expect(steps.answer_card(page, "Bruno Silva")).to_be_visible()
    expect(page.get_by_role("button", name="Me too")).to_have_count(0)
    expect(page.get_by_role("link", name="Sign in to say me too")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in to answer")).to_be_visible()

    # The breadcrumb leads back up.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Acme Cloud").click()
    expect(page.get_by_role("heading", level=1, name="Acme Cloud")).to_be_visible()


def test_an_unclaimed_company_says_its_answers_come_from_fellow_customers(page: Page) -> None:
    page.goto("/companies/lumen-home")
    expect(page.get_by_role("heading", level=1, name="Lumen Home")).to_be_visible()
    expect(page.get_by_text("Lumen Home has not joined Helpsquare yet.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in to claim this company")).to_be_visible()
