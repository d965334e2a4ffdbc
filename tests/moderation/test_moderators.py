"""The moderator role: granted and withdrawn by site admins (service, page, API, and the
operator's ``flask create-moderator``), each change an audit entry."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.errors import PermissionDenied
from app.extensions import db
from app.moderation import accounts
from app.moderation.models import AuditEntry
from app.policy import Permission, can
from tests.api.helpers import API, Api, error_of
from tests.checks import snapshot
from tests.claims.helpers import save, text
from tests.conftest import login_as
from tests.factories import make_user


@pytest.fixture
def people():
    keeper = make_user("keeper", is_admin=True)
    mod = make_user("mod", is_moderator=True)
    ada = make_user("ada", display_name="Ada Lovelace")
    save()
    return keeper, mod, ada


def _audit() -> list[tuple]:
    return [
        (row.action, row.actor_id, row.subject_user_id)
        for row in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
    ]


def _is_moderator(user: User) -> bool:
    db.session.expire_all()
    return db.session.get(User, user.id).is_moderator


def test_a_site_admin_grants_and_withdraws_with_an_audit_entry_each(people):
    keeper, _, ada = people

    accounts.set_moderator(keeper, ada, True)
    assert _is_moderator(ada) and can(ada, Permission.POST_HIDE, None)
    accounts.set_moderator(keeper, ada, True)  # already: nothing written
    accounts.set_moderator(keeper, ada, False)

    assert not _is_moderator(ada)
    assert _audit() == [
        ("moderator.granted", keeper.id, ada.id),
        ("moderator.withdrawn", keeper.id, ada.id),
    ]


@pytest.mark.parametrize("who", ["mod", "ada"])
def test_nobody_else_grants(people, who):
    keeper, mod, ada = people
    actor = {"mod": mod, "ada": ada}[who]
    before = snapshot()

    with pytest.raises(PermissionDenied):
        accounts.set_moderator(actor, ada, True)
    with pytest.raises(PermissionDenied):
        accounts.set_moderator(actor, mod, False)

    db.session.rollback()
    assert snapshot() == before


def test_the_page_lists_grants_and_withdraws(client, people):
    keeper, mod, ada = people
    login_as(client, keeper)

    page = text(client.get("/admin/moderators"))
    assert "@mod" in page and "@ada" not in page.split("Moderators now", 1)[1]
    granted = client.post("/admin/moderators", data={"username": "@Ada"})
    assert granted.status_code == 303 and _is_moderator(ada)
    withdrawn = client.post("/admin/moderators/mod/withdraw")
    assert withdrawn.status_code == 303 and not _is_moderator(mod)
    assert "/admin/moderators" in text(client.get("/admin/audit"))


def test_the_page_names_an_unknown_username_at_its_field(client, people):
    keeper, *_ = people
    login_as(client, keeper)
    before = snapshot()

    response = client.post("/admin/moderators", data={"username": "nobody-here"})

    assert response.status_code == 422
    assert "There is no account with that username." in text(response)
    assert 'value="nobody-here"' in text(response)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["mod", "ada"])
def test_the_page_refuses_others_with_403(client, people, who):
    keeper, mod, ada = people
    login_as(client, {"mod": mod, "ada": ada}[who])
    before = snapshot()

    assert client.get("/admin/moderators").status_code == 403
    assert client.post("/admin/moderators", data={"username": "ada"}).status_code == 403
    assert client.post("/admin/moderators/mod/withdraw").status_code == 403
    assert snapshot() == before


def test_the_forms_need_their_csrf_token(app, client, people, monkeypatch):
    keeper, *_ = people
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(client, keeper)
    before = snapshot()

    assert client.post("/admin/moderators", data={"username": "ada"}).status_code == 400
    assert client.post("/admin/moderators/mod/withdraw").status_code == 400
    assert snapshot() == before


def test_the_api_grants_and_withdraws(client, people):
    keeper, _, ada = people
    api = Api(client, keeper)
    save()

    granted = api.put("/users/ada/moderator", {"moderator": True})
    assert granted.status_code == 200 and granted.get_json()["is_moderator"] is True
    withdrawn = api.put("/users/ada/moderator", {"moderator": False})
    assert withdrawn.get_json()["is_moderator"] is False


@pytest.mark.parametrize(
    ("body", "field"), [({}, "moderator"), ({"moderator": "yes please"}, "moderator")]
)
def test_the_api_refuses_bad_bodies_at_the_field(client, people, body, field):
    keeper, *_ = people
    api = Api(client, keeper)
    save()
    before = snapshot()

    refused = api.put("/users/ada/moderator", body)

    assert refused.status_code == 422 and field in error_of(refused)["fields"]
    assert snapshot() == before


def test_the_api_refuses_others_with_403_and_404s_nobody(client, people):
    keeper, mod, ada = people
    api = Api(client, mod)
    save()
    before = snapshot()

    assert api.put("/users/ada/moderator", {"moderator": True}).status_code == 403
    assert snapshot() == before
    assert (
        Api(client, keeper).put("/users/nobody/moderator", {"moderator": True}).status_code == 404
    )


def test_create_moderator_makes_a_verified_moderator_and_promotes_an_existing_one(app, client):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["create-moderator", "--username", "minnie", "--email", "minnie@example.org",
              "--password", "minding the square"]
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    issued = client.post(
        f"{API}/tokens", json={"username": "minnie", "password": "minding the square"}
    )
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {issued.get_json()['token']}"})
    assert me.get_json()["is_moderator"] is True and me.get_json()["email_verified"] is True
    assert me.get_json()["is_admin"] is False

    make_user("bea")
    save()
    again = runner.invoke(
        args=["create-moderator", "--username", "bea", "--email", "bea@example.org",
              "--password", "bea's new passphrase"]
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.is_moderator).where(User.username == "bea"))
    wrong = runner.invoke(
        args=["create-moderator", "--username", "bea", "--email", "other@example.org",
              "--password", "bea's new passphrase"]
    )  # fmt: skip
    assert wrong.exit_code != 0
