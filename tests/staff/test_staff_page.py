"""The public staff page: who speaks for the company, and the tools of its admins."""

from __future__ import annotations

import pytest

from app.companies import staff
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.staff.helpers import acme, invite, save, text


def test_anyone_reads_the_active_staff_admins_first(client):
    company, jane = acme()
    make_staff(company, make_user("bob", display_name="Bob Stone"), title="Billing")
    make_staff(company, make_user("carol", display_name="Carol Diaz"), role="admin")
    gone = make_staff(company, make_user("dave", display_name="Dave Gone")).user
    staff.revoke_staff(jane, company, gone)
    save()
    before = snapshot()

    response = client.get("/companies/acme/staff")

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Acme staff</h1>" in response.get_data(as_text=True)
    assert "3 staff members" in page
    jane_at, carol_at, bob_at = (page.index(n) for n in ("Jane Doe", "Carol Diaz", "Bob Stone"))
    assert jane_at < carol_at < bob_at
    assert "Jane Doe @jane Head of Support · Admin · staff since" in page
    assert "Bob Stone @bob Billing · Agent · staff since" in page
    assert "Dave Gone" not in page
    # Nothing to manage for a visitor, and reading wrote nothing.
    assert "Remove" not in page and "Send invitation" not in page
    assert "Pending invitations" not in page
    assert snapshot() == before


def test_an_admin_sees_the_invitations_and_remove_buttons(client):
    company, jane = acme()
    make_staff(company, make_user("bob", display_name="Bob Stone"))
    invite(company, jane, "carol@acme.com", role="admin")
    save()
    login_as(client, jane)

    page = text(client.get("/companies/acme/staff"))

    assert "Invite staff" in page
    assert "Work e-mail" in page
    assert "Agent: answers officially" in page and "Admin: also edits" in page
    assert "carol@acme.com as admin · invited by Jane Doe" in page
    assert "Withdraw the invitation to carol@acme.com" in page
    assert "Remove Bob Stone (@bob) from Acme staff" in page


def test_an_agent_sees_no_invitations(client):
    company, jane = acme()
    agent = make_staff(company).user
    invite(company, jane, "carol@acme.com")
    save()
    login_as(client, agent)

    page = text(client.get("/companies/acme/staff"))

    assert "carol@acme.com" not in page
    assert "Remove" not in page


def test_an_unclaimed_company_has_no_staff_yet(client):
    make_company("Initech", slug="initech", domain="initech.com")
    save()

    response = client.get("/companies/initech/staff")

    assert response.status_code == 200
    assert "Initech has not been claimed yet, so it has no verified staff." in text(response)


def test_an_unknown_company_has_no_staff_page(client):
    assert client.get("/companies/nobody/staff").status_code == 404


@pytest.mark.parametrize("viewer", ["visitor", "admin"])
def test_the_staff_page_runs_the_same_queries_for_2_and_20_staff(client, count_queries, viewer):
    def statements_for(size: int, slug: str) -> int:
        company = make_company(f"Company {slug}", slug=slug, domain=f"{slug}.com")
        admin = make_staff(company, role="admin").user
        for _ in range(size - 1):
            make_staff(company, title="Support")
        invite(company, admin, f"new1@{slug}.com")
        invite(company, admin, f"new2@{slug}.com", role="admin")
        save()
        if viewer == "admin":
            login_as(client, admin)
        with count_queries() as statements:
            response = client.get(f"/companies/{slug}/staff")
        assert response.status_code == 200
        assert f"{size} staff members" in text(response)
        return len(statements)

    small, large = statements_for(2, "small"), statements_for(20, "large")

    assert small == large
    assert large <= (5 if viewer == "admin" else 2)
