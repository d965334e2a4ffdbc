"""A company joins: someone who works there claims it with a work e-mail, follows the link
from the e-mail, a site admin approves, and her answers are official from then on.

Everything happens on a company made for the test, so the journey does not depend on the
demo data and runs again on the same server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.conftest import PHONE, Browsing
from tests.e2e.test_forms import expect_field_error

pytestmark = pytest.mark.e2e

PROBLEM = "The kettle app forgets my schedule after a firmware update"
# Long on purpose: name, title and company make the "Official answer" badge wrap on a phone.
TITLE = "Customer Experience Lead"


def test_a_staff_member_claims_the_company_and_answers_officially(browsing: Browsing) -> None:
    asker, claimant = steps.new_username("kettle"), steps.new_username("noor")
    company = f"Kettleworks {claimant}"
    domain = f"{claimant}.example"

    # A customer adds the company, which is not on Helpsquare yet, and reports a problem.
    customer = browsing.new_page()
    customer.goto("/")
    steps.sign_up(customer, asker)
    steps.verify_email(customer, browsing.server, asker)
    steps.add_company(customer, company, domain)
    expect(customer.get_by_text(f"{company} has not joined Helpsquare yet.")).to_be_visible()
    question_url = steps.ask(
        customer, "Problem", PROBLEM, "Every morning the schedule is empty again."
    )

    # Someone from the company signs up and asks to claim it: first with a private
    # address, which is refused at the field, with what she typed kept.
    page = browsing.new_page()
    page.goto("/")
    steps.sign_up(page, claimant)
    steps.verify_email(page, browsing.server, claimant)
    steps.open_company(page, company)
    steps.request_claim(page, company, f"{claimant}@example.org")
    work_email = page.get_by_label("Your work e-mail")
    expect_field_error(
        work_email, f"Use your work e-mail at {domain} (or a subdomain of it), like jane@{domain}."
    )
    expect(work_email).to_have_value(f"{claimant}@example.org")
    # Nothing went to the private address but the link that verified her account.
    mailed = steps.mails_to(browsing.server, f"{claimant}@example.org")
    assert [m["Subject"] for m in mailed] == [steps.VERIFY_SUBJECT]

    # With her work e-mail the link goes out; the claim page says what happens next.
    company_email = f"{claimant}@support.{domain}"  # a subdomain of the company's is fine
    work_email.fill(company_email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text(f"We sent a link to {company_email}.")).to_be_visible()
    expect(page.get_by_role("region", name="Your claim")).to_contain_text(company_email)

    # She opens the link from the e-mail and confirms; the claim waits for a site admin.
    link = steps.mailed_link(browsing.server, company_email)
    steps.verify_claim(page, link, company, company_email)
    expect(page.get_by_role("heading", level=1, name=company)).to_be_visible()
    expect(page.get_by_text(f"{company} has not joined Helpsquare yet.")).to_be_visible()

    # A site admin finds it in the queue, opens it and approves it with a note.
    admin = steps.new_site_admin(browsing)
    steps.approve_claim(admin, company, claimant, "Checked the address and the company's site.")
    expect(admin.get_by_role("link", name=f"Open the claim on {company}")).to_have_count(0)

    # The decision reaches her by e-mail; its link leads to the company, claimed now.
    page.goto(steps.mailed_link(browsing.server, f"{claimant}@example.org"))
    expect(page.get_by_role("heading", level=1, name=company)).to_be_visible()
    expect(page.get_by_text(f"Claimed by {company} on")).to_be_visible()

    # She is its admin now: she gives herself a title, and answers the customer.
    steps.open_staff_page(page, company)
    me = page.get_by_role("article", name=claimant)
    expect(me).to_contain_text("Admin")
    steps.set_own_title(page, TITLE)
    page.goto(question_url)
    steps.post_answer(page, "Thanks for reporting it. Firmware 2.3.1 keeps the schedule.")
    official = steps.badge(steps.answer_card(page, claimant), "Official answer")
    expect(official).to_have_text(f"◆ Official answer · @{claimant}, {TITLE} at {company}")

    # As staff she sets the problem's status; the page says it, for everyone.
    steps.set_status(page, "Solved")
    expect(page.get_by_text(f"{company} marked this problem: Solved")).to_be_visible()
    customer.goto(question_url)
    expect(customer.get_by_text(f"{company} marked this problem: Solved")).to_be_visible()
    expect(steps.badge(customer.get_by_role("article", name=PROBLEM), "Answered")).to_be_visible()

    # On a phone the long official badge wraps inside the screen: nothing scrolls sideways.
    phone = browsing.new_page(PHONE)
    phone.goto(question_url)
    official = steps.badge(steps.answer_card(phone, claimant), "Official answer")
    expect(official).to_contain_text(f"{TITLE} at {company}")
    box = official.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"], f"the badge runs out: {box}"
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"], f"the page is {page_width} px wide on a phone"
