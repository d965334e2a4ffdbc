"""Bringing the company's own site (issue 15): a company admin adds a webhook endpoint,
copies its secret (shown once), sends a test event that the company's receiver verifies
with the Standard Webhooks library, and reads the delivery log; a claimant gets a token to
prove a domain. axe checks each new page; each is photographed."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect
from standardwebhooks.webhooks import Webhook

from tests.e2e import steps
from tests.e2e.conftest import ARTIFACTS, Browsing
from tests.e2e.test_key_pages import AXE, AXE_OPTIONS, describe, run_axe
from tests.servers import http_receiver

pytestmark = pytest.mark.e2e

SCREENSHOTS = ARTIFACTS / "screenshots"


def _look(page: Page, name: str) -> None:
    """A screenshot, then axe: no serious or critical violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"integrations-{name}.png", full_page=True)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    failing = run_axe(page, f"integrations-{name}", AXE_OPTIONS)
    assert not failing, f"axe on {page.url}:\n{describe(failing)}"


def test_an_admin_adds_a_webhook_and_sends_a_test_event(browsing: Browsing) -> None:
    claimant = steps.new_username("hooks")
    company, domain = f"Hookworks {claimant}", f"{claimant}.example"
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, claimant)
    steps.verify_email(page, browsing.server, claimant)
    steps.add_company(page, company, domain)
    steps.company_joins(browsing, page, company, domain, claimant)

    # From the staff page to the webhooks page.
    steps.open_staff_page(page, company)
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    expect(page.get_by_text("No endpoints yet.")).to_be_visible()
    _look(page, "webhooks-empty")

    with http_receiver() as receiver:
        page.get_by_label("Endpoint URL").fill(receiver.url("/helpsquare"))
        page.get_by_role("button", name="Add endpoint").click()
        secret_box = page.get_by_label("Signing secret")
        expect(secret_box).to_have_value(re.compile(r"^whsec_"))
        secret = secret_box.input_value()
        _look(page, "webhooks-secret")
        # Shown once: the next visit does not show it.
        page.reload()
        expect(page.get_by_label("Signing secret")).to_have_count(0)

        page.get_by_role("link", name=re.compile(r"^Delivery log")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Delivery log")
        page.get_by_role("button", name="Send test event").click()
        expect(page.get_by_text("A test event is on its way.")).to_be_visible()
        deadline = time.monotonic() + 15
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.1)
        assert receiver.requests, "the test event never arrived"
        sent = receiver.requests[0]

    assert Webhook(secret).verify(sent.body, sent.headers)["type"] == "webhook.test"
    page.reload()
    expect(page.get_by_role("cell", name="delivered")).to_be_visible()
    expect(page.get_by_role("cell", name="200", exact=True)).to_be_visible()
    _look(page, "webhooks-log")


def test_a_claimant_gets_a_token_to_prove_the_domain(browsing: Browsing) -> None:
    claimant = steps.new_username("prover")
    company, domain = f"Provable {claimant}", f"{claimant}.example"
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, claimant)
    steps.verify_email(page, browsing.server, claimant)
    steps.add_company(page, company, domain)
    page.get_by_role("link", name="Claim this company").click()
    proof = page.get_by_role("region", name="Or prove the domain")
    _look(page, "claim-proof")
    proof.get_by_role("button", name="Get a token to publish").click()
    expect(proof.locator("#proof-record")).to_have_text(re.compile(r"^helpsquare-verify=\S+$"))
    expect(proof).to_contain_text(f"https://{domain}/.well-known/helpsquare-verify.txt")
    expect(proof.get_by_role("button", name="Check now")).to_be_visible()
    _look(page, "claim-proof-token")
