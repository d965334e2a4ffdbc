"""The core loop: someone asks, others answer, the asker says which answer solved it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

TITLE = "Calendar invites arrive an hour late after the clocks changed"


def test_ask_answer_and_mark_the_best_answer(browsing: Browsing) -> None:
    asker, first_helper, second_helper = (steps.new_username(p) for p in ("asker", "hal", "ida"))
    page = browsing.new_page()
    page.goto("/")

    # The asker signs up and asks Acme Cloud about one of its products.
    steps.sign_up(page, asker)
    steps.verify_email(page, browsing.server, asker)
    steps.open_company(page, "Acme Cloud")
    page.get_by_role("link", name="Ask a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask Acme Cloud")
    page.get_by_role("radio", name="Problem").check()
    page.get_by_label("Product").select_option(label="Acme Calendar")
    page.get_by_label("How does it make you feel?").select_option(label="Confused")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Details", exact=True).fill(
        "Since Sunday every invite shows **one hour later** than it was sent.\n\n"
        "- Web app: wrong\n- Phone app: right"
    )
    page.get_by_role("button", name="Post").click()

    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    question = page.get_by_role("article", name=TITLE)
    expect(question.get_by_text("Problem", exact=True)).to_be_visible()
    expect(question.get_by_text("Feeling confused")).to_be_visible()
    expect(question.get_by_role("link", name="Acme Calendar")).to_be_visible()
    expect(question.locator("strong")).to_have_text("one hour later")  # Markdown rendered
    expect(steps.badge(question, "Answered")).to_have_count(0)
    expect(page.get_by_text("No answers yet.")).to_be_visible()
    question_url = page.url
    steps.sign_out(page)

    # Two other people sign up and answer, one after the other.
    for helper, text in (
        (first_helper, "Have you tried signing out and in again?"),
        (second_helper, "Set the calendar's time zone under **Settings → Region**; it fixes it."),
    ):
        page.goto(question_url)
        steps.sign_up(page, helper)
        steps.verify_email(page, browsing.server, helper)
        page.goto(question_url)  # back to the question they came for
        steps.post_answer(page, text)
        expect(steps.answer_card(page, helper)).to_be_visible()
        steps.sign_out(page)

    # The asker comes back, signs in and marks the second answer as the best one.
    steps.sign_in(page, asker)
    page.goto(question_url)
    answers = page.get_by_role("region", name="2 answers").get_by_role("article")
    expect(answers.first).to_have_accessible_name(f"Answer by @{first_helper}")
    choose = steps.answer_card(page, second_helper).get_by_role("button", name="Choose as best")
    choose.click()

    expect(page.get_by_text("Marked as the best answer.")).to_be_visible()
    expect(steps.badge(page.get_by_role("article", name=TITLE), "Answered")).to_be_visible()
    expect(steps.badge(steps.answer_card(page, second_helper), "Best answer")).to_be_visible()
    # Marked in place (issue 13); the answers take their order, best first, on the next load.
    page.reload()
    expect(answers.first).to_have_accessible_name(f"Answer by @{second_helper}")
    expect(steps.badge(answers.first, "Best answer")).to_be_visible()
    expect(answers.nth(1)).to_have_accessible_name(f"Answer by @{first_helper}")
    expect(answers.first.get_by_role("button", name="Unmark best answer")).to_be_visible()

    # Everyone else sees the same: answered, best answer first.
    visitor = browsing.new_page()
    visitor.goto(question_url)
    expect(steps.badge(visitor.get_by_role("article", name=TITLE), "Answered")).to_be_visible()
    first = visitor.get_by_role("region", name="2 answers").get_by_role("article").first
    expect(first).to_have_accessible_name(f"Answer by @{second_helper}")
    expect(steps.badge(first, "Best answer")).to_be_visible()
