"""The everyday buttons work from the keyboard alone, and you can see where you are."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

QUESTION = "Roam battery drains overnight when parked in the cold"
# More presses than any page here has stops before its content's buttons.
MAX_TABS = 80


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{MAX_TABS} presses of Tab never reached {target}")


def assert_focus_is_visible(target: Locator) -> None:
    """The focused control shows the site's focus ring (WCAG 2.4.7), thick enough to see."""
    ring = target.evaluate(
        """element => {
            const style = getComputedStyle(element);
            return {
                focusVisible: element.matches(":focus-visible"),
                style: style.outlineStyle,
                width: parseFloat(style.outlineWidth),
            };
        }"""
    )
    assert ring["focusVisible"], "the keyboard focus is not marked as visible"
    assert ring["style"] != "none" and ring["width"] >= 2, f"no visible focus ring: {ring}"


def toggle_with_keyboard(page: Page, button: Locator, pressed_after: str) -> None:
    tab_to(page, button)
    assert_focus_is_visible(button)
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", pressed_after)


def test_me_too_and_helpful_toggle_with_the_keyboard(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto("/")
    keys = steps.new_username("keys")
    steps.sign_up(page, keys)
    steps.verify_email(page, browsing.server, keys)
    steps.open_company(page, "Nimbus Bikes")
    page.get_by_role("link", name=QUESTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)

    me_too = page.get_by_role("button", name="Me too")
    count = page.get_by_text("people have this problem")
    expect(me_too).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_text("2 people have this problem")

    toggle_with_keyboard(page, me_too, pressed_after="true")
    expect(page.get_by_text("You are counted among the people this affects.")).to_be_visible()
    expect(count).to_have_text("3 people have this problem")
    toggle_with_keyboard(page, me_too, pressed_after="false")
    expect(page.get_by_text("You are no longer counted for this problem.")).to_be_visible()
    expect(count).to_have_text("2 people have this problem")

    answer = steps.answer_card(page, "Farah Haddad")
    helpful = answer.get_by_role("button", name="Helpful")
    votes = answer.get_by_text("found this helpful")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    expect(votes).to_have_text("2 found this helpful")

    toggle_with_keyboard(page, helpful, pressed_after="true")
    expect(page.get_by_text("Thanks for saying this answer helped.")).to_be_visible()
    expect(votes).to_have_text("3 found this helpful")
    toggle_with_keyboard(page, helpful, pressed_after="false")
    expect(page.get_by_text("Your helpful vote is withdrawn.")).to_be_visible()
    expect(votes).to_have_text("2 found this helpful")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page: Page) -> None:
    # An unclaimed company: its first link in the content is "Ask a question".
    page.goto("/companies/lumen-home")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_is_visible(skip)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_role("link", name="Ask a question")).to_be_focused()


def test_follow_and_unfollow_with_the_keyboard(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, steps.new_username("keys"))
    steps.open_company(page, "Acme Cloud")
    page.get_by_role("link", name="Acme Drive", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Drive")

    follow = page.get_by_role("button", name="Follow Acme Drive", exact=True)
    tab_to(page, follow)
    assert_focus_is_visible(follow)
    page.keyboard.press("Enter")
    expect(page.get_by_text("You follow Acme Drive now")).to_be_visible()

    # It changed in place (issue 13): the focus stays on the button, which says "Unfollow".
    unfollow = page.get_by_role("button", name="Unfollow Acme Drive", exact=True)
    expect(unfollow).to_be_focused()
    assert_focus_is_visible(unfollow)
    page.keyboard.press("Enter")
    expect(page.get_by_text("You no longer follow Acme Drive.")).to_be_visible()
    expect(follow).to_be_visible()


def test_mark_a_notification_read_with_the_keyboard(browsing: Browsing) -> None:
    asker, helper = steps.new_username("keys"), steps.new_username("keyhelp")
    company = f"Keyworks {asker}"
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, asker)
    steps.verify_email(page, browsing.server, asker)
    steps.add_company(page, company, f"{asker}.example")
    question_url = steps.ask(page, "Question", "Which keys wake the keyboard?", "Any key?")
    other = browsing.new_page()
    other.goto("/")
    steps.sign_up(other, helper)
    steps.verify_email(other, browsing.server, helper)
    other.goto(question_url)
    steps.post_answer(other, "The space bar does.")

    # Opening the notifications page reads what it shows (issue 13), so the button shows on
    # a page the browser fetched ahead (a prefetch reads nothing).
    page.set_extra_http_headers({"Sec-Purpose": "prefetch"})
    page.goto("/notifications")
    page.set_extra_http_headers({})
    steps.expect_unread(page, 1)
    mark_read = page.get_by_role("button", name=re.compile(r"^Mark as read"))
    tab_to(page, mark_read)
    assert_focus_is_visible(mark_read)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    steps.expect_unread(page, 0)
    expect(mark_read).to_have_count(0)
    # The button is gone: the focus is on the notification's link, not lost to the page.
    link = page.locator("li.notification").first.get_by_role("link")
    expect(link).to_be_focused()
    assert_focus_is_visible(link)
