"""A company admin invites a colleague, who joins by the e-mailed link and answers
officially; removed from the staff later, the colleague's earlier answer stays official.

The company is made and claimed for the test (steps.company_joins), so the journey does
not depend on the demo data and runs again on the same server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.conftest import Browsing

pytestmark = pytest.mark.e2e

QUESTION = "Can the scale export weights to a spreadsheet?"


def test_an_invited_agent_joins_and_answers_officially(browsing: Browsing) -> None:
    owner, agent = steps.new_username("rhea"), steps.new_username("tomas")
    company = f"Scalewise {owner}"
    domain = f"{owner}.example"

    # Rhea adds her company, a customer question arrives, and her claim is approved.
    admin = browsing.new_page()
    admin.goto("/")
    steps.sign_up(admin, owner)
    steps.verify_email(admin, browsing.server, owner)
    steps.add_company(admin, company, domain)
    customer = browsing.new_page()
    customer.goto("/")
    cust = steps.new_username("cust")
    steps.sign_up(customer, cust)
    steps.verify_email(customer, browsing.server, cust)
    steps.open_company(customer, company)
    question_url = steps.ask(customer, "Question", QUESTION, "I would like a CSV every week.")
    steps.company_joins(browsing, admin, company, domain, owner)

    # She invites a colleague as an agent, by his work e-mail at the company's domain.
    steps.open_staff_page(admin, company)
    steps.invite_staff(admin, f"{agent}@{domain}")
    pending = admin.get_by_role("region", name="Pending invitations")
    expect(pending).to_contain_text(f"{agent}@{domain} as agent")

    # Tomas signs up in his own browser, opens the link from the e-mail and joins.
    colleague = browsing.new_page()
    colleague.goto("/")
    steps.sign_up(colleague, agent)
    steps.verify_email(colleague, browsing.server, agent)
    steps.join_staff(colleague, steps.mailed_link(browsing.server, f"{agent}@{domain}"), company)

    # His answer to the customer's question is official.
    colleague.goto(question_url)
    steps.post_answer(colleague, "Yes: Settings → Export, then choose CSV and a weekday.")
    card = steps.answer_card(colleague, agent)
    expect(steps.badge(card, "Official answer")).to_have_text(
        f"◆ Official answer · @{agent} at {company}"
    )

    # The staff page lists him as an agent; the invitation is used up.
    admin.reload()
    expect(admin.get_by_role("article", name=agent)).to_contain_text("Agent")
    expect(pending).to_contain_text("No invitations are waiting.")

    # Rhea removes him from the staff: his earlier answer stays official, a new one is not.
    admin.get_by_role("button", name=f"Remove @{agent} from {company} staff").click()
    expect(admin.get_by_text(f"@{agent} is no longer on {company}'s staff.")).to_be_visible()
    expect(admin.get_by_role("article", name=agent)).to_have_count(0)
    colleague.goto(question_url)
    steps.post_answer(colleague, "Also: the export keeps the last 90 days.")
    answers = colleague.get_by_role("region", name="2 answers").get_by_role("article")
    expect(answers).to_have_count(2)
    expect(
        steps.badge(answers.filter(has_text="Settings → Export"), "Official answer")
    ).to_have_count(1)
    expect(
        steps.badge(answers.filter(has_text="the last 90 days"), "Official answer")
    ).to_have_count(0)
