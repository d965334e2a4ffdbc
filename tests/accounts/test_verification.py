"""Verified e-mail: the link sign-up sends (GET shows a button, POST verifies; once, for 48
hours, the newest link only), "Resend the link" (three an hour), the notice on every page,
a password-reset link proving the address, and ``EMAIL_VERIFICATION``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

import app.db as db_module
from app import create_app
from app.accounts import services, verification
from app.accounts.models import EmailVerification, User
from app.config import ConfigError, settings_from_env
from app.errors import Conflict, EmailUnverified, PermissionDenied, RateLimited
from app.extensions import db
from app.policy import Permission, require
from app.questions.models import Question
from app.tokens import Purpose, make_token
from tests.accounts.helpers import find_user
from tests.checks import snapshot
from tests.claims.helpers import save, sent_to, text
from tests.conftest import login_as
from tests.factories import PASSWORD, make_company, make_user

START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
VERIFY_LINK = re.compile(r"https?://helpsquare\.test(/verify-email/([A-Za-z0-9_.\-]+))")
NOTICE = "follow it to verify your address and start posting"


@pytest.fixture
def clock(monkeypatch):
    """Helpsquare's clock, stopped at START; ``clock.move(minutes=…)`` moves it on."""

    class Clock:
        now = START

        def move(self, **delta: float) -> None:
            self.now += timedelta(**delta)

    stopped = Clock()
    monkeypatch.setattr(db_module, "CLOCK", lambda: stopped.now)
    return stopped


def _sign_up(client, username: str = "grace"):  # noqa: ANN001, ANN202
    return client.post(
        "/sign-up",
        data={"username": username, "email": f"{username}@example.org", "password": PASSWORD},
    )


def verify_link(address: str) -> tuple[str, str]:
    """The path and token of the last verification link e-mailed to ``address``."""
    messages = sent_to(address)
    assert messages, f"no e-mail to {address}"
    match = VERIFY_LINK.search(messages[-1].body_text)
    assert match, messages[-1].body_text
    return match.group(1), match.group(2)


def verified_at(username: str) -> datetime | None:
    return find_user(username).email_verified_at


@pytest.fixture
def grace(client):
    """Grace signed up through the form (signed in on ``client``); the link is in her mail."""
    assert _sign_up(client).status_code == 302
    path, token = verify_link("grace@example.org")
    return {"user": find_user("grace"), "path": path, "token": token}


# Sign-up sends the link --------------------------------------------------------------------


def test_sign_up_mails_a_link_whose_last_path_segment_is_the_token(client):
    response = _sign_up(client)

    assert response.status_code == 302
    grace = find_user("grace")
    assert grace.email_verified_at is None and not grace.is_email_verified
    (message,) = sent_to("grace@example.org")
    assert message.subject == "Verify your e-mail address for Helpsquare"
    path, token = verify_link("grace@example.org")
    assert path == f"/verify-email/{token}"
    assert "works for 48 hours, once" in message.body_text
    welcome = text(client.get("/"))
    assert "We sent a link to grace@example.org" in welcome


def test_the_subject_carries_nothing_the_user_typed(client):
    client.post(
        "/sign-up",
        data={
            "username": "spammer",
            "email": "victim@example.org",
            "password": PASSWORD,
            "display_name": "Buy cheap watches at example.biz",
        },
    )

    (message,) = sent_to("victim@example.org")
    assert message.subject == verification.SUBJECT
    assert "watches" not in message.body_text and "watches" not in message.body_html


def test_sign_up_through_the_service_sends_the_link_in_the_same_transaction(app):
    with app.test_request_context():
        user = services.sign_up("ada", "ada@example.org", PASSWORD)

    (sent,) = db.session.execute(sa.select(EmailVerification)).scalars()
    assert (sent.user_id, sent.email, sent.resent) == (user.id, "ada@example.org", False)
    assert len(sent_to("ada@example.org")) == 1


# GET shows a button, POST verifies -----------------------------------------------------------


def test_get_and_head_of_the_link_show_a_button_and_change_nothing(client, grace):
    before = snapshot()

    shown = client.get(grace["path"])
    head = client.head(grace["path"])

    assert shown.status_code == 200 and head.status_code == 200
    page = text(shown)
    assert "This confirms that grace@example.org is the address of @grace" in page
    assert "Verify grace@example.org</button>" in page
    assert f'name="token" type="hidden" value="{grace["token"]}"' in page
    # No "Resend the link" here: pressing it would replace the very link being followed.
    assert "verify-notice" not in page
    assert head.get_data() == b""
    assert snapshot() == before
    assert verified_at("grace") is None


ASK = {"title": "Where is the manual?", "body": "I lost it.", "kind": "question"}


def _question_titles() -> list[str]:
    return list(db.session.execute(sa.select(Question.title)).scalars())


def test_pressing_the_button_verifies_and_the_writes_are_allowed(client, clock, grace):
    make_company("Acme", domain="acme.com")
    save()
    refused = client.post("/companies/acme/ask", data=ASK)
    assert refused.status_code == 403
    assert _question_titles() == []

    response = client.post(grace["path"], data={"token": grace["token"]})

    assert response.status_code == 303
    assert verified_at("grace") == START
    home = text(client.get("/"))
    assert "Thanks — grace@example.org is verified. You can post now." in home
    assert NOTICE not in text(client.get("/"))
    asked = client.post("/companies/acme/ask", data=ASK)
    assert asked.status_code == 303
    assert _question_titles() == ["Where is the manual?"]


def test_a_visitor_who_is_not_signed_in_may_verify_with_the_link(app, grace):
    visitor = app.test_client()

    response = visitor.post(grace["path"], data={"token": grace["token"]})

    assert response.status_code == 303
    assert response.location.endswith("/sign-in")
    assert verified_at("grace") is not None
    assert "Sign in as @grace to post." in text(visitor.get("/sign-in"))


def test_the_service_verifies_for_anyone_holding_the_token(grace):
    user = verification.verify_email(grace["token"])

    assert user.id == grace["user"].id and user.is_email_verified


def test_a_link_works_once(client, grace):
    assert client.post(grace["path"], data={"token": grace["token"]}).status_code == 303
    before = snapshot()

    shown = client.get(grace["path"])
    again = client.post(grace["path"], data={"token": grace["token"]})

    for response in (shown, again):
        assert response.status_code == 400
        assert "That link was already used: the address is verified." in text(response)
    with pytest.raises(verification.VerificationLinkInvalid):
        verification.verify_email(grace["token"])
    assert snapshot() == before


def test_an_expired_link_is_refused_and_changes_nothing(client, grace, monkeypatch):
    later = db_module.utcnow() + timedelta(hours=48, seconds=1)
    monkeypatch.setattr(db_module, "CLOCK", lambda: later)
    before = snapshot()

    shown = client.get(grace["path"])
    posted = client.post(grace["path"], data={"token": grace["token"]})

    for response in (shown, posted):
        assert response.status_code == 400
        assert "That link has expired: verification links work for 48 hours." in text(response)
        assert "Resend the link" in text(response)
    assert snapshot() == before


def test_a_link_still_works_just_before_48_hours(client, grace, monkeypatch):
    later = db_module.utcnow() + timedelta(hours=47, minutes=59)
    monkeypatch.setattr(db_module, "CLOCK", lambda: later)

    response = client.post(grace["path"], data={"token": grace["token"]})

    assert response.status_code == 303
    assert verified_at("grace") == later


def test_a_link_replaced_by_a_newer_one_changes_nothing(client, grace):
    assert client.post("/account/verify-email/resend").status_code == 303
    newer_path, newer_token = verify_link("grace@example.org")
    assert newer_token != grace["token"]
    before = snapshot()

    response = client.post(grace["path"], data={"token": grace["token"]})

    assert response.status_code == 400
    assert "replaced by a newer one" in text(response)
    assert snapshot() == before
    assert client.post(newer_path, data={"token": newer_token}).status_code == 303
    assert verified_at("grace") is not None


def _tampered(token: str) -> str:
    last = token[-2]
    return token[:-2] + ("A" if last != "A" else "B") + token[-1]


def _bad_tokens(grace: dict) -> dict[str, str]:
    user_id, token = grace["user"].id, grace["token"]
    sent_id = db.session.execute(sa.select(sa.func.max(EmailVerification.id))).scalar_one()
    payload, stamp, signature = token.split(".")
    return {
        "tampered signature": _tampered(token),
        "another payload, same signature": (
            make_token(Purpose.EMAIL_VERIFY, user_id + 1, str(sent_id)).split(".")[0]
            + f".{stamp}.{signature}"
        ),
        "made for a claim": make_token(Purpose.CLAIM_VERIFY, user_id, str(sent_id)),
        "made for a password reset": make_token(Purpose.PASSWORD_RESET, user_id, str(sent_id)),
        "another account's user id": make_token(Purpose.EMAIL_VERIFY, user_id + 1000, "1"),
        "a link row that was never sent": make_token(
            Purpose.EMAIL_VERIFY, user_id, str(sent_id + 1)
        ),
        "garbage": "not-a-token",
        "cut short": token[: len(token) // 2],
        "far too long": "a" * 2000,
    }


@pytest.mark.parametrize(
    "kind",
    [
        "tampered signature",
        "another payload, same signature",
        "made for a claim",
        "made for a password reset",
        "another account's user id",
        "a link row that was never sent",
        "garbage",
        "cut short",
        "far too long",
    ],
)
def test_a_bad_link_is_refused_and_changes_nothing(client, grace, kind):
    token = _bad_tokens(grace)[kind]
    path = f"/verify-email/{token}"
    before = snapshot()

    shown = client.get(path)
    posted = client.post(path, data={"token": token})

    for response in (shown, posted):
        assert response.status_code == 400
        assert "That link" in text(response)
        assert "Verify grace@example.org" not in text(response)
    with pytest.raises(verification.VerificationLinkInvalid):
        verification.verify_email(token)
    assert snapshot() == before


def test_the_post_needs_the_token_of_its_own_address(client, grace):
    before = snapshot()

    missing = client.post(grace["path"], data={})
    different = client.post(grace["path"], data={"token": _tampered(grace["token"])})

    assert (missing.status_code, different.status_code) == (400, 400)
    assert snapshot() == before


# Resending ------------------------------------------------------------------------------------


def test_resend_three_times_an_hour_then_429_then_again_after_the_hour(client, clock, grace):
    for resend in range(3):
        clock.move(minutes=10)  # at 10, 20 and 30 minutes past START
        response = client.post("/account/verify-email/resend", data={"next": "/companies/"})
        assert response.status_code == 303, resend
        assert response.location.endswith("/companies/")
    assert len(sent_to("grace@example.org")) == 4  # the sign-up's link and three more
    before = snapshot()

    clock.move(minutes=20)  # 40 minutes after the first resend
    refused = client.post("/account/verify-email/resend")

    assert refused.status_code == 429
    # Free again when the first resend is an hour old: in 20 minutes.
    assert refused.headers["Retry-After"] == str(20 * 60)
    assert (
        "We have sent you 3 new links in the last hour, the most we send. Please use the "
        "newest one, or ask again in 20 minutes."
    ) in text(refused)
    assert snapshot() == before

    clock.move(minutes=19, seconds=59)  # one second short of the hour
    just_before = client.post("/account/verify-email/resend")
    assert just_before.status_code == 429
    assert just_before.headers["Retry-After"] == "1"
    assert "ask again in a minute" in text(just_before)
    assert snapshot() == before

    clock.move(seconds=1)
    allowed = client.post("/account/verify-email/resend")

    assert allowed.status_code == 303
    assert len(sent_to("grace@example.org")) == 5
    assert "We sent a new link to grace@example.org." in text(client.get("/"))


def test_the_fourth_resend_within_the_hour_is_refused_by_the_service(clock, grace):
    user = grace["user"]
    for _ in range(3):
        verification.resend_link(user)
        clock.move(minutes=1)

    with pytest.raises(RateLimited) as refused:
        verification.resend_link(user)

    assert refused.value.retry_after == 57 * 60
    assert "ask again in 57 minutes" in refused.value.message
    clock.move(minutes=57)
    verification.resend_link(user)  # the first resend is an hour old now


def test_the_sign_up_link_does_not_count_as_a_resend(clock, grace):
    for _ in range(3):
        verification.resend_link(grace["user"])

    assert len(sent_to("grace@example.org")) == 4


def test_resending_for_a_verified_address_sends_nothing(client, grace):
    verification.verify_email(grace["token"])
    before = snapshot()

    response = client.post("/account/verify-email/resend")

    assert response.status_code == 303
    assert "grace@example.org is already verified" in text(client.get("/"))
    assert snapshot() == before
    with pytest.raises(Conflict):
        verification.resend_link(find_user("grace"))


def test_resend_needs_a_signed_in_account(app, grace):
    visitor = app.test_client()
    before = snapshot()

    response = visitor.post("/account/verify-email/resend")

    assert response.status_code == 302
    assert "/sign-in" in response.location
    assert snapshot() == before


def test_resend_never_goes_back_to_another_site(client, grace):
    response = client.post("/account/verify-email/resend", data={"next": "//evil.example/"})

    assert response.status_code == 303
    assert response.location.endswith("/")
    assert "evil" not in response.location


# CSRF ----------------------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _csrf(page: str) -> str:
    tokens = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page))
    assert len(tokens) == 1
    return tokens.pop()


def test_verifying_needs_the_csrf_token(app, grace, csrf_on):
    visitor = app.test_client()
    before = snapshot()

    refused = visitor.post(grace["path"], data={"token": grace["token"]})

    assert refused.status_code == 400
    assert snapshot() == before
    csrf = _csrf(text(visitor.get(grace["path"])))
    accepted = visitor.post(grace["path"], data={"token": grace["token"], "csrf_token": csrf})
    assert accepted.status_code == 303
    assert verified_at("grace") is not None


def test_resending_needs_the_csrf_token(client, grace, csrf_on):
    before = snapshot()

    refused = client.post("/account/verify-email/resend")

    assert refused.status_code == 400
    assert snapshot() == before
    csrf = _csrf(text(client.get("/")))
    accepted = client.post("/account/verify-email/resend", data={"csrf_token": csrf})
    assert accepted.status_code == 303
    assert len(sent_to("grace@example.org")) == 2


# The notice on every page, and the 403 page ---------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/companies/", "/questions", "/notifications"])
def test_an_unverified_account_sees_the_notice_with_a_resend_button_on_every_page(client, path):
    login_as(client, make_user("ivy", email_verified=False))
    save()

    page = text(client.get(path, follow_redirects=True))

    notice = page.split('class="notice verify-notice"', 1)[1].split("</div>", 1)[0]
    assert "We sent a link to <strong>ivy@example.org</strong>" in notice
    assert NOTICE in notice
    assert 'action="/account/verify-email/resend"' in notice
    assert "Resend the link</button>" in notice


def test_a_verified_account_and_a_visitor_see_no_notice(app, client):
    login_as(client, make_user("vera"))
    save()

    assert "verify-notice" not in text(client.get("/"))
    assert "verify-notice" not in text(app.test_client().get("/"))


def test_a_refused_write_says_what_to_do_and_offers_a_new_link(client):
    make_company("Acme", domain="acme.com")
    login_as(client, make_user("ivy", email_verified=False))
    save()
    before = snapshot()

    response = client.post("/companies/acme/ask", data={"title": "Where is it?", "body": "Lost."})

    assert response.status_code == 403
    page = text(response)
    assert "<h1>Verify your e-mail address first</h1>" in page
    assert "follow the link we sent to ivy@example.org" in page
    assert "Send me a new link</button>" in page
    assert page.count("verify-notice") == 0  # the page itself says it, once
    assert snapshot() == before


# A password-reset link proves the address -----------------------------------------------------


def test_following_a_password_reset_link_verifies_the_address(client, clock):
    make_user("ivy", email_verified=False)
    save()
    client.post("/forgot-password", data={"email": "ivy@example.org"})
    body = sent_to("ivy@example.org")[-1].body_text
    path = re.search(r"https?://helpsquare\.test(/reset-password/\S+)", body).group(1)
    assert client.get(path).status_code == 200
    assert verified_at("ivy") is None  # opening the link changes nothing

    response = client.post(path, data={"new_password": "a brand new passphrase"})

    assert response.status_code == 302
    assert verified_at("ivy") == START


def test_a_password_reset_keeps_an_earlier_verification_time(clock):
    earlier = START - timedelta(days=3)
    ivy = make_user("ivy", email_verified_at=earlier)
    save()
    token = make_token(Purpose.PASSWORD_RESET, ivy.id, services._password_reset_version(ivy))

    services.reset_password(token, "a brand new passphrase")

    assert verified_at("ivy") == earlier


# Site admins and the setting ------------------------------------------------------------------


def test_create_admin_makes_a_verified_site_admin(app):
    runner = app.test_cli_runner()

    made = runner.invoke(
        args=["create-admin", "--username", "root", "--email", "root@example.org",
              "--password", "keeper of the square"]
    )  # fmt: skip

    assert made.exit_code == 0, made.output
    root = find_user("root")
    assert root.is_admin and root.is_email_verified


def test_create_admin_verifies_an_existing_account_it_promotes():
    make_user("ivy", email_verified=False)
    save()

    services.create_site_admin("ivy", "ivy@example.org", "keeper of the square")

    ivy = find_user("ivy")
    assert ivy.is_admin and ivy.is_email_verified


def test_with_verification_off_a_new_account_writes_at_once(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "EMAIL_VERIFICATION", "off")
    make_company("Acme", domain="acme.com")
    save()
    _sign_up(client)

    asked = client.post("/companies/acme/ask", data={"title": "Where is it?", "body": "Lost."})

    assert asked.status_code == 303
    assert verified_at("grace") is None
    # The link still goes out: notification e-mails wait for it.
    assert len(sent_to("grace@example.org")) == 1
    notice = text(client.get("/"))
    assert "follow it to verify your address and receive notification e-mails" in notice


def test_the_gate_is_on_by_default_and_read_from_the_environment():
    assert create_app({"TESTING": True}).config["EMAIL_VERIFICATION"] == "required"
    assert settings_from_env({"EMAIL_VERIFICATION": " Off "})["EMAIL_VERIFICATION"] == "off"


def test_an_unknown_setting_refuses_to_start():
    with pytest.raises(ConfigError, match="EMAIL_VERIFICATION must be one of required, off"):
        create_app({"TESTING": True, "EMAIL_VERIFICATION": "maybe"})


def test_the_gate_refuses_an_unverified_account_and_lets_it_in_once_verified(app):
    ivy = make_user("ivy", email_verified=False)
    acme = make_company("Acme", domain="acme.com")

    with pytest.raises(EmailUnverified) as refused:
        require(ivy, Permission.QUESTION_ASK, acme)

    assert refused.value.code == "email_unverified" and refused.value.status == 403
    require(ivy, Permission.FOLLOW, acme)  # reads and following stay allowed
    verification.mark_verified(ivy)
    require(ivy, Permission.QUESTION_ASK, acme)
    with pytest.raises(PermissionDenied) as anonymous:
        require(AnonymousUserMixin(), Permission.QUESTION_ASK, acme)
    assert not isinstance(anonymous.value, EmailUnverified)


def test_the_user_row_records_when_the_address_was_verified(clock):
    ivy = make_user("ivy", email_verified=False)

    verification.mark_verified(ivy)
    verification.mark_verified(ivy)  # once: the first time stays

    db.session.expire_all()
    assert db.session.get(User, ivy.id).email_verified_at == START
