"""Bad input on every form: the person sees what is wrong next to the field, and keeps
what they typed.

Where the field carries a browser check (``required``, ``minlength``), the browser stops
the person first and says why; the test then turns those checks off (as an older browser,
or a form posted by a script, would) to reach the server's own message at the field.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e


def browser_stops(field: Locator) -> None:
    """The browser's own check refuses the field, with a message of its own."""
    message = field.evaluate("element => element.validationMessage")
    assert message, f"the browser accepts {field}"


def skip_browser_checks(field: Locator) -> None:
    field.evaluate("element => { element.form.noValidate = true; }")


def expect_field_error(field: Locator, message: str) -> None:
    """The error sits next to the field, is tied to it for screen readers, is visible, and
    the field's border has the error's colour (issue 13: a later rule once kept it grey)."""
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    error = field.locator("xpath=ancestor::*[contains(@class, 'field')][1]").locator(
        ".field__error"
    )
    expect(error).to_be_visible()
    expect(error).to_contain_text(message)
    error_colour = error.evaluate("element => getComputedStyle(element).color")
    expect(field).to_have_css("border-top-color", error_colour)


def test_sign_up_with_a_short_password(page: Page) -> None:
    username = steps.new_username("shorty")
    page.goto("/sign-up")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail address").fill(f"{username}@example.org")
    page.get_by_label("Display name (optional)").fill("Shorty McShort")
    password = page.get_by_label("Password")
    password.fill("tiny-pw")
    browser_stops(password)

    skip_browser_checks(password)
    page.get_by_role("button", name="Create account").click()

    expect_field_error(password, "Use at least 10 characters.")
    expect(page.get_by_label("Username")).to_have_value(username)
    expect(page.get_by_label("E-mail address")).to_have_value(f"{username}@example.org")
    expect(page.get_by_label("Display name (optional)")).to_have_value("Shorty McShort")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Sign up")).to_be_visible()  # still signed out


def test_ask_with_a_three_letter_title(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto("/")
    terse = steps.new_username("terse")
    steps.sign_up(page, terse)
    steps.verify_email(page, browsing.server, terse)
    page.goto("/companies/lumen-home/ask")
    page.get_by_role("radio", name="Idea").check()
    page.get_by_label("Product").select_option(label="Smart Bulb")
    page.get_by_label("How does it make you feel?").select_option(label="Excited")
    title = page.get_by_label("Title")
    title.fill("Dim")
    page.get_by_label("Details", exact=True).fill("A sunrise mode that slowly brightens the bulb.")
    browser_stops(title)

    skip_browser_checks(title)
    page.get_by_role("button", name="Post").click()

    expect_field_error(title, "The title needs 5 to 200 characters.")
    expect(title).to_have_value("Dim")
    expect(page.get_by_role("radio", name="Idea")).to_be_checked()
    expect(page.get_by_label("Product")).to_have_value("smart-bulb")
    expect(page.get_by_label("How does it make you feel?")).to_have_value("excited")
    expect(page.get_by_label("Details", exact=True)).to_have_value(
        "A sunrise mode that slowly brightens the bulb."
    )


def test_add_a_company_with_a_bad_domain(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto("/")
    founder = steps.new_username("founder")
    steps.sign_up(page, founder)
    steps.verify_email(page, browsing.server, founder)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Companies").click()
    page.get_by_role("link", name="Add a company").click()
    page.get_by_label("Company name").fill("Gizmo Works")
    domain = page.get_by_label("Web domain")
    domain.fill("not a domain")
    page.get_by_label("Description (optional)").fill("Gadgets for the kitchen.")
    page.get_by_role("button", name="Add company").click()

    expect_field_error(domain, "A domain has no spaces: enter it like acme.com.")
    expect(domain).to_have_value("not a domain")
    expect(page.get_by_label("Company name")).to_have_value("Gizmo Works")
    expect(page.get_by_label("Description (optional)")).to_have_value("Gadgets for the kitchen.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a company")


def test_post_an_empty_answer(browsing: Browsing) -> None:
    page = browsing.new_page()
    page.goto("/")
    mute = steps.new_username("mute")
    steps.sign_up(page, mute)
    steps.verify_email(page, browsing.server, mute)
    steps.open_company(page, "Paperleaf")
    page.get_by_role("link", name="A Linux desktop app").click()
    # An idea: it takes replies (issue 13).
    answer = page.get_by_label("Your reply")
    answer.fill("")
    browser_stops(answer)

    skip_browser_checks(answer)
    page.get_by_role("button", name="Post your reply").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("A Linux desktop app")
    expect_field_error(page.get_by_label("Your reply"), "Please write your answer first.")
    expect(page.get_by_role("heading", name="0 replies")).to_be_visible()


def test_invite_staff_at_another_domain(browsing: Browsing) -> None:
    admin = steps.new_username("inviter")
    company, domain = f"Invico {admin}", f"{admin}.example"
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, admin)
    steps.verify_email(page, browsing.server, admin)
    steps.add_company(page, company, domain)
    steps.company_joins(browsing, page, company, domain, admin)
    steps.open_staff_page(page, company)

    invite = page.get_by_role("region", name="Invite staff")
    email = invite.get_by_label("Work e-mail")
    email.fill("sam@gmail.com")
    invite.get_by_role("radio", name=re.compile("^Admin:")).check()
    invite.get_by_role("button", name="Send invitation").click()

    invite = page.get_by_role("region", name="Invite staff")
    email = invite.get_by_label("Work e-mail")
    expect_field_error(email, f"Use your work e-mail at {domain}")
    expect(email).to_have_value("sam@gmail.com")
    expect(invite.get_by_role("radio", name=re.compile("^Admin:"))).to_be_checked()
    assert steps.mails_to(browsing.server, "sam@gmail.com") == []
