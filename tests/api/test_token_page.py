"""The account page that lists a user's API tokens and revokes them (a POST with CSRF)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import sqlalchemy as sa

from app.accounts.models import ApiToken
from app.db import utcnow
from app.extensions import db
from tests.api.helpers import API, auth, save, token_for
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_user


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _row(user_id: int) -> list[ApiToken]:
    db.session.expire_all()
    return list(
        db.session.execute(
            sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
        ).scalars()
    )


def test_the_page_lists_my_tokens_with_when_made_and_last_used(client):
    ada = make_user("ada")
    used = token_for(ada)
    unused = token_for(ada, used_just_now=False)
    mine = _row(ada.id)
    mine[0].created_at = utcnow() - timedelta(days=3)
    token_for(make_user("bob"))  # not Ada's
    save()
    login_as(client, ada)

    response = client.get("/account/tokens")

    assert response.status_code == 200
    page = _text(response)
    assert "<h1" in page and "Your API tokens" in page
    assert f"{used[:8]}…" in page and f"{unused[:8]}…" in page
    assert page.count("<tr>") == 3  # the header and Ada's two tokens
    assert "3 days ago" in page and "just now" in page and "Never" in page
    assert used not in page  # the token itself is never shown again
    assert "/api/v1/tokens" in page


def test_revoking_a_token_stops_it_at_once(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    ada = make_user("ada")
    token = token_for(ada)
    save()
    login_as(client, ada)
    (row,) = _row(ada.id)
    page = client.get("/account/tokens").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    response = client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf})

    assert response.status_code == 303
    assert response.location.endswith("/account/tokens")
    (row,) = _row(ada.id)
    assert row.revoked_at is not None
    assert client.get(f"{API}/me", headers=auth(token)).status_code == 401
    assert "Revoked" in _text(client.get("/account/tokens"))


def test_revoking_needs_the_csrf_token(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    ada = make_user("ada")
    token_for(ada)
    save()
    login_as(client, ada)
    (row,) = _row(ada.id)
    before = snapshot()

    response = client.post(f"/account/tokens/{row.id}/revoke")

    assert response.status_code == 400
    assert snapshot() == before


def test_nobody_revokes_someone_elses_token(client):
    ada, bob = make_user("ada"), make_user("bob")
    token_for(bob)
    save()
    (row,) = _row(bob.id)
    login_as(client, ada)
    before = snapshot()

    response = client.post(f"/account/tokens/{row.id}/revoke")

    assert response.status_code == 404
    assert snapshot() == before


def test_signed_out_visitors_are_sent_to_sign_in(client):
    bob = make_user("bob")
    token_for(bob)
    save()
    (row,) = _row(bob.id)
    before = snapshot()

    listed = client.get("/account/tokens")
    revoked = client.post(f"/account/tokens/{row.id}/revoke")

    for response in (listed, revoked):
        assert response.status_code == 302
        assert "/sign-in" in response.location
    assert snapshot() == before


def test_revoking_twice_changes_nothing_more(client):
    ada = make_user("ada")
    token_for(ada)
    save()
    (row,) = _row(ada.id)
    login_as(client, ada)
    client.post(f"/account/tokens/{row.id}/revoke")
    (first,) = _row(ada.id)
    revoked_at = first.revoked_at

    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 303
    (again,) = _row(ada.id)
    assert again.revoked_at == revoked_at


def test_looking_at_the_page_writes_nothing(client, count_queries):
    ada = make_user("ada")
    token_for(ada, used_just_now=False)
    save()
    login_as(client, ada)

    with count_queries() as statements:
        assert client.get("/account/tokens").status_code == 200

    assert [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))] == []
