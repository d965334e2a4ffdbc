"""Hostile Markdown posted as a question and as answers runs no script in a real browser,
not when the page loads and not when every link in it is clicked.

The corpus is Debian's wfuzz XSS list (when the package is installed; ``.ci/e2e``
installs it) plus our own Markdown-aimed list, ``xss_corpus.txt`` (which stands in alone
when wfuzz is missing). Many strings go into each post, in three Markdown contexts, so a
handful of posts covers the whole corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

WFUZZ_XSS = Path("/usr/share/wfuzz/wordlist/Injections/XSS.txt")
OWN_CORPUS = Path(__file__).with_name("xss_corpus.txt")
BODY_MAX = 20_000  # app.questions.models.BODY_MAX; a post over it would only be refused
TITLE = "<script>alert('title')</script><img src=x onerror=alert('title-img')> sync"
# Markup that only the CSP stopped means the sanitizer let it through.
SCRIPT_DIRECTIVES = ("script-src", "object-src", "base-uri", "form-action", "frame-src")
# Where user content may not lead: anything but the web and e-mail.
SAFE_HREF = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# Elements and attributes that run code or change the page around the content.
DANGEROUS_DOM = """
root => {
  const found = [];
  for (const el of root.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["script", "iframe", "object", "embed", "svg", "math", "form", "input", "button",
         "style", "base", "meta", "link", "template", "noscript", "details"].includes(tag))
      found.push("<" + tag + ">");
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || ["style", "srcdoc", "formaction", "ping", "target"]
          .includes(name))
        found.push(tag + "[" + name + "=" + attr.value + "]");
      if (["href", "src", "action", "data"].includes(name) && /^\\s*(javascript|vbscript|data):/i
          .test(attr.value))
        found.push(tag + "[" + name + "=" + attr.value + "]");
    }
  }
  return found;
}
"""


def corpus() -> list[str]:
    strings: list[str] = []
    if WFUZZ_XSS.exists():
        strings += WFUZZ_XSS.read_text(encoding="utf-8", errors="replace").splitlines()
    strings += [
        line
        for line in OWN_CORPUS.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#|")
    ]
    return [line for line in strings if line.strip()]


def bodies(strings: list[str]) -> list[str]:
    """The corpus in three Markdown contexts: blocks of their own, one paragraph, a list."""
    joined = ["\n\n".join(strings), "\n".join(strings), "\n".join(f"- {s}" for s in strings)]
    for body in joined:
        assert len(body) <= BODY_MAX, "the corpus outgrew one post: split it"
    return joined


def stub_outside(route: Route) -> None:
    """Every address off the loopback server answers with an inert page (no network here)."""
    route.fulfill(status=200, content_type="text/html", body="<p>Outside Helpsquare</p>")


def assert_nothing_ran(page: Page, browsing: Browsing, where: str) -> None:
    assert not browsing.watch.dialogs, f"{where}: a dialog opened: {browsing.watch.dialogs}"
    assert not browsing.watch.page_errors, f"{where}: {browsing.watch.page_errors}"
    if not page.url.startswith(browsing.server.url):
        return  # on the stub page or Chromium's error page: none of our content runs there
    marker = page.evaluate("() => window.__xss")
    assert marker is None, f"{where}: hostile script ran and set window.__xss = {marker!r}"
    violations = page.evaluate("() => window.__cspViolations || []")
    blocked = [v for v in violations if v.startswith(SCRIPT_DIRECTIVES)]
    assert not blocked, f"{where}: only the CSP stopped hostile markup: {blocked}"


def test_hostile_markdown_runs_no_script_even_when_every_link_is_clicked(
    browsing: Browsing,
) -> None:
    strings = corpus()
    question_body, *answer_bodies = bodies(strings)
    context = browsing.new_context()
    context.route(re.compile(rf"^(?!{re.escape(browsing.server.url)}/)"), stub_outside)
    page = context.new_page()

    page.goto("/")
    mallory = steps.new_username("mallory")
    steps.sign_up(page, mallory)
    steps.verify_email(page, browsing.server, mallory)
    page.goto("/companies/paperleaf/ask")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Details", exact=True).fill(question_body)
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    question_url = page.url
    for body in answer_bodies:
        steps.post_answer(page, body)
    assert_nothing_ran(page, browsing, "after posting")

    # A visitor opens the page: the hostile text shows as text, and nothing in the DOM
    # of the user content can run code.
    visitor_context = browsing.new_context()
    visitor_context.route(re.compile(rf"^(?!{re.escape(browsing.server.url)}/)"), stub_outside)
    visitor = visitor_context.new_page()
    visitor.goto(question_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_role("heading", name=f"{len(answer_bodies)} answers")).to_be_visible()
    contents = visitor.locator(".prose")
    expect(contents).to_have_count(1 + len(answer_bodies))
    for index in range(contents.count()):
        found = contents.nth(index).evaluate(DANGEROUS_DOM)
        assert not found, f"dangerous markup in user content #{index}: {found}"
    hrefs = visitor.locator(".prose a[href]").evaluate_all("links => links.map(a => a.href)")
    assert hrefs, "the corpus made no links: the click check below would prove nothing"
    unsafe = [href for href in hrefs if not SAFE_HREF.match(href)]
    assert not unsafe, f"links to somewhere other than the web or e-mail: {unsafe}"
    assert_nothing_ran(visitor, browsing, "on load")

    # Click every link in the user content, each from a freshly loaded page.
    links = visitor.locator(".prose a")
    total = links.count()
    for index in range(total):
        visitor.goto(question_url)
        link = links.nth(index)
        description = link.evaluate("a => a.outerHTML")
        if link.is_visible():
            link.click()
        else:  # an empty link a person cannot see: activate it all the same
            link.dispatch_event("click")
        visitor.wait_for_load_state()
        where = f"after clicking link {index + 1}/{total}: {description}"
        assert_nothing_ran(visitor, browsing, where)
    for popup in visitor_context.pages[1:]:
        assert_nothing_ran(popup, browsing, f"in a window a link opened: {popup.url}")
