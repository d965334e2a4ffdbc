"""The company's own site (issue 15): a small "company site" on another loopback port
embeds the widget and signs its customers in to Helpsquare with single sign-on.

Jane (Acme Cloud's admin in the demo) lists the site as the widget's origin and makes an
SSO secret on her company's integrations page; the site signs tokens with it, as the
README's ten lines do.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import jwt
import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing, LiveServer

pytestmark = pytest.mark.e2e

COMPANY = "acme-cloud"


@dataclass
class CompanySite:
    """The company's site: a page with the widget, and its "sign in to the community"
    endpoint that sends the signed-in customer to Helpsquare with a token."""

    url: str
    helpsquare: str
    secret: str = ""
    customer: dict = field(default_factory=dict)
    issued: list[str] = field(default_factory=list)  # the Helpsquare links it sent

    def sso_link(self, return_to: str) -> str:
        # The README's snippet, nearly word for word.
        now = int(time.time())
        claims = {
            **self.customer,
            "iat": now,
            "exp": now + 60,
            "jti": uuid.uuid4().hex,
            "return_to": return_to,
        }
        token = jwt.encode(claims, self.secret.encode("utf-8"), algorithm="HS256")
        link = f"{self.helpsquare}/sso/{COMPANY}?token={token}"
        self.issued.append(link)
        return link


def _handler(site: CompanySite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            parts = urlsplit(self.path)
            if parts.path == "/sso-login":
                query = parse_qs(parts.query)
                return_to = query.get("return_to", ["/"])[0]
                if title := query.get("title", [""])[0]:
                    return_to += "?title=" + quote(title)
                self.send_response(302)
                self.send_header("Location", site.sso_link(return_to))
                self.end_headers()
                return
            page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Acme Cloud</title></head><body><main><h1>Acme Cloud</h1>
<p><a href="/sso-login?return_to=/companies/{COMPANY}">Community</a></p></main>
<script src="{site.helpsquare}/widget.js" data-company="{COMPANY}"
  data-sso-login="{site.url}/sso-login" async></script></body></html>"""
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            # A strict policy of the company's own: the widget adds no inline code or style.
            self.send_header(
                "Content-Security-Policy",
                f"default-src 'none'; script-src {site.helpsquare}; frame-src {site.helpsquare}",
            )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture(scope="module")
def company_site(live_server: LiveServer) -> Iterator[CompanySite]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: handler(*a))
    site = CompanySite(url=f"http://127.0.0.1:{server.server_port}", helpsquare=live_server.url)
    handler = _handler(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def connected(company_site: CompanySite, page_as: Callable[..., Page]) -> CompanySite:
    """Jane lists the company site as the widget's origin and makes a new SSO secret."""
    jane = page_as("jane")
    jane.goto(f"/companies/{COMPANY}/integrations")
    jane.get_by_label(
        "Sites that may show the widget (one origin a line, like https://shop.example)"
    ).fill(company_site.url)
    jane.get_by_role("button", name="Save the sites").click()
    expect(jane.get_by_text("The widget's sites are saved.")).to_be_visible()
    jane.get_by_role(
        "button", name=re.compile("(Create|Replace) the secret|Create a secret")
    ).click()
    company_site.secret = jane.locator("#sso-secret").inner_text()
    name = steps.new_username("kim")
    company_site.customer = {
        "email": f"{name}@shop.example",
        "name": "Kim Jensen",
        "external_id": f"cust-{name}",
    }
    return company_site


def test_the_widget_on_the_company_site_asks_a_question_through_sso(
    browsing: Browsing, connected: CompanySite
) -> None:
    visitor = browsing.new_page()
    visitor.goto(connected.url)

    # The Help button, by keyboard: it opens the company's help in a dialog.
    help_button = visitor.get_by_role("button", name="Help")
    help_button.focus()
    visitor.keyboard.press("Enter")
    dialog = visitor.get_by_role("dialog", name="Help")
    expect(dialog).to_be_visible()
    frame = visitor.frame_locator("iframe[title='Help']")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Help from Acme Cloud")

    # Typing a question shows similar ones (the demo has Acme Drive's syncing problem).
    frame.get_by_label("Your question").fill("Drive stops syncing")
    expect(frame.locator("#similar-live")).to_contain_text("Already asked?")

    # Asking opens a new tab through the company's sign-in: signed in, the title kept.
    title = f"Does Drive sync on a metered connection? {uuid.uuid4().hex[:6]}"
    frame.get_by_label("Your question").fill(title)
    with visitor.expect_popup() as opened:
        frame.get_by_role("button", name="Ask (opens a new tab)").click()
    ask = opened.value
    expect(ask.get_by_role("heading", level=1)).to_have_text("Ask Acme Cloud")
    expect(ask.get_by_label("Title")).to_have_value(title)
    ask.get_by_role("radio", name="Question").check()
    ask.get_by_label("Details", exact=True).fill("On my phone's hotspot it never finishes.")
    ask.get_by_role("button", name="Post").click()
    expect(ask.get_by_text("Your question is posted.")).to_be_visible()
    expect(ask.get_by_role("heading", level=1)).to_have_text(title)
    expect(ask.get_by_role("main")).to_contain_text("Kim Jensen")

    # Closing the dialog gives the focus back to the Help button; the company's strict
    # policy was never broken.
    visitor.get_by_role("button", name="Close").focus()
    visitor.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(help_button).to_be_focused()
    assert visitor.evaluate("window.__cspViolations") == []


def test_sso_signs_the_customer_in_once(browsing: Browsing, connected: CompanySite) -> None:
    customer = browsing.new_page()
    customer.goto(connected.url)

    customer.get_by_role("link", name="Community").click()

    expect(customer.get_by_text("Signed in through Acme Cloud as Kim Jensen")).to_be_visible()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Acme Cloud")

    # The same link again, in another browser: used up, nobody signed in.
    replay = browsing.new_page()
    replay.goto(connected.issued[-1])
    expect(replay.get_by_role("heading", level=1)).to_contain_text("Bad request")
    expect(replay.get_by_text("This sign-in link is not valid")).to_be_visible()
    expect(
        replay.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()


def test_another_site_cannot_frame_the_widget(browsing: Browsing, connected: CompanySite) -> None:
    """The embedded page's policy names the company's site only."""
    response = browsing.new_page().request.get(f"{connected.helpsquare}/embed/companies/{COMPANY}")
    policy = response.headers["content-security-policy"]
    assert f"frame-ancestors {connected.url}" in policy
