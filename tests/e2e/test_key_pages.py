"""Every key page, at phone and desktop width, light and dark: a screenshot for people to
look at (``test-artifacts/screenshots/``), then axe-core's WCAG 2.2 AA checks.

A ``serious`` or ``critical`` violation fails the test; the lesser ones are written to
``test-artifacts/axe/`` for a person to read. Screenshots are taken first, so a failing
page can be looked at. Light runs every rule; dark mode changes colours only (the same
page, switched with ``prefers-color-scheme``), so there axe runs the colour rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, Browsing
from tests.e2e.pages import KEY_PAGES, KeyPage

pytestmark = pytest.mark.e2e

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22a",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}
COLOUR_RULES = {"runOnly": ["color-contrast", "link-in-text-block"], "resultTypes": ["violations"]}
FAILING_IMPACTS = {"serious", "critical"}
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_REPORTS = ARTIFACTS / "axe"


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def describe(violations: list[dict]) -> str:
    """axe's findings as a person reads them: rule, impact, why, and where."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']}\n"
            f"    {violation['helpUrl']}"
        )
        for node in violation["nodes"][:8]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    - {target}\n      {node['html'][:160]}\n      {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def open_key_page(page: Page, key_page: KeyPage) -> None:
    page.goto(key_page.path)
    if key_page.follow:
        page.get_by_role("link", name=key_page.follow, exact=True).first.click()
    if key_page.heading:
        expect(page.get_by_role("heading", level=1)).to_have_text(key_page.heading)


def run_axe(page: Page, name: str, options: dict) -> list[dict]:
    """axe's serious and critical violations on the page; all of them go to a report file."""
    violations = page.evaluate("options => axe.run(document, options)", options)["violations"]
    report = AXE_REPORTS / f"{name}.txt"
    if violations:
        AXE_REPORTS.mkdir(parents=True, exist_ok=True)
        report.write_text(describe(violations) + "\n\n" + json.dumps(violations, indent=1))
    else:
        report.unlink(missing_ok=True)
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("key_page", KEY_PAGES, ids=[p.name for p in KEY_PAGES])
def test_key_page_is_accessible(
    browsing: Browsing,
    page_as: Callable[..., Page],
    axe_source: str,
    key_page: KeyPage,
    viewport: dict[str, int],
) -> None:
    if key_page.user:
        page = page_as(key_page.user, viewport=viewport, color_scheme="light")
    else:
        page = browsing.new_page(viewport, color_scheme="light")
    open_key_page(page, key_page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failing = {}
    for scheme, rules in (("light", AXE_OPTIONS), ("dark", COLOUR_RULES)):
        page.emulate_media(color_scheme=scheme)
        name = f"{key_page.name}-{viewport['width']}-{scheme}"
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        if scheme == "light":
            page.evaluate(axe_source)
        if found := run_axe(page, name, rules):
            failing[name] = found

    assert not failing, "\n".join(
        f"axe on {name} ({page.url}):\n{describe(found)}" for name, found in failing.items()
    )
