"""The widget (issue 15): its script, its embedded page, and the origins that may frame it."""

from __future__ import annotations

import re

import pytest

from app.companies.models import Company
from app.extensions import db
from app.search import index as search_index
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_staff, make_user


def _frame_ancestors(response) -> str:
    found = re.search(r"frame-ancestors ([^;]*)", response.headers["Content-Security-Policy"])
    assert found
    return found[1]


def _company(origins: str = "") -> tuple[Company, object]:
    company = make_company("Acme Cloud", slug="acme-cloud", domain="acme-cloud.com")
    admin = make_user("acme-admin")
    make_staff(company, admin, role="admin")
    company.widget_origins = origins
    save()
    return company, admin


def test_the_script_is_small_plain_javascript(client):
    response = client.get("/widget.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert len(response.data) <= 5 * 1024
    text = response.get_data(as_text=True)
    # Nothing parsed as HTML or code from a string: it stays clean under any site's CSP.
    for risky in ("innerHTML", "eval(", "new Function", "document.write", 'setAttribute("style'):
        assert risky not in text


def test_the_embedded_page_may_be_framed_by_exactly_the_companys_origins(client):
    company, _ = _company("https://shop.example https://help.shop.example:8443")

    response = client.get(f"/embed/companies/{company.slug}")

    assert response.status_code == 200
    assert _frame_ancestors(response) == "https://shop.example https://help.shop.example:8443"
    assert "X-Frame-Options" not in response.headers


def test_without_origins_nobody_frames_it(client):
    company, _ = _company("")

    response = client.get(f"/embed/companies/{company.slug}")

    assert _frame_ancestors(response) == "'none'"


@pytest.mark.parametrize("path", ["/", "/companies/acme-cloud", "/companies/acme-cloud/ask"])
def test_every_other_page_keeps_self(client, path):
    _company("https://shop.example")

    response = client.get(path)

    assert _frame_ancestors(response) == "'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_embedded_page_searches_the_companys_answers(client):
    company, _ = _company("https://shop.example")
    mine = make_question(company, title="Backups stop at midnight")
    other = make_question(make_company("Other"), title="Backups stop at noon")
    for question in (mine, other):
        search_index.refresh_question(question.id)
    save()

    page = client.get(f"/embed/companies/{company.slug}?q=backups").get_data(as_text=True)

    assert "midnight" in page and "noon" not in page
    assert '<base target="_blank">' in page
    assert f'action="/companies/{company.slug}/ask"' in page  # asking opens a new tab


def test_ask_goes_through_the_companys_sso_page_only_on_one_of_its_origins(client):
    company, _ = _company("https://shop.example")

    listed_response = client.get(
        f"/embed/companies/{company.slug}?sso=https://shop.example/helpsquare-login"
    )
    elsewhere_response = client.get(
        f"/embed/companies/{company.slug}?sso=https://evil.example/login"
    )

    listed = listed_response.get_data(as_text=True)
    elsewhere = elsewhere_response.get_data(as_text=True)
    policy = listed_response.headers["Content-Security-Policy"]
    assert "form-action 'self' https://shop.example;" in policy
    assert "form-action 'self';" in elsewhere_response.headers["Content-Security-Policy"]

    assert 'action="https://shop.example/helpsquare-login"' in listed
    assert f'name="return_to" value="/companies/{company.slug}/ask"' in listed
    assert "evil.example" not in elsewhere


def test_the_ask_page_takes_the_title_typed_in_the_widget(client):
    company, _ = _company()
    login_as(client, make_user("kim"))

    page = client.get(f"/companies/{company.slug}/ask?title=Backups+stop").get_data(as_text=True)

    assert 'value="Backups stop"' in page


# The origins -----------------------------------------------------------------------------


def test_the_admin_sets_the_origins_through_the_api(client):
    company, admin = _company()
    api = Api(client, admin)

    response = api.patch(
        f"/companies/{company.slug}",
        {
            "widget_origins": [
                "https://Shop.Example/",
                "https://shop.example",
                "https://b.example:8443",
            ]
        },
    )

    assert response.status_code == 200
    assert response.get_json()["widget_origins"] == [
        "https://shop.example",
        "https://b.example:8443",
    ]
    db.session.refresh(company)
    assert company.widget_origins == "https://shop.example https://b.example:8443"


def test_only_those_who_may_edit_the_company_see_its_origins(client):
    company, admin = _company("https://shop.example")
    stranger = Api(client, make_user("stranger"))

    assert Api(client, admin).get(f"/companies/{company.slug}").get_json()["widget_origins"] == [
        "https://shop.example"
    ]
    assert stranger.get(f"/companies/{company.slug}").get_json()["widget_origins"] is None
    assert client.get(f"/api/v1/companies/{company.slug}").get_json()["widget_origins"] is None


BAD_ORIGINS = [
    "http://shop.example",
    "https://shop.example/path",
    "https://shop.example?x=1",
    "https://user@shop.example",
    "https://*.shop.example",
    "https://shop.example; script-src *",
    "https://10.0.0.1",
    "javascript:alert(1)",
    "shop.example",
    "http://127.0.0.1:8000",  # only with WIDGET_ALLOW_LOCAL (the browser tests)
    "",
]


@pytest.mark.parametrize("origin", BAD_ORIGINS)
def test_a_bad_origin_is_a_422_naming_the_field(client, origin):
    company, admin = _company("https://shop.example")
    api = Api(client, admin)
    save()
    before = snapshot()

    response = api.patch(f"/companies/{company.slug}", {"widget_origins": [origin]})

    assert response.status_code == 422
    assert "widget_origins" in error_of(response)["fields"]
    assert snapshot() == before


def test_at_most_ten_origins(client):
    company, admin = _company()
    api = Api(client, admin)

    response = api.patch(
        f"/companies/{company.slug}",
        {"widget_origins": [f"https://s{n}.example" for n in range(11)]},
    )

    assert response.status_code == 422


def test_loopback_origins_only_when_the_setting_allows(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WIDGET_ALLOW_LOCAL", True)
    company, admin = _company()

    response = Api(client, admin).patch(
        f"/companies/{company.slug}", {"widget_origins": ["http://127.0.0.1:8123"]}
    )

    assert response.status_code == 200
    db.session.refresh(company)
    assert company.widget_origins == "http://127.0.0.1:8123"


@pytest.mark.parametrize("who", ["agent", "stranger"])
def test_nobody_else_sets_the_origins(client, who):
    company, _ = _company("https://shop.example")
    user = make_user(who)
    if who == "agent":
        make_staff(company, user)
    api = Api(client, user)
    save()
    before = snapshot()

    response = api.patch(f"/companies/{company.slug}", {"widget_origins": ["https://evil.example"]})

    assert response.status_code == 403
    assert snapshot() == before


def test_the_admin_sets_the_origins_on_the_page(client):
    company, admin = _company()
    login_as(client, admin)

    response = client.post(
        f"/companies/{company.slug}/integrations/widget",
        data={"widget_origins": "https://shop.example\nhttps://b.example"},
    )

    assert response.status_code == 303
    db.session.refresh(company)
    assert company.widget_origins == "https://shop.example https://b.example"


def test_a_bad_origin_on_the_page_is_shown_at_the_field_and_kept(client):
    company, admin = _company("https://shop.example")
    login_as(client, admin)

    response = client.post(
        f"/companies/{company.slug}/integrations/widget",
        data={"widget_origins": "https://ok.example\nhttp://shop.example"},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is not an origin" in page and "https://ok.example\nhttp://shop.example" in page
    db.session.refresh(company)
    assert company.widget_origins == "https://shop.example"


@pytest.mark.parametrize("who", ["anonymous", "agent", "stranger"])
def test_the_integrations_page_is_the_admins(client, who):
    company, _ = _company()
    if who != "anonymous":
        user = make_user(who)
        if who == "agent":
            make_staff(company, user)
        login_as(client, user)

    response = client.get(f"/companies/{company.slug}/integrations")

    assert response.status_code == (302 if who == "anonymous" else 403)


def test_null_origins_as_others_read_them_leave_the_list_alone(client):
    company, admin = _company("https://shop.example")

    response = Api(client, admin).patch(
        f"/companies/{company.slug}", {"widget_origins": None, "description": "New."}
    )

    assert response.status_code == 200
    db.session.refresh(company)
    assert company.widget_origins == "https://shop.example"
