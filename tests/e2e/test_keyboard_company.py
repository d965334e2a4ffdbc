"""The asker's and the company's buttons work from the keyboard alone too: choosing the best
answer, endorsing a peer answer, setting a status (the everyday ones: test_keyboard.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing
from tests.e2e.test_keyboard import assert_focus_is_visible, tab_to

pytestmark = pytest.mark.e2e


def test_best_answer_endorse_and_status_with_the_keyboard(browsing: Browsing) -> None:
    asker, peer, staff = (steps.new_username(n) for n in ("kbask", "kbpeer", "kbstaff"))
    company, domain = f"Keyco {staff}", f"{staff}.example"
    title = f"Keyco {asker} scanner stops after an hour"

    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, asker)
    steps.verify_email(page, browsing.server, asker)
    steps.add_company(page, company, domain)
    question_url = steps.ask(page, "Problem", title, "It just stops, no error on screen.")

    helper = browsing.new_page()
    helper.goto("/")
    steps.sign_up(helper, peer)
    steps.verify_email(helper, browsing.server, peer)
    helper.goto(question_url)
    steps.post_answer(helper, "Turn off power saving in the scanner settings.")

    # The asker chooses the peer's answer as the best one, from the keyboard.
    page.reload()
    choose = steps.answer_card(page, peer).get_by_role("button", name="Choose as best answer")
    tab_to(page, choose)
    assert_focus_is_visible(choose)
    page.keyboard.press("Enter")
    expect(steps.badge(steps.answer_card(page, peer), "Best answer")).to_be_visible()

    # The company arrives; its staff endorses the peer answer and sets the status.
    desk = browsing.new_page()
    desk.goto("/")
    steps.sign_up(desk, staff)
    steps.verify_email(desk, browsing.server, staff)
    desk.goto(question_url)
    desk.get_by_role("link", name=company, exact=True).first.click()
    steps.company_joins(browsing, desk, company, domain, staff)
    desk.goto(question_url)

    endorse = steps.answer_card(desk, peer).get_by_role("button", name=f"Endorse for {company}")
    expect(endorse).to_have_attribute("aria-pressed", "false")
    tab_to(desk, endorse)
    assert_focus_is_visible(endorse)
    desk.keyboard.press("Enter")
    endorse = steps.answer_card(desk, peer).get_by_role("button", name=f"Endorse for {company}")
    expect(endorse).to_have_attribute("aria-pressed", "true")
    expect(steps.badge(steps.answer_card(desk, peer), f"{company} endorsed")).to_be_visible()

    status = desk.get_by_label("Status of this problem")
    tab_to(desk, status)
    assert_focus_is_visible(status)
    # A <select> takes arrow keys without opening; Tab then reaches the button.
    for _ in range(3):
        desk.keyboard.press("ArrowDown")
    expect(status.locator("option:checked")).to_have_text("Solved")
    set_status = desk.get_by_role("button", name="Set status")
    tab_to(desk, set_status)
    assert_focus_is_visible(set_status)
    desk.keyboard.press("Enter")
    expect(desk.get_by_text("Status set to Solved.")).to_be_visible()
