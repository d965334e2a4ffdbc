"""Public titles: staff choose their own; their company's admins may set them too."""

from __future__ import annotations

import pytest

from app.companies import staff
from app.errors import PermissionDenied, ValidationError
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.staff.helpers import acme, audit_actions, membership_of, save, text

TITLE_URL = "/companies/acme/staff/title"


def test_a_staff_member_sets_their_own_title(client):
    company, _jane = acme()
    bob = make_staff(company, make_user("bob", display_name="Bob Stone")).user
    save()
    login_as(client, bob)

    response = client.post(TITLE_URL, data={"title": "  Head   of Billing "})

    assert response.status_code == 303
    assert membership_of(company, bob).title == "Head of Billing"
    assert audit_actions() == [("staff.title_changed", company.id, bob.id)]
    page = text(client.get("/companies/acme/staff"))
    assert "Your title is “Head of Billing”." in page
    assert "Bob Stone @bob Head of Billing · Agent · staff since" in page


def test_an_empty_title_clears_it(client):
    company, jane = acme()
    save()
    login_as(client, jane)

    response = client.post(TITLE_URL, data={"title": ""})

    assert response.status_code == 303
    assert membership_of(company, jane).title == ""


def test_a_company_admin_sets_a_members_title(client):
    company, jane = acme()
    bob = make_staff(company, make_user("bob", display_name="Bob Stone")).user
    save()
    login_as(client, jane)
    assert "Public title of Bob Stone" in text(client.get("/companies/acme/staff"))

    response = client.post(TITLE_URL, data={"title": "Billing", "user_id": bob.id})

    assert response.status_code == 303
    assert membership_of(company, bob).title == "Billing"
    assert "The title of Bob Stone (@bob) is “Billing”." in text(
        client.get("/companies/acme/staff")
    )


@pytest.mark.parametrize("who", ["agent", "plain user", "admin of another company"])
def test_others_cannot_set_someone_elses_title(client, who):
    company, jane = acme()
    if who == "agent":
        actor = make_staff(company).user
    elif who == "plain user":
        actor = make_user()
    else:
        actor = make_staff(make_company("Globex", domain="globex.com"), role="admin").user
    save()
    login_as(client, actor)
    before = snapshot()

    response = client.post(TITLE_URL, data={"title": "Intern", "user_id": jane.id})

    assert response.status_code == 403
    assert snapshot() == before


def test_someone_not_on_the_staff_has_no_title_to_set(client):
    acme()
    save()
    login_as(client, make_user())
    before = snapshot()

    response = client.post(TITLE_URL, data={"title": "CEO"})

    assert response.status_code == 403
    assert snapshot() == before


def test_an_agent_sees_only_their_own_title_form(client):
    company, _jane = acme()
    bob = make_staff(company, make_user("bob")).user
    save()
    login_as(client, bob)

    page = client.get("/companies/acme/staff").get_data(as_text=True)

    assert "Your public title" in page
    assert "Public title of" not in page
    assert page.count('name="title"') == 1


def test_visitors_see_no_title_forms(client):
    acme()
    save()

    page = client.get("/companies/acme/staff").get_data(as_text=True)

    assert 'name="title"' not in page


@pytest.mark.parametrize(
    ("title", "error"),
    [
        ("x" * 81, "Use at most 80 characters."),
        ("Head\x00of Support", "NUL"),
        # The title stands in the official badge: nothing may reorder or hide in it.
        ("Head of Support\u202etroppuS", "U+202E"),
        ("Head of\u200bSupport", "U+200B"),
    ],
)
def test_a_bad_title_is_refused_at_the_field_and_kept(client, title, error):
    company, jane = acme()
    save()
    login_as(client, jane)
    before = snapshot()

    response = client.post(TITLE_URL, data={"title": title})

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="title-{jane.id}-error"' in body
    assert error in text(response)
    if "\x00" not in title:
        assert f'value="{title}"' in body
    assert snapshot() == before


def test_a_broken_user_id_is_a_bad_request(client):
    _company, jane = acme()
    save()
    login_as(client, jane)
    before = snapshot()

    response = client.post(TITLE_URL, data={"title": "Boss", "user_id": "abc"})

    assert response.status_code == 400
    assert snapshot() == before


def test_the_service_cleans_and_bounds_titles():
    company, jane = acme()
    membership = membership_of(company, jane)

    staff.set_title(jane, membership, title="\tHead of\nSupport  ")
    assert membership.title == "Head of Support"
    staff.set_title(jane, membership, title="x" * 80)
    assert membership.title == "x" * 80
    staff.set_title(jane, membership, title="\uff28ead")  # fullwidth: NFKC-normalised
    assert membership.title == "Head"
    for bad in ("x" * 81, "a\x00b", "a\x07b", 42):
        with pytest.raises(ValidationError) as refused:
            staff.set_title(jane, membership, title=bad)
        assert set(refused.value.fields) == {"title"}


def test_a_removed_member_cannot_set_a_title():
    company, jane = acme()
    bob_membership = make_staff(company)
    staff.revoke_staff(jane, company, bob_membership.user)

    with pytest.raises(PermissionDenied):
        staff.set_title(bob_membership.user, bob_membership, title="Still here")
    with pytest.raises(PermissionDenied):
        staff.set_title(jane, bob_membership, title="Gone")
