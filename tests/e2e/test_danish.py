"""Helpsquare in Danish, in a real browser (issue 17): the footer's "Dansk" link switches the
site, and the key pages (home, a question, ask, sign-up with a field error, a staff page)
are Danish: ``<html lang="da">``, none of the interface's common English words left, axe
clean. Screenshots go to ``test-artifacts/screenshots/da-*.png``.

Posts are not translated (product.md, "Languages"): the demo's posts are English, so the
words are looked for outside them (post bodies, people's names, the titles of questions).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, Browsing
from tests.e2e.pages import DEMO_QUESTION

pytestmark = pytest.mark.e2e

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
SCREENSHOTS = ARTIFACTS / "screenshots"
# The interface's everyday English words: none may be left on a Danish page.
ENGLISH = (
    "Sign in", "Sign up", "Sign out", "Search", "Answer", "Answers", "Question", "Questions",
    "Follow", "Unfollow", "Helpful", "Me too", "Cancel", "Save", "Company", "Companies",
    "Best answer", "Official", "Status", "Staff", "Edit", "Delete", "Reply", "Post",
    "Notifications", "Leaderboard", "Unanswered", "Ask", "Products", "ago",
)  # fmt: skip
WORDS = re.compile(r"\b(" + "|".join(re.escape(word) for word in ENGLISH) + r")\b")
# What people wrote, never translated: post bodies, names, the titles of questions.
USER_CONTENT = ".prose, .person, .question-item__title, .page-header h1, blockquote, code"


def interface_text(page: Page) -> str:
    """The page's visible text without what people wrote."""
    return page.evaluate(
        """selector => {
            const copy = document.body.cloneNode(true);
            copy.querySelectorAll(selector).forEach(node => node.remove());
            return copy.innerText;
        }""",
        USER_CONTENT,
    )


def switch_to_danish(page: Page) -> None:
    """The footer's language link, as a visitor (or a person without a setting) uses it."""
    page.goto("/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Dansk").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")


def check_danish(page: Page, name: str) -> list[str]:
    """Screenshot, then what is wrong: the page's language, English words, axe's findings."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"da-{name}.png", full_page=True)
    problems = []
    if page.locator("html").get_attribute("lang") != "da":
        problems.append('<html lang> is not "da"')
    english = sorted(set(WORDS.findall(interface_text(page))))
    if english:
        problems.append(f"English words: {', '.join(english)}")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]
    serious = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    if serious:
        problems.append(f"axe: {', '.join(serious)}")
    return [f"{name} ({page.url}): {problem}" for problem in problems]


def test_the_key_pages_in_danish(browsing: Browsing, page_as) -> None:  # noqa: ANN001
    problems: list[str] = []

    visitor = browsing.new_page()
    switch_to_danish(visitor)
    expect(visitor.get_by_role("link", name="Log ind")).to_be_visible()
    problems += check_danish(visitor, "home")

    visitor.goto("/companies/acme-cloud/products/acme-drive")
    visitor.get_by_role("link", name=DEMO_QUESTION, exact=True).first.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(DEMO_QUESTION)
    problems += check_danish(visitor, "question")

    # Sign-up with field errors: a taken username and one of the commonest passwords.
    visitor.goto("/sign-up")
    visitor.get_by_label("Brugernavn").fill("alice")
    visitor.get_by_label("E-mailadresse").fill("ny-bruger@example.org")
    visitor.get_by_label("Adgangskode").fill("password123")
    visitor.get_by_role("button", name="Opret konto").click()
    expect(visitor.get_by_text("Det brugernavn er allerede taget. Vælg et andet.")).to_be_visible()
    expect(visitor.get_by_label("Brugernavn")).to_have_attribute("aria-invalid", "true")
    problems += check_danish(visitor, "sign-up-error")

    asker = page_as("dana")
    switch_to_danish(asker)
    asker.goto("/companies/acme-cloud/ask")
    problems += check_danish(asker, "ask")

    admin = page_as("jane")
    switch_to_danish(admin)
    admin.goto("/companies/acme-cloud/staff")
    problems += check_danish(admin, "staff")

    report = ARTIFACTS / "danish-pages.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(problems) + "\n" if problems else "All Danish.\n")
    assert not problems, "pages not yet Danish:\n" + "\n".join(problems)
