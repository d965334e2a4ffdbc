"""A company's staff read its insights (issue 14): the charts are drawn on the server, each
an image with a name and its table of numbers, each table downloads as CSV; a customer who
is not on the staff is refused.

Jane is Acme Cloud's admin in the demo data; looking changes nothing, so the journey runs
again on the same server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, DESKTOP

pytestmark = pytest.mark.e2e

CHARTS = (
    "Questions by kind and week",
    "Feelings over time",
    "Questions per product",
    "Official answers per staff member",
)


def test_staff_read_the_insights_and_download_a_table(page_as: Callable[..., Page]) -> None:
    page = page_as("jane", viewport=DESKTOP)

    # From the company page, a link only staff (and moderators) see.
    page.goto("/companies/acme-cloud")
    page.get_by_role("link", name="Insights", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights for Acme Cloud")
    expect(page.get_by_role("link", name="Last 30 days")).to_have_attribute("aria-current", "page")

    # A year: every chart is an image named by its title, with shapes drawn in it.
    page.get_by_role("link", name="Last 365 days").click()
    expect(page).to_have_url(re.compile(r"/companies/acme-cloud/insights\?days=365$"))
    for title in CHARTS:
        chart = page.get_by_role("img", name=title, exact=True)
        expect(chart).to_be_visible()
        expect(chart.locator("rect").first).to_be_attached()
    expect(page.get_by_role("term").filter(has_text="Questions asked")).to_be_visible()
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "screenshots" / "insights-365-days.png", full_page=True)

    # The numbers behind the weekly chart, for anyone who cannot see it.
    kinds = page.get_by_role("region", name="Questions by kind and week", exact=True)
    kinds.get_by_text("The numbers as a table").click()
    table = kinds.get_by_role("table", name="Questions by kind and week")
    expect(table.get_by_role("columnheader", name="Problem")).to_be_visible()
    expect(table.get_by_role("row")).not_to_have_count(0)

    # The same table, as CSV.
    with page.expect_download() as download_info:
        kinds.get_by_role("link", name="Download “Questions by kind and week” as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "acme-cloud-kinds-365-days.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Week of,Question,Problem,Idea,Praise,All"
    # 366 days touch 53 weeks, or 54 when the first is a Sunday (today is a Monday).
    assert len(lines) - 1 in (53, 54)
    assert sum(int(line.rsplit(",", 1)[1]) for line in lines[1:]) > 0


def test_a_customer_is_refused(page_as: Callable[..., Page]) -> None:
    page = page_as("bruno")

    page.goto("/companies/acme-cloud")
    expect(page.get_by_role("link", name="Insights", exact=True)).to_have_count(0)
    response = page.goto("/companies/acme-cloud/insights")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
