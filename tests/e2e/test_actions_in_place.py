"""Actions in place (issue 13): helpful, me too, follow, endorse, the best answer and
"Mark as read" change the page where it stands, without loading it again (a mark set in
the page's window survives them), the focus staying on the button; and with JavaScript
off, the same buttons still work by posting their form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e


def mark(page: Page) -> None:
    """Set a mark in the page's window: a page loaded again would not have it."""
    page.evaluate("window.__marker = 1")


def still_marked(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was loaded again"


def focused(button: Locator) -> None:
    assert button.evaluate("element => element === document.activeElement"), "focus moved"


def number(text: str) -> int:
    return int(re.match(r"\d+", text.strip()).group())


def person(browsing: Browsing, prefix: str, **options) -> tuple[Page, str]:
    """A new person, signed up with a verified address, in a fresh browser."""
    username = steps.new_username(prefix)
    page = browsing.new_page(**options)
    page.goto("/")
    steps.sign_up(page, username)
    steps.verify_email(page, browsing.server, username)
    return page, username


def test_every_action_changes_the_page_in_place(browsing: Browsing) -> None:
    asker, asker_name = person(browsing, "inpl")
    company, domain = f"Inplace {asker_name}", f"{asker_name}.example"
    steps.add_company(asker, company, domain)
    title = f"Inplace {asker_name} printer jams on page two"
    question_url = steps.ask(asker, "Problem", title, "Every second page jams.")

    helper, helper_name = person(browsing, "inhelp")
    helper.goto(question_url)
    steps.post_answer(helper, "Fan the paper before loading it.")
    voter, voter_name = person(browsing, "invote")
    voter.goto(question_url)
    steps.post_answer(voter, "Clean the rollers with a damp cloth.")

    # Me too: pressed, the count one more, said beside the button; the page stays.
    voter.reload()
    mark(voter)
    me_too = voter.get_by_role("button", name="Me too")
    count = voter.locator(".me-too-count")
    before = number(count.inner_text())
    expect(me_too).to_have_attribute("aria-pressed", "false")
    me_too.click()
    expect(me_too).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text(re.compile(rf"^{before + 1} (person has|people have) this problem$"))
    expect(voter.get_by_role("status").filter(has_text="You are counted among")).to_be_visible()
    focused(me_too)
    still_marked(voter)

    # Helpful on the helper's answer: the count in its card goes up.
    card = steps.answer_card(voter, helper_name)
    helpful = card.get_by_role("button", name="Helpful")
    helpful.click()
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".helpful-count")).to_have_text("1 found this helpful")
    expect(card.get_by_text("Thanks for saying this answer helped.")).to_be_visible()
    focused(helpful)
    # And back.
    helpful.click()
    expect(helpful).to_have_attribute("aria-pressed", "false")
    expect(card.locator(".helpful-count")).to_have_text("0 found this helpful")
    still_marked(voter)

    # Follow (she follows it since she answered): the button says what it does next.
    unfollow = voter.get_by_role("button", name="Unfollow this problem", exact=True)
    unfollow.click()
    follow = voter.get_by_role("button", name="Follow this problem", exact=True)
    expect(follow).to_be_visible()
    expect(voter.get_by_text("You no longer follow this problem.")).to_be_visible()
    focused(follow)
    follow.click()
    expect(unfollow).to_be_visible()
    focused(unfollow)
    still_marked(voter)

    # A refusal is said beside the button, and nothing changes: here her session is gone
    # (signed out in another tab), so the page's CSRF token is no longer good.
    voter.context.clear_cookies()
    helpful.click()
    expect(card.get_by_role("alert")).to_have_text(
        "This page was open too long to do that from it. Reload the page and try again."
    )
    expect(helpful).to_have_attribute("aria-pressed", "false")
    still_marked(voter)

    # The asker chooses the best answer, then another: the badge moves between the cards.
    asker.goto(question_url)
    mark(asker)
    helper_card = steps.answer_card(asker, helper_name)
    voter_card = steps.answer_card(asker, voter_name)
    helper_card.get_by_role("button", name="Choose as best answer").click()
    expect(steps.badge(helper_card, "Best answer")).to_be_visible()
    expect(helper_card.get_by_role("button", name="Unmark best answer")).to_be_focused()
    voter_card.get_by_role("button", name="Choose as best answer").click()
    expect(steps.badge(voter_card, "Best answer")).to_be_visible()
    expect(steps.badge(helper_card, "Best answer")).to_have_count(0)
    expect(helper_card.get_by_role("button", name="Choose as best answer")).to_be_visible()
    still_marked(asker)
    # The page loaded again agrees.
    asker.reload()
    expect(steps.badge(steps.answer_card(asker, voter_name), "Best answer")).to_be_visible()
    expect(steps.badge(steps.answer_card(asker, helper_name), "Best answer")).to_have_count(0)

    # The company joins (the asker claims it); she endorses the helper's answer.
    asker.goto(f"/companies/{company.lower().replace(' ', '-')}")
    steps.company_joins(browsing, asker, company, domain, asker_name)
    asker.goto(question_url)
    mark(asker)
    helper_card = steps.answer_card(asker, helper_name)
    endorse = helper_card.get_by_role("button", name=f"Endorse for {company}")
    endorse.click()
    expect(endorse).to_have_attribute("aria-pressed", "true")
    expect(steps.badge(helper_card, f"{company} endorsed")).to_be_visible()
    focused(endorse)
    endorse.click()
    expect(endorse).to_have_attribute("aria-pressed", "false")
    expect(steps.badge(helper_card, f"{company} endorsed")).to_have_count(0)
    still_marked(asker)


def test_mark_read_and_opening_the_page(browsing: Browsing) -> None:
    asker, asker_name = person(browsing, "inread")
    steps.add_company(asker, f"Readco {asker_name}", f"{asker_name}.example")
    question_url = steps.ask(asker, "Question", f"Readco {asker_name} lamp", "It flickers.")
    helper, _ = person(browsing, "inreadh")
    helper.goto(question_url)
    steps.post_answer(helper, "Change the bulb.")
    steps.post_answer(helper, "Or the dimmer switch.")
    asker.reload()
    steps.expect_unread(asker, 2)

    # Fetched ahead by the browser (a prefetch), the page reads nothing: each row offers
    # "Mark as read", which reads it in place, the bell counting one less.
    asker.set_extra_http_headers({"Sec-Purpose": "prefetch"})
    asker.goto("/notifications")
    asker.set_extra_http_headers({})
    mark(asker)
    row = asker.locator("li.notification").first
    row.get_by_role("button", name=re.compile(r"^Mark as read")).click()
    expect(row.get_by_text("Marked as read.")).to_be_visible()
    expect(row.get_by_text("New", exact=True)).to_have_count(0)
    expect(row.get_by_role("button")).to_have_count(0)
    expect(row.get_by_role("link")).to_be_focused()
    steps.expect_unread(asker, 1)
    still_marked(asker)

    # Opening the page (a person's GET) reads what it shows: the bell says none.
    steps.open_notifications(asker)
    expect(asker.get_by_text("1 new notification, now marked as read.")).to_be_visible()
    steps.expect_unread(asker, 0)


def test_without_javascript_the_buttons_post_their_forms(browsing: Browsing) -> None:
    asker, asker_name = person(browsing, "nojs", java_script_enabled=False)
    steps.add_company(asker, f"Nojs {asker_name}", f"{asker_name}.example")
    title = f"Nojs {asker_name} kettle will not boil"
    question_url = steps.ask(asker, "Problem", title, "It clicks off at once.")
    helper, helper_name = person(browsing, "nojsh", java_script_enabled=False)
    helper.goto(question_url)
    steps.post_answer(helper, "Descale it with vinegar.")
    voter, _ = person(browsing, "nojsv", java_script_enabled=False)
    voter.goto(question_url)

    voter.get_by_role("button", name="Me too").click()
    expect(
        voter.get_by_text("Thanks. You are counted among the people this affects.")
    ).to_be_visible()
    expect(voter.get_by_role("button", name="Me too")).to_have_attribute("aria-pressed", "true")
    card = steps.answer_card(voter, helper_name)
    card.get_by_role("button", name="Helpful").click()
    expect(voter.get_by_text("Thanks for saying this answer helped.")).to_be_visible()
    card = steps.answer_card(voter, helper_name)
    expect(card.locator(".helpful-count")).to_have_text("1 found this helpful")
    # Saying "me too" followed it; the button unfollows, by a post, and follows again.
    steps.unfollow(voter, "this problem")
    steps.follow(voter, "this problem")

    asker.goto(question_url)
    steps.answer_card(asker, helper_name).get_by_role(
        "button", name="Choose as best answer"
    ).click()
    expect(asker.get_by_text("Marked as the best answer.")).to_be_visible()
    expect(steps.badge(steps.answer_card(asker, helper_name), "Best answer")).to_be_visible()

    # Mark as read, from a page fetched ahead (prefetch reads nothing), then opening it.
    asker.set_extra_http_headers({"Sec-Purpose": "prefetch"})
    asker.goto("/notifications")
    asker.set_extra_http_headers({})
    asker.get_by_role("button", name=re.compile(r"^Mark as read")).first.click()
    expect(asker.get_by_text("Marked as read.")).to_be_visible()
    steps.expect_unread(asker, 0)
