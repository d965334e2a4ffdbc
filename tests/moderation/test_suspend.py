"""Suspending an account: who may (service, page, API), what ends at once (sessions and
tokens), what sign-in says, how a suspension ends by its time, lifting it, the public log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

import app.db
from app.accounts.models import REASON_MAX, ApiToken, User
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.moderation import accounts
from app.moderation.models import ModerationAction, ModerationLogEntry, TargetType
from tests.accounts.helpers import session_version, sign_in, signed_in_username
from tests.api.helpers import API, Api, auth, error_of, token_for
from tests.checks import snapshot
from tests.claims.helpers import save, text
from tests.conftest import login_as
from tests.factories import PASSWORD, make_user

NOON = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = NOON

    monkeypatch.setattr(app.db, "CLOCK", lambda: Clock.now)
    return Clock


@pytest.fixture
def people():
    mod = make_user("mod", is_moderator=True)
    spam = make_user("spam")
    keeper = make_user("keeper", is_admin=True)
    plain = make_user("plain")
    save()
    return mod, spam, keeper, plain


def _fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def _log_lines() -> list[tuple]:
    return [
        (row.action, row.target_type, row.target_id, row.moderator_id, row.reason)
        for row in db.session.execute(sa.select(ModerationLogEntry).order_by(ModerationLogEntry.id))
        .scalars()
        .all()
    ]


# The service ------------------------------


def test_a_moderator_suspends_for_a_time_with_a_reason(clock, people):
    mod, spam, *_ = people
    before = session_version(spam)

    accounts.suspend_user(mod, spam, reason="  Posting ads.  ", until=NOON + timedelta(days=3))

    spam = _fresh(spam)
    assert spam.is_suspended
    assert spam.suspended_until == NOON + timedelta(days=3)
    assert spam.suspension_reason == "Posting ads."
    assert session_version(spam) == before + 1
    assert _log_lines() == [
        (ModerationAction.SUSPEND, TargetType.USER, spam.id, mod.id, "Posting ads.")
    ]


@pytest.mark.parametrize("who", ["plain", "self", "site admin"])
def test_who_may_not_suspend_or_be_suspended(people, who):
    mod, spam, keeper, plain = people
    actor, target = {"plain": (plain, spam), "self": (mod, mod), "site admin": (mod, keeper)}[who]
    before = snapshot()

    with pytest.raises(PermissionDenied):
        accounts.suspend_user(actor, target, reason="No.", forever=True)

    db.session.rollback()
    assert snapshot() == before


def test_a_site_admin_suspends_a_moderator(people):
    mod, _, keeper, _ = people

    accounts.suspend_user(keeper, mod, reason="Abused the role.", forever=True)

    assert _fresh(mod).is_suspended and _fresh(mod).suspended_until is None


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"reason": "", "forever": True}, {"reason"}),
        ({"reason": " \u200b\u200b ", "forever": True}, {"reason"}),
        ({"reason": "x" * (REASON_MAX + 1), "forever": True}, {"reason"}),
        ({"reason": 5, "forever": True}, {"reason"}),
        ({"reason": "Spam."}, {"until"}),  # neither a time nor for good
        ({"reason": "Spam.", "forever": True, "until": NOON + timedelta(days=1)}, {"until"}),
        ({"reason": "Spam.", "until": NOON}, {"until"}),  # not in the future
        ({"reason": "Spam.", "until": NOON + timedelta(days=3651)}, {"until"}),
        ({"reason": "", "until": NOON - timedelta(days=1)}, {"reason", "until"}),
    ],
)
def test_bad_input_is_named_at_its_field_and_changes_nothing(clock, people, kwargs, fields):
    mod, spam, *_ = people
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        accounts.suspend_user(mod, spam, **kwargs)

    db.session.rollback()
    assert set(refused.value.fields) == fields
    assert snapshot() == before


def test_a_suspension_for_a_time_ends_by_itself(clock, people, client):
    mod, spam, *_ = people
    accounts.suspend_user(mod, spam, reason="Cool off.", until=NOON + timedelta(days=1))
    end = NOON + timedelta(days=1)

    clock.now = end - timedelta(seconds=1)
    assert _fresh(spam).is_suspended
    assert sign_in(client, "spam").status_code == 403

    clock.now = end
    assert not _fresh(spam).is_suspended
    clock.now = end + timedelta(seconds=1)
    assert not _fresh(spam).is_suspended
    assert sign_in(client, "spam").status_code == 302
    assert signed_in_username(client) == "spam"


def test_lifting_a_suspension(people):
    mod, spam, *_ = people
    accounts.suspend_user(mod, spam, reason="Spam.", forever=True)

    accounts.lift_suspension(mod, spam)

    spam = _fresh(spam)
    assert not spam.is_suspended and spam.suspended_at is None and spam.suspension_reason == ""
    assert [line[0] for line in _log_lines()] == [
        ModerationAction.SUSPEND,
        ModerationAction.UNSUSPEND,
    ]
    before = snapshot()
    accounts.lift_suspension(mod, spam)  # none holds: nothing written
    assert snapshot() == before


# What ends at once ------------------------------


def test_the_session_and_the_token_die_at_once(app, client, people):
    mod, spam, *_ = people
    login_as(client, spam)
    token = token_for(spam)
    save()
    assert signed_in_username(client) == "spam"
    assert client.get(f"{API}/me", headers=auth(token)).status_code == 200

    accounts.suspend_user(mod, spam, reason="Spam.", forever=True)

    assert signed_in_username(client) is None
    refused = client.get(f"{API}/me", headers=auth(token))
    assert refused.status_code == 401  # revoked
    revoked = db.session.scalars(sa.select(ApiToken.revoked_at).where(ApiToken.user_id == spam.id))
    assert all(revoked)


def test_a_suspension_written_some_other_way_refuses_the_session_and_the_token(client, people):
    _, spam, *_ = people
    login_as(client, spam)
    token = token_for(spam)
    spam.suspended_at = NOON.replace(year=2020)
    spam.suspension_reason = "Written by hand."
    save()

    assert signed_in_username(client) is None
    refused = client.get(f"{API}/me", headers=auth(token))
    assert refused.status_code == 403
    error = error_of(refused)
    assert error["code"] == "suspended"
    assert "for good" in error["message"] and "Written by hand." in error["message"]


# Sign-in says until when and why ------------------------------


def test_sign_in_page_says_until_when_and_why(clock, client, people):
    mod, spam, *_ = people
    accounts.suspend_user(mod, spam, reason="Posting <b>ads</b>.", until=NOON + timedelta(days=3))

    response = sign_in(client, "spam")

    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "suspended until 4 June 2030 at 12:00 UTC" in page
    assert "Posting &lt;b&gt;ads&lt;/b&gt;." in page  # plain text, escaped
    assert signed_in_username(client) is None


def test_a_wrong_password_of_a_suspended_account_says_nothing_about_it(client, people):
    mod, spam, *_ = people
    accounts.suspend_user(mod, spam, reason="Spam.", forever=True)

    response = sign_in(client, "spam", "not the password at all")

    assert response.status_code == 422
    assert "suspended" not in response.get_data(as_text=True)


def test_a_token_request_says_until_when_and_why(client, people):
    mod, spam, *_ = people
    accounts.suspend_user(mod, spam, reason="Spam.", forever=True)

    refused = client.post(f"{API}/tokens", json={"username": "spam", "password": PASSWORD})

    assert refused.status_code == 403
    error = error_of(refused)
    assert error["code"] == "suspended"
    assert error["message"] == "This account is suspended for good. The moderator's reason: Spam."
    assert not db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == spam.id)).all()


# The pages ------------------------------


def test_a_moderator_sees_the_form_on_the_profile_and_suspends(clock, client, people):
    mod, spam, *_ = people
    login_as(client, mod)
    assert 'action="/admin/users/spam/suspend"' in text(client.get("/users/spam"))

    response = client.post("/admin/users/spam/suspend", data={"days": "7", "reason": "Ads."})

    assert response.status_code == 303
    spam = _fresh(spam)
    assert spam.suspended_until == NOON + timedelta(days=7)
    page = text(client.get("/users/spam"))
    assert "Suspended until" in page and "Ads." in page and "Lift suspension" in page


def test_others_do_not_see_the_suspension_nor_the_form(client, people):
    mod, spam, _, plain = people
    accounts.suspend_user(mod, spam, reason="Secret-ish reason.", forever=True)

    for viewer in (None, plain, spam):
        if viewer is not None:
            login_as(client, viewer)
        page = text(client.get("/users/spam"))
        assert "Secret-ish reason." not in page and "/admin/users/spam/suspend" not in page


def test_the_page_refuses_bad_input_at_the_field_keeping_what_was_typed(client, people):
    mod, spam, *_ = people
    login_as(client, mod)
    before = snapshot()

    response = client.post("/admin/users/spam/suspend", data={"days": "0", "reason": "Kept text"})
    both = client.post(
        "/admin/users/spam/suspend", data={"days": "3", "forever": "y", "reason": "Kept"}
    )
    blank = client.post("/admin/users/spam/suspend", data={"forever": "y", "reason": "  "})

    assert response.status_code == 422 and "Kept text" in text(response)
    assert "Use a whole number from 1 to 3,650." in text(response)
    assert both.status_code == 422 and "not both" in text(both)
    assert blank.status_code == 422 and "Give a reason" in text(blank)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["plain", "self", "site admin"])
def test_the_page_refuses_with_403(client, people, who):
    mod, spam, keeper, plain = people
    actor, target = {"plain": (plain, spam), "self": (mod, mod), "site admin": (mod, keeper)}[who]
    login_as(client, actor)
    before = snapshot()

    response = client.post(
        f"/admin/users/{target.username}/suspend", data={"forever": "y", "reason": "No."}
    )
    lift = client.post(f"/admin/users/{target.username}/unsuspend")

    assert response.status_code == 403 and lift.status_code == 403
    assert snapshot() == before


def test_the_page_lifts_a_suspension(client, people):
    mod, spam, *_ = people
    accounts.suspend_user(mod, spam, reason="Spam.", forever=True)
    login_as(client, mod)

    response = client.post("/admin/users/spam/unsuspend")

    assert response.status_code == 303
    assert not _fresh(spam).is_suspended


def test_the_forms_need_their_csrf_token(app, client, people, monkeypatch):
    mod, spam, *_ = people
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(client, mod)
    before = snapshot()

    suspend = client.post("/admin/users/spam/suspend", data={"forever": "y", "reason": "Spam."})
    lift = client.post("/admin/users/spam/unsuspend")

    assert suspend.status_code == 400 and lift.status_code == 400
    assert snapshot() == before


# The API ------------------------------


def test_the_api_suspends_until_a_time_and_lifts(clock, client, people):
    mod, spam, *_ = people
    api = Api(client, mod)
    save()

    response = api.post(
        "/users/spam/suspend", {"until": "2030-06-02T12:00:00+00:00", "reason": "Ads."}
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["suspended_until"] == "2030-06-02T12:00:00+00:00"
    forever = api.post("/users/spam/suspend", {"forever": True, "reason": "Ads again."})
    assert forever.get_json()["suspended_until"] == "forever"
    lifted = api.delete("/users/spam/suspend")
    assert lifted.status_code == 200 and lifted.get_json()["suspended_until"] is None


def test_an_ended_suspension_reads_null_and_the_account_works_again(clock, client, people):
    mod, spam, *_ = people
    accounts.suspend_user(mod, spam, reason="Cool off.", until=NOON + timedelta(hours=1))
    clock.now = NOON + timedelta(hours=1, seconds=1)
    api = Api(client, spam)
    save()

    me = api.get("/me")

    assert me.status_code == 200 and me.get_json()["suspended_until"] is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"reason": "Ads."}, {"until"}),
        ({"forever": True, "reason": ""}, {"reason"}),
        ({"forever": True}, {"reason"}),
        ({"until": "tomorrow", "reason": "Ads."}, {"until"}),
        ({"until": "2030-06-02T12:00:00", "reason": "Ads."}, {"until"}),  # no offset
        ({"forever": True, "reason": "Ads.", "colour": "red"}, {"colour"}),
    ],
)
def test_the_api_refuses_bad_bodies_with_422_at_the_field(clock, client, people, body, fields):
    mod, spam, *_ = people
    api = Api(client, mod)
    save()
    before = snapshot()

    refused = api.post("/users/spam/suspend", body)

    assert refused.status_code == 422
    assert set(error_of(refused)["fields"]) == fields
    assert snapshot() == before


@pytest.mark.parametrize("who", ["plain", "self", "site admin"])
def test_the_api_refuses_with_403(client, people, who):
    mod, spam, keeper, plain = people
    actor, target = {"plain": (plain, spam), "self": (mod, mod), "site admin": (mod, keeper)}[who]
    api = Api(client, actor)
    save()
    before = snapshot()

    refused = api.post(f"/users/{target.username}/suspend", {"forever": True, "reason": "No."})
    lift = api.delete(f"/users/{target.username}/suspend")

    assert refused.status_code == 403 and lift.status_code == 403
    assert snapshot() == before


def test_the_api_answers_404_for_nobody(client, people):
    mod, *_ = people
    api = Api(client, mod)
    save()

    assert api.post("/users/nobody/suspend", {"forever": True, "reason": "x"}).status_code == 404


def test_a_password_reset_link_does_not_sign_a_suspended_account_in(client, people):
    from app.accounts.services import _password_reset_version
    from app.tokens import Purpose, make_token

    mod, spam, *_ = people
    accounts.suspend_user(mod, spam, reason="Spam.", forever=True)
    spam = _fresh(spam)
    with client.application.test_request_context():
        token = make_token(Purpose.PASSWORD_RESET, spam.id, _password_reset_version(spam))

    response = client.post(
        f"/reset-password/{token}", data={"new_password": "a brand new passphrase"}
    )

    assert response.status_code == 303 and response.location.endswith("/sign-in")
    page = text(client.get("/sign-in"))  # shows the flashed message once
    assert "suspended for good" in page and "Spam." in page
    assert signed_in_username(client) is None


def test_two_last_admins_cannot_both_leave(people):
    from app.accounts import deletion
    from app.errors import Conflict

    _, _, keeper, _ = people
    second = make_user("second", is_admin=True)
    save()

    deletion.delete_account(second, PASSWORD)
    with pytest.raises(Conflict):
        deletion.delete_account(keeper, PASSWORD)
