"""A problem through its life (issue 14): staff solve it "in 4.2.1", the customer it affects
says it is still broken, and it is open again (acknowledged), with its history on the page.

Everything happens on a company made for the test, so the journey runs again on the same
server.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

PROBLEM = "The thermostat app loses its schedule every night"


def test_staff_solve_a_problem_in_a_version_and_the_customer_reopens_it(
    browsing: Browsing,
) -> None:
    asker, claimant = steps.new_username("thermo"), steps.new_username("tess")
    company = f"Thermoworks {claimant}"
    domain = f"{claimant}.example"

    # A customer reports a problem to a company that is not on Helpsquare yet.
    customer = browsing.new_page()
    customer.goto("/")
    steps.sign_up(customer, asker)
    steps.verify_email(customer, browsing.server, asker)
    steps.add_company(customer, company, domain)
    question_url = steps.ask(customer, "Problem", PROBLEM, "Every morning it is empty again.")

    # Someone from the company claims it; she is its admin staff.
    staff = browsing.new_page()
    staff.goto("/")
    steps.sign_up(staff, claimant)
    steps.verify_email(staff, browsing.server, claimant)
    steps.open_company(staff, company)
    steps.company_joins(browsing, staff, company, domain, claimant)

    # She marks it solved in 4.2.1.
    staff.goto(question_url)
    staff.get_by_label(re.compile(r"^Status of this ")).select_option(label="Solved")
    staff.get_by_label(re.compile(r"^Fixed in version")).fill("4.2.1")
    staff.get_by_role("button", name="Set status").click()
    expect(staff.get_by_text("Status set to Solved in 4.2.1.")).to_be_visible()
    expect(staff.get_by_text(f"{company} marked this problem: Solved in 4.2.1")).to_be_visible()

    # The customer hears it, and sees it on the page.
    steps.open_notifications(customer)
    solved = f"{company} marked this problem solved in 4.2.1: “{PROBLEM}”"
    expect(customer.get_by_role("link", name=solved)).to_be_visible()
    customer.goto(question_url)
    expect(customer.get_by_text(f"{company} marked this problem: Solved in 4.2.1")).to_be_visible()

    # It is not fixed for her: "Still broken", with her version.
    still_broken = customer.get_by_role("button", name="Still broken")
    customer.get_by_label("Your version (optional)").fill("4.2.1")
    still_broken.click()
    expect(customer.get_by_text("the problem is open again")).to_be_visible()
    expect(customer.get_by_text(f"{company} marked this problem: Acknowledged")).to_be_visible()
    history = customer.get_by_role("region", name="History")
    expect(history).to_contain_text("Reopened as acknowledged: still broken for 1 person")
    expect(history).to_contain_text("Solved in 4.2.1 by")
    expect(customer.get_by_role("button", name="Still broken")).to_have_count(0)

    # The staff hear that it is still broken.
    steps.open_notifications(staff)
    reopened = re.compile(f"says “{re.escape(PROBLEM)}” is still broken: reopened$")
    expect(staff.get_by_role("link", name=reopened)).to_be_visible()
