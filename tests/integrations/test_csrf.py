"""The integrations page's forms carry the CSRF token; without it nothing changes."""

from __future__ import annotations

import re

import pytest

from tests.api.helpers import save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user


@pytest.fixture
def admin_client(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    company = make_company("Acme Cloud", slug="acme-cloud", domain="acme-cloud.com")
    admin = make_user("acme-admin")
    make_staff(company, admin, role="admin")
    save()
    login_as(client, admin)
    return client


FORMS = {
    "the SSO secret": ("/companies/acme-cloud/integrations/sso", {}),
    "the widget's origins": (
        "/companies/acme-cloud/integrations/widget",
        {"widget_origins": "https://shop.example"},
    ),
}


@pytest.mark.parametrize("form", list(FORMS.values()), ids=list(FORMS))
def test_a_post_without_the_token_changes_nothing(admin_client, form):
    url, data = form
    before = snapshot()

    response = admin_client.post(url, data=data)

    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("form", list(FORMS.values()), ids=list(FORMS))
def test_with_the_pages_token_it_works(admin_client, form):
    url, data = form
    page = admin_client.get("/companies/acme-cloud/integrations").get_data(as_text=True)
    tokens = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page))
    assert len(tokens) == 1
    before = snapshot()

    response = admin_client.post(url, data={**data, "csrf_token": tokens.pop()})

    assert response.status_code in (200, 303)
    assert snapshot() != before
