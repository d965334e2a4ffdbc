"""Reputation in a real browser (issue 16): a peer answers, is found helpful and chosen best;
the company joins and its admin names the peer a champion. The answer card shows the points
beside the name and the champion badge; the bell tells of the badges; the profile shows the
points and the badges; the company page lists its champion; the leaderboard ranks them.
axe checks the profile, the champions page, the question page with the badge and the
leaderboard; each is photographed (``test-artifacts/screenshots/reputation-*.png``).

Everything happens on a company made for the test, so the journey runs again on the same
server.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps
from tests.e2e.conftest import ARTIFACTS, Browsing
from tests.e2e.test_key_pages import AXE, AXE_OPTIONS, COLOUR_RULES, describe, run_axe

pytestmark = pytest.mark.e2e

SCREENSHOTS = ARTIFACTS / "screenshots"
QUESTION = "The kettle app forgets my favourite temperature"


def _look(page: Page, name: str) -> None:
    """A screenshot and axe, light then dark: no serious or critical violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failing = {}
    for scheme, rules in (("light", AXE_OPTIONS), ("dark", COLOUR_RULES)):
        page.emulate_media(color_scheme=scheme)
        shot = f"reputation-{name}-{scheme}"
        page.screenshot(path=SCREENSHOTS / f"{shot}.png", full_page=True)
        if scheme == "light":
            page.evaluate(AXE.read_text(encoding="utf-8"))
        if found := run_axe(page, shot, rules):
            failing[shot] = found
    assert not failing, "\n".join(
        f"axe on {n} ({page.url}):\n{describe(v)}" for n, v in failing.items()
    )


def _new_person(browsing: Browsing, prefix: str) -> tuple[Page, str]:
    username = steps.new_username(prefix)
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, username)
    steps.verify_email(page, browsing.server, username)
    return page, username


def test_a_helpful_peer_earns_points_badges_and_is_named_a_champion(browsing: Browsing) -> None:
    asker_page, _asker = _new_person(browsing, "kettle")
    peer_page, peer = _new_person(browsing, "pia")
    staff_page, claimant = _new_person(browsing, "kim")
    company = f"Kettleworks {claimant}"
    domain = f"{claimant}.example"

    # A customer asks about a company that is not on Helpsquare yet; a peer answers.
    steps.add_company(asker_page, company, domain)
    question_url = steps.ask(asker_page, "Question", QUESTION, "Every morning it is back at 80.")
    peer_page.goto(question_url)
    steps.post_answer(peer_page, "Pin the favourite: long-press it until the star fills.")

    # The asker finds it helpful (+10) and chooses it as the best answer (+25).
    asker_page.goto(question_url)
    steps.answer_card(asker_page, peer).get_by_role("button", name="Helpful").click()
    steps.answer_card(asker_page, peer).get_by_role("button", name="Choose as best").click()
    expect(asker_page.get_by_text("Marked as the best answer.")).to_be_visible()
    # Both happened in place (issue 13); the points show on the page loaded again.
    expect(steps.answer_card(asker_page, peer).locator(".helpful-count")).to_have_text(
        "1 found this helpful"
    )
    asker_page.reload()
    expect(steps.answer_card(asker_page, peer).locator(".reputation")).to_have_text("35 points")

    # The company joins; its admin names the peer a champion from the company's page.
    staff_page.goto(question_url)
    staff_page.get_by_role("link", name=company).first.click()
    steps.company_joins(browsing, staff_page, company, domain, claimant)
    staff_page.get_by_role("link", name="Name champions").click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(f"{company} champions")
    staff_page.get_by_label("Username").fill("@nobody-here")
    staff_page.get_by_role("button", name="Name champion").click()
    expect(staff_page.get_by_text("There is nobody called @nobody-here")).to_be_visible()
    expect(staff_page.get_by_label("Username")).to_have_value("nobody-here")
    staff_page.get_by_label("Username").fill(f"@{peer}")
    staff_page.get_by_role("button", name="Name champion").click()
    expect(staff_page.get_by_text(f"@{peer} is a champion of {company}.")).to_be_visible()
    expect(staff_page.get_by_role("button", name=f"Remove @{peer} as a champion")).to_be_visible()
    _look(staff_page, "champions")

    # The answer carries the champion badge, beside the points.
    peer_page.goto(question_url)
    card = steps.answer_card(peer_page, peer)
    expect(steps.badge(card, f"{company} champion")).to_be_visible()
    expect(card.locator(".reputation")).to_have_text("35 points")
    _look(peer_page, "question")

    # The bell told the peer of each badge; the profile shows the points and the badges.
    steps.open_notifications(peer_page)
    for name in ("First answer", "Solved it", "Champion"):
        expect(
            peer_page.get_by_role("link", name=re.compile(f"^You earned the badge “{name}”"))
        ).to_be_visible()
    peer_page.get_by_role("link", name=re.compile("^You earned the badge “Champion”")).click()
    expect(peer_page.get_by_role("heading", level=1)).to_have_text("Badges and points")
    peer_page.goto(f"/users/{peer}")
    expect(peer_page.get_by_text("35 points for helping others")).to_be_visible()
    badges = peer_page.get_by_role("region", name="Badges")
    for name in ("First answer", "Solved it", "Champion", f"{company} champion"):
        expect(steps.badge(badges, name).first).to_be_visible()
    _look(peer_page, "profile")

    # The company page lists its champion; its leaderboard ranks the peer first.
    peer_page.goto(question_url)
    peer_page.get_by_role("link", name=company).first.click()
    champions = peer_page.get_by_role("complementary").get_by_role("list", name="Champions")
    expect(champions).to_contain_text(f"@{peer}")
    peer_page.get_by_role("link", name=f"{company} leaderboard").click()
    first = peer_page.get_by_role("row").nth(1)
    expect(first).to_contain_text(f"@{peer}")
    expect(first).to_contain_text("35")
    _look(peer_page, "leaderboard")
