"""Images (issue 13) in a real browser: a screenshot attached to a question shows in the
post; hostile files (a decompression bomb, an SVG, an HTML page named .png) are refused at
the field with what was typed kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing
from tests.uploads import samples

pytestmark = pytest.mark.e2e

TITLE = "The invoice page shows a blank total after the redesign"


def _file(name: str, mime: str, data: bytes) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_an_attached_image_shows_and_hostile_files_are_refused(browsing: Browsing) -> None:
    asker = steps.new_username("pia")
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, asker)
    steps.verify_email(page, browsing.server, asker)
    steps.open_company(page, "Acme Cloud")
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Details", exact=True).fill("See the screenshot: the total is empty.")

    for name, mime, data, why in (
        ("bomb.png", "image/png", samples.png_claiming(30_000, 30_000), "too many pixels"),
        ("drawing.svg", "image/svg+xml", samples.SVG, "not a PNG, JPEG, WebP or GIF"),
        ("page.png", "image/png", samples.HTML, "not a PNG, JPEG, WebP or GIF"),
    ):
        page.get_by_label("Images", exact=True).set_input_files(_file(name, mime, data))
        page.get_by_role("button", name="Post").click()
        error = page.locator("#images-error")
        expect(error).to_contain_text(why)
        expect(page.get_by_label("Images", exact=True)).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label("Title")).to_have_value(TITLE)  # what was typed is kept

    page.get_by_label("Images", exact=True).set_input_files(
        _file("screenshot.png", "image/png", samples.png((320, 200), colour="orange"))
    )
    page.get_by_role("button", name="Post").click()

    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    question = page.get_by_role("article", name=TITLE)
    image = question.get_by_role("img", name=re.compile(f"^Image 1 attached by .*@{asker}"))
    expect(image).to_be_visible()
    expect(image).to_have_attribute("width", "320")
    expect(image).to_have_attribute("loading", "lazy")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 320
