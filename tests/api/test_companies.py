"""Companies, products and staff through the API: reading, creating, editing, refusals."""

from __future__ import annotations

import pytest

from app.companies.models import Company, Membership
from app.db import utcnow
from app.mail.models import OutboxMessage
from app.products.models import Product
from tests.api.helpers import Api, count, error_of, save
from tests.checks import snapshot
from tests.factories import make_company, make_product, make_question, make_staff, make_user

COMPANY_FIELDS = {
    "id", "slug", "name", "domain", "description", "website", "claimed", "claimed_at",
    "product_count", "question_count", "url",
    "widget_origins",  # issue 15: null but for those who may edit the company
}  # fmt: skip
PRODUCT_FIELDS = {
    "id", "slug", "name", "description", "company", "claimed", "question_count", "url",
}  # fmt: skip


# Companies -------------------------------------------------------------------------------


def test_companies_are_listed_busiest_first_and_filtered_by_name(client):
    acme = make_company("Acme", question_count=5)
    make_company("Globex", question_count=9)
    make_company("Acme Rockets", question_count=1)
    save()
    api = Api(client)

    everyone = api.get("/companies").get_json()
    acmes = api.get("/companies?q=acme").get_json()

    assert [c["slug"] for c in everyone["items"]] == ["globex", "acme", "acme-rockets"]
    assert everyone["next_cursor"] is None
    assert [c["slug"] for c in acmes["items"]] == ["acme", "acme-rockets"]
    first = acmes["items"][0]
    assert set(first) == COMPANY_FIELDS
    assert first["id"] == acme.id
    assert first["url"] == "http://helpsquare.test/companies/acme"
    assert first["claimed"] is False and first["claimed_at"] is None


def test_company_pages_follow_the_cursor(client):
    for n in range(5):
        make_company(f"Firm {n}", question_count=n)
    save()
    api = Api(client)

    seen, cursor = [], None
    while True:
        page = api.get("/companies?limit=2" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen.append([c["name"] for c in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == [["Firm 4", "Firm 3"], ["Firm 2", "Firm 1"], ["Firm 0"]]


def test_a_company_is_read_by_slug(client):
    acme = make_company("Acme", domain="acme.com")
    acme.claimed_at = utcnow()
    save()

    response = Api(client).get("/companies/acme")

    assert response.status_code == 200
    body = response.get_json()
    assert body["domain"] == "acme.com"
    assert body["claimed"] is True and body["claimed_at"] == acme.claimed_at.isoformat()


@pytest.mark.parametrize("slug", ["nobody", "Acme", "a" * 300, "acme%00"])
def test_an_unknown_company_is_404(client, slug):
    make_company("Acme")
    save()

    response = Api(client).get(f"/companies/{slug}")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_anyone_signed_in_creates_an_unclaimed_company(client):
    ada = make_user("ada")
    save()

    response = Api(client, ada).post(
        "/companies",
        {"name": "Globex Corp", "domain": "https://www.Globex.com/", "description": "Ovens."},
    )

    assert response.status_code == 201
    body = response.get_json()
    assert (body["slug"], body["domain"], body["claimed"]) == ("globex-corp", "globex.com", False)
    assert count(Company, Company.created_by_id == ada.id) == 1


def test_creating_a_company_needs_a_token(client):
    before = snapshot()

    response = Api(client).post("/companies", {"name": "Globex", "domain": "globex.com"})

    assert response.status_code == 401
    assert snapshot() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "Acme Again", "domain": "acme.com"}, "domain"),
        ({"name": "ACME", "domain": "other.com"}, "name"),
    ],
)
def test_a_duplicate_company_is_409(client, body, field):
    make_company("Acme", domain="acme.com")
    api = Api(client, make_user())
    save()
    before = snapshot()

    response = api.post("/companies", body)

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert error["fields"][field] == "Acme already has a page."
    assert snapshot() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "A", "domain": "a.com"}, "name"),
        ({"name": "N" * 101, "domain": "a.com"}, "name"),
        ({"name": "Fine", "domain": "no-dot"}, "domain"),
        ({"name": "Fine", "domain": "fine.com", "description": "d" * 2001}, "description"),
        ({"name": "Fi\x00ne", "domain": "fine.com"}, "name"),
        ({"domain": "fine.com"}, "name"),
        ({"name": "Fine"}, "domain"),
    ],
)
def test_a_company_that_breaks_the_bounds_is_422(client, body, field):
    api = Api(client, make_user())
    save()
    before = snapshot()

    response = api.post("/companies", body)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert snapshot() == before


def test_a_claimed_companys_admin_edits_its_profile(client):
    acme = make_company("Acme", description="Old words.")
    boss = make_staff(acme, role="admin").user
    save()

    response = Api(client, boss).patch("/companies/acme", {"website": "https://acme.com"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["website"] == "https://acme.com"
    assert body["description"] == "Old words."  # left out, kept


@pytest.mark.parametrize("who", ["anonymous", "user", "agent", "other_admin", "unclaimed"])
def test_others_may_not_edit_a_company(client, who):
    acme = make_company("Acme")
    other = make_company("Globex")
    users = {
        "user": make_user(),
        "agent": make_staff(acme, role="agent").user,
        "other_admin": make_staff(other, role="admin").user,
    }
    if who == "unclaimed":
        acme = make_company("Initech")
        users["unclaimed"] = make_user()
    api = Api(client, users.get(who))
    save()
    before = snapshot()

    response = api.patch(f"/companies/{acme.slug}", {"description": "Mine now."})

    assert response.status_code == (401 if who == "anonymous" else 403)
    assert snapshot() == before


def test_a_site_admin_edits_any_company_and_a_bad_website_is_422(client):
    make_company("Acme")
    api = Api(client, make_user(is_admin=True))
    save()

    ok = api.patch("/companies/acme", {"description": "Rockets."})
    bad = api.patch("/companies/acme", {"website": "javascript:alert(1)"})

    assert ok.status_code == 200 and ok.get_json()["description"] == "Rockets."
    assert bad.status_code == 422
    assert "website" in error_of(bad)["fields"]


# Products --------------------------------------------------------------------------------


def test_a_companys_products_are_listed_in_the_order_added(client):
    acme = make_company("Acme")
    make_product(acme, "Rocket")
    make_product(acme, "Anvil")
    make_product(make_company("Globex"), "Oven")
    save()
    api = Api(client)

    first = api.get("/companies/acme/products?limit=1").get_json()
    second = api.get(f"/companies/acme/products?limit=1&cursor={first['next_cursor']}").get_json()

    assert [p["name"] for p in first["items"]] == ["Rocket"]
    assert [p["name"] for p in second["items"]] == ["Anvil"]
    assert second["next_cursor"] is None
    product = first["items"][0]
    assert set(product) == PRODUCT_FIELDS
    assert product["company"] == "acme"
    assert product["url"] == "http://helpsquare.test/companies/acme/products/rocket"


def test_a_product_is_read_by_its_companys_slug_and_its_own(client):
    make_product(make_company("Acme"), "Rocket")
    make_product(make_company("Globex"), "Oven")
    save()
    api = Api(client)

    assert api.get("/companies/acme/products/rocket").get_json()["name"] == "Rocket"
    assert api.get("/companies/globex/products/rocket").status_code == 404
    assert api.get("/companies/nobody/products").status_code == 404


def test_anyone_signed_in_adds_a_product_to_an_unclaimed_company(client):
    acme = make_company("Acme")
    save()

    response = Api(client, make_user()).post(
        "/companies/acme/products", {"name": "Rocket Skates", "description": "Fast."}
    )

    assert response.status_code == 201
    assert response.get_json()["slug"] == "rocket-skates"
    assert count(Product, Product.company_id == acme.id) == 1


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("user", 403), ("agent", 403)])
def test_only_admin_staff_add_products_to_a_claimed_company(client, who, status):
    acme = make_company("Acme")
    boss = Api(client, make_staff(acme, role="admin").user)
    users = {"user": make_user(), "agent": make_staff(acme, role="agent").user}
    api = Api(client, users.get(who))
    save()
    before = snapshot()

    refused = api.post("/companies/acme/products", {"name": "Rocket"})
    assert refused.status_code == status
    assert snapshot() == before

    assert boss.post("/companies/acme/products", {"name": "Rocket"}).status_code == 201


def test_a_duplicate_product_is_409_and_a_bad_name_422(client):
    make_product(make_company("Acme"), "Rocket")
    api = Api(client, make_user())
    save()

    duplicate = api.post("/companies/acme/products", {"name": "ROCKET"})
    short = api.post("/companies/acme/products", {"name": "R"})

    assert duplicate.status_code == 409
    assert error_of(duplicate)["fields"]["name"] == "Acme already has a product called Rocket."
    assert short.status_code == 422
    assert "name" in error_of(short)["fields"]


# Staff -----------------------------------------------------------------------------------


def test_staff_are_listed_admins_first(client):
    acme = make_company("Acme")
    agent = make_staff(acme, make_user("agent"), role="agent")
    boss = make_staff(acme, make_user("boss"), role="admin")
    save()

    response = Api(client).get("/companies/acme/staff")

    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(s["user"]["username"], s["role"]) for s in items] == [
        ("boss", "admin"),
        ("agent", "agent"),
    ]
    assert set(items[0]) == {"user", "role", "since", "url"}
    assert items[0]["since"] == boss.created_at.isoformat()
    assert items[1]["url"] == "http://helpsquare.test/companies/acme/staff"
    assert agent.user.username == "agent"


def test_staff_pages_follow_the_cursor(client):
    acme = make_company("Acme")
    names = ["boss", "agent1", "agent2", "agent3"]
    make_staff(acme, make_user(names[0]), role="admin")
    for name in names[1:]:
        make_staff(acme, make_user(name), role="agent")
    save()
    api = Api(client)

    seen, cursor = [], ""
    while cursor is not None:
        page = api.get(f"/companies/acme/staff?limit=3&cursor={cursor}").get_json()
        seen += [s["user"]["username"] for s in page["items"]]
        cursor = page["next_cursor"]

    assert seen == names


def test_admin_staff_invite_by_work_email(client):
    acme = make_company("Acme", domain="acme.com")
    boss = make_staff(acme, role="admin").user
    save()

    response = Api(client, boss).post(
        "/companies/acme/invitations", {"email": "jane@acme.com", "role": "agent"}
    )

    assert response.status_code == 202
    body = response.get_json()
    assert (body["email"], body["role"]) == ("jane@acme.com", "agent")
    assert set(body) == {"id", "email", "role", "created_at", "expires_at", "url"}
    assert count(OutboxMessage, OutboxMessage.to_address == "jane@acme.com") == 1


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("user", 403), ("agent", 403)])
def test_others_may_not_invite(client, who, status):
    acme = make_company("Acme", domain="acme.com")
    make_staff(acme, role="admin")
    users = {"user": make_user(), "agent": make_staff(acme, role="agent").user}
    api = Api(client, users.get(who))
    save()
    before = snapshot()

    response = api.post("/companies/acme/invitations", {"email": "jane@acme.com"})

    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "jane@elsewhere.com"}, "email"),
        ({"email": "jane@acme.com", "role": "owner"}, "role"),
        ({"role": "agent"}, "email"),
    ],
)
def test_an_invitation_that_breaks_the_rules_is_422(client, body, field):
    acme = make_company("Acme", domain="acme.com")
    api = Api(client, make_staff(acme, role="admin").user)
    save()
    before = snapshot()

    response = api.post("/companies/acme/invitations", body)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert snapshot() == before


def test_admin_staff_remove_staff_but_not_the_last_admin(client):
    acme = make_company("Acme")
    boss = make_staff(acme, role="admin").user
    agent = make_staff(acme, role="agent").user
    save()
    api = Api(client, boss)

    removed = api.delete(f"/companies/acme/staff/{agent.id}")
    last = api.delete(f"/companies/acme/staff/{boss.id}")
    unknown = api.delete(f"/companies/acme/staff/{agent.id}")

    assert removed.status_code == 204 and removed.get_data() == b""
    assert last.status_code == 409
    assert "only admin" in error_of(last)["message"]
    assert unknown.status_code == 404
    assert count(Membership, Membership.revoked_at.is_(None)) == 1


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("user", 403), ("agent", 403)])
def test_others_may_not_remove_staff(client, who, status):
    acme = make_company("Acme")
    boss = make_staff(acme, role="admin").user
    agent = make_staff(acme, role="agent").user
    api = Api(client, {"user": make_user(), "agent": agent}.get(who))
    save()
    before = snapshot()

    response = api.delete(f"/companies/acme/staff/{boss.id}")

    assert response.status_code == status
    assert snapshot() == before


def test_a_company_filter_reaches_its_questions(client):
    acme = make_company("Acme")
    make_question(acme, title="About Acme rockets")
    make_question(make_company("Globex"), title="About Globex ovens")
    save()

    page = Api(client).get("/questions?company=acme").get_json()

    assert [q["title"] for q in page["items"]] == ["About Acme rockets"]
