"""The header and the list pages' layout (issue 13): one header row at 1440 px whatever the
name's length, at most 64 px tall on a phone; the first question of a company or product
page within a phone's first screen; filters that apply on change; the bell's list of the
latest notifications; axe clean with the menus open, light and dark; screenshots to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps
from tests.e2e.conftest import ARTIFACTS, Browsing
from tests.e2e.test_key_pages import (
    AXE_OPTIONS,
    COLOUR_RULES,
    axe_source,  # noqa: F401 - the fixture
    describe,
    run_axe,
)

pytestmark = pytest.mark.e2e

WIDE = {"width": 1440, "height": 900}
PHONE_390 = {"width": 390, "height": 844}
SCREENSHOTS = ARTIFACTS / "screenshots"
COMPANY = "/companies/acme-cloud"
PRODUCT = "/companies/acme-cloud/products/acme-drive"
LONG_NAME = "Maximiliana Lindqvist-Oyelaran"  # 30 characters


def header_height(page: Page) -> float:
    box = page.locator(".site-header").bounding_box()
    assert box is not None
    return box["height"]


def test_the_header_is_one_row_at_1440_px_with_a_long_display_name(browsing: Browsing) -> None:
    assert len(LONG_NAME) == 30
    page = browsing.new_page(WIDE)
    page.goto("/sign-up")
    username = steps.new_username("longname")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail address").fill(f"{username}@example.org")
    page.get_by_label("Display name (optional)").fill(LONG_NAME)
    page.get_by_label("Password").fill(steps.PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome to Helpsquare, {LONG_NAME}")).to_be_visible()

    for path in ("/", COMPANY):
        page.goto(path)
        # One row: the brand's own height plus the padding, never two rows of links.
        assert header_height(page) <= 64, f"{path}: the header is {header_height(page)} px tall"
        nav = page.get_by_role("navigation", name="Main")
        for name in ("Companies", "Questions", "Leaderboard"):
            expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(page.get_by_role("search", name="Search Helpsquare")).to_be_visible()
        expect(steps.bell(page)).to_be_visible()

    # The name, the profile and sign-out are behind the avatar.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Sign out")).to_be_hidden()
    page.locator("details.account-menu > summary").click()
    expect(nav.get_by_role("link", name=f"{LONG_NAME} @{username}")).to_be_visible()
    expect(nav.get_by_role("link", name="Your profile")).to_be_visible()
    expect(nav.get_by_role("link", name="Settings")).to_be_visible()
    # Escape closes the menu and gives the focus back to the avatar.
    page.keyboard.press("Escape")
    expect(nav.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.locator("details.account-menu > summary")).to_be_focused()
    # A click elsewhere closes it too.
    page.locator("details.account-menu > summary").click()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("heading", level=1).click()
    expect(nav.get_by_role("button", name="Sign out")).to_be_hidden()
    steps.sign_out(page)


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("user", [None, "chen"], ids=["visitor", "signed-in"])
def test_the_header_fits_down_to_the_320_px_reflow_width(
    browsing: Browsing, page_as: Callable[..., Page], user: str | None, width: int
) -> None:
    viewport = {"width": width, "height": 780}
    page = page_as(user, viewport=viewport) if user else browsing.new_page(viewport)
    page.goto("/")
    assert header_height(page) <= 64, f"the header is {header_height(page)} px tall"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide"
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Ask")).to_be_visible()
    if user is None:
        # "Sign in" stays reachable: beside the menu, or in it below 375 px.
        sign_in = nav.get_by_role("link", name="Sign in")
        if width < 375:
            nav.locator("details.nav-menu > summary").click()
        expect(sign_in).to_be_visible()


@pytest.mark.parametrize("user", [None, "chen"], ids=["visitor", "signed-in"])
def test_the_header_is_at_most_64_px_on_a_phone(
    browsing: Browsing, page_as: Callable[..., Page], user: str | None
) -> None:
    page = page_as(user, viewport=PHONE_390) if user else browsing.new_page(PHONE_390)
    page.goto("/")
    assert header_height(page) <= 64, f"the header is {header_height(page)} px tall"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_390["width"], f"the page is {width} px wide"

    # The search behind its icon: it opens the header's form in place.
    search = page.get_by_role("search", name="Search Helpsquare")
    expect(search).to_be_hidden()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    expect(search).to_be_visible()
    expect(search.get_by_label("Search questions and answers")).to_be_focused()
    page.keyboard.type("sync stopped")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search Helpsquare")
    # The words stay on the results page, in its one search form.
    expect(page.get_by_role("search")).to_have_count(1)
    expect(page.get_by_label("Search for")).to_have_value("sync stopped")

    # The main links are in the menu.
    page.locator("details.menu > summary").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Companies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Companies")


@pytest.mark.parametrize("path", [COMPANY, PRODUCT], ids=["company", "product"])
def test_the_first_question_shows_on_a_phones_first_screen(
    page_as: Callable[..., Page], path: str
) -> None:
    page = page_as("chen", viewport=PHONE_390)
    page.goto(path)
    first = page.locator(".question-list .question-item__title").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE_390["height"], f"the first question is at {box}"


def test_filters_apply_on_change(page_as: Callable[..., Page]) -> None:
    page = page_as("chen")
    page.goto(COMPANY)
    filters = page.get_by_role("form", name="Filter questions")
    expect(filters).to_be_hidden()
    page.locator("details.filters-disclosure > summary").click()
    expect(filters.get_by_role("button", name="Filter")).to_be_hidden()  # the script applies
    filters.get_by_label("Kind").select_option("problem")
    expect(page).to_have_url(re.compile(r"[?&]kind=problem"))
    # The filter is set: its form is open, and the list holds problems only.
    expect(page.get_by_role("form", name="Filter questions").get_by_label("Kind")).to_have_value(
        "problem"
    )
    badges = page.locator(".question-list .badge--question, .question-list .badge--idea")
    expect(badges).to_have_count(0)


def test_filters_work_without_javascript(browsing: Browsing) -> None:
    page = browsing.new_page(java_script_enabled=False)
    page.goto(COMPANY)
    page.locator("details.filters-disclosure > summary").click()
    filters = page.get_by_role("form", name="Filter questions")
    filters.get_by_label("Kind").select_option("problem")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]kind=problem"))


def test_the_bell_opens_the_latest_notifications_in_place(page_as: Callable[..., Page]) -> None:
    page = page_as("alice")
    page.goto(COMPANY)
    bell = steps.bell(page)
    name_before = bell.get_attribute("aria-label")
    bell.click()
    expect(bell).to_have_attribute("aria-expanded", "true")
    latest = page.locator("#bell-panel")
    expect(latest.get_by_role("listitem").first).to_be_visible()
    assert latest.get_by_role("listitem").count() <= 6
    expect(page).to_have_url(re.compile(COMPANY + "$"))  # the page stayed
    # Opening the list marks nothing read.
    page.reload()
    expect(steps.bell(page)).to_have_attribute("aria-label", name_before or "")
    steps.bell(page).click()
    page.keyboard.press("Escape")
    expect(page.locator("#bell-panel")).to_be_hidden()
    steps.bell(page).click()
    page.get_by_role("link", name="All notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")


def run_axe_in_header(page: Page, name: str, options: dict) -> list[dict]:
    """axe on the header alone, with a menu open: the page under it was checked closed (an
    open popover covers part of it, as popovers do)."""
    violations = page.evaluate(
        "options => axe.run({include: [['.site-header']]}, options)", options
    )["violations"]
    if violations:
        SCREENSHOTS.parent.joinpath("axe").mkdir(parents=True, exist_ok=True)
        SCREENSHOTS.parent.joinpath("axe", f"{name}.txt").write_text(describe(violations))
    return [v for v in violations if v["impact"] in {"serious", "critical"}]


@pytest.mark.parametrize("viewport", [PHONE_390, WIDE], ids=["390", "1440"])
@pytest.mark.parametrize("path", ["/", COMPANY], ids=["home", "company"])
def test_axe_and_screenshots_with_the_menus_open(
    page_as: Callable[..., Page],
    axe_source: str,  # noqa: F811 - the fixture
    viewport: dict[str, int],
    path: str,
) -> None:
    page = page_as("alice", viewport=viewport)
    page.goto(path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page_name = "home" if path == "/" else "company"
    page.evaluate(axe_source)
    failing = {}
    for scheme, rules in (("light", AXE_OPTIONS), ("dark", COLOUR_RULES)):
        page.emulate_media(color_scheme=scheme)
        name = f"layout-{page_name}-{viewport['width']}-{scheme}"
        page.screenshot(path=SCREENSHOTS / f"{name}.png")
        if found := run_axe(page, name, rules):
            failing[name] = found
        # The account menu open, then the bell's list.
        page.locator("details.account-menu > summary").click()
        page.screenshot(path=SCREENSHOTS / f"{name}-menu.png")
        if found := run_axe_in_header(page, f"{name}-menu", rules):
            failing[f"{name}-menu"] = found
        page.keyboard.press("Escape")
        steps.bell(page).click()
        expect(page.locator("#bell-panel").get_by_role("listitem").first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / f"{name}-bell.png")
        if found := run_axe_in_header(page, f"{name}-bell", rules):
            failing[f"{name}-bell"] = found
        page.keyboard.press("Escape")

    assert not failing, "\n".join(
        f"axe on {name} ({page.url}):\n{describe(found)}" for name, found in failing.items()
    )
