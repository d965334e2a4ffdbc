"""Every claim action is a POST carrying the CSRF token: without it, nothing changes."""

from __future__ import annotations

import re

import pytest

from tests.checks import snapshot
from tests.claims.helpers import make_claim, save, text, verify_link
from tests.conftest import login_as
from tests.factories import make_company, make_user


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token(page: str) -> str:
    tokens = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page))
    assert len(tokens) == 1
    return tokens.pop()


def test_asking_to_claim_needs_the_token(client, csrf_on):
    make_company("Acme", domain="acme.com")
    jane = make_user("jane")
    save()
    login_as(client, jane)
    before = snapshot()

    refused = client.post("/companies/acme/claim", data={"work_email": "jane@acme.com"})

    assert refused.status_code == 400
    assert snapshot() == before
    token = _token(text(client.get("/companies/acme/claim")))
    accepted = client.post(
        "/companies/acme/claim", data={"work_email": "jane@acme.com", "csrf_token": token}
    )
    assert accepted.status_code == 303


def test_verifying_needs_the_token_also_when_not_signed_in(app, client, csrf_on):
    make_company("Acme", domain="acme.com")
    jane = make_user("jane")
    save()
    login_as(client, jane)
    token = _token(text(client.get("/companies/acme/claim")))
    client.post("/companies/acme/claim", data={"work_email": "jane@acme.com", "csrf_token": token})
    path, link_token = verify_link("jane@acme.com")
    visitor = app.test_client()
    before = snapshot()

    refused = visitor.post(path, data={"token": link_token})

    assert refused.status_code == 400
    assert snapshot() == before
    csrf = _token(text(visitor.get(path)))
    assert visitor.post(path, data={"token": link_token, "csrf_token": csrf}).status_code == 303


def test_deciding_a_claim_needs_the_token(client, csrf_on):
    claim = make_claim(make_company("Acme", domain="acme.com"))
    keeper = make_user("keeper", is_admin=True)
    save()
    login_as(client, keeper)
    before = snapshot()
    decision = {f"claim-{claim.id}-decision": "approve"}

    refused = client.post(f"/admin/claims/{claim.id}", data=decision)

    assert refused.status_code == 400
    assert snapshot() == before
    page = text(client.get("/admin/claims"))
    # The row's form carries the token under its prefix; the site-wide check accepts it.
    csrf = re.search(rf'name="claim-{claim.id}-csrf_token"[^>]*value="([^"]+)"', page)
    assert csrf, page
    accepted = client.post(
        f"/admin/claims/{claim.id}",
        data={**decision, f"claim-{claim.id}-csrf_token": csrf.group(1)},
    )
    assert accepted.status_code == 303
