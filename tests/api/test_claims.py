"""The claim workflow end to end through the API alone, with the tokens read from the e-mails
the file backend writes; and the refusals of each step."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import app.db as app_db
from app.companies.models import Claim, ClaimStatus
from app.db import utcnow
from tests.api.helpers import API, Api, auth, count, error_of, save
from tests.checks import snapshot
from tests.claims.helpers import make_claim
from tests.factories import PASSWORD, make_company, make_staff, make_user
from tests.mail.helpers import links_in, read_mail, use_file_backend

ADMIN_PASSWORD = "keeper of the square"


def _mail_token(folder: Path, to: str, path_start: str) -> str:
    """The token in the last e-mail to ``to``: the last part of its link's path."""
    messages = [m for m in read_mail(folder) if m["To"] == to]
    assert messages, f"no e-mail to {to}"
    (link,) = [
        link for link in links_in(messages[-1]) if urlsplit(link).path.startswith(path_start)
    ]
    return urlsplit(link).path.rsplit("/", 1)[1]


def _sign_up_and_get_token(client, folder: Path, username: str, email: str) -> str:
    """Sign up, verify the address with the token from the mailed link, get a token."""
    created = client.post(
        f"{API}/users", json={"username": username, "email": email, "password": PASSWORD}
    )
    assert created.status_code == 201, created.get_json()
    link_token = _mail_token(folder, email, "/verify-email/")
    verified = client.post(f"{API}/users/verify-email", json={"token": link_token})
    assert verified.status_code == 200, verified.get_json()
    issued = client.post(f"{API}/tokens", json={"username": username, "password": PASSWORD})
    assert issued.status_code == 201
    return issued.get_json()["token"]


def _call(client, token, method, path, body=None):
    kwargs = {"json": body} if body is not None else {}
    return client.open(API + path, method=method, headers=auth(token), **kwargs)


def test_claim_to_official_answer_through_the_api_alone(app, client, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    made = app.test_cli_runner().invoke(
        args=["create-admin", "--username", "keeper", "--email", "keeper@example.org",
              "--password", ADMIN_PASSWORD]
    )  # fmt: skip
    assert made.exit_code == 0, made.output

    # Jane signs up, gets a token, adds her company and asks to claim it.
    jane = _sign_up_and_get_token(client, folder, "jane", "jane@example.org")
    created = _call(client, jane, "POST", "/companies", {"name": "Acme", "domain": "acme.com"})
    assert created.status_code == 201
    claimed = _call(client, jane, "POST", "/companies/acme/claims", {"work_email": "Jane@Acme.com"})
    assert claimed.status_code == 202
    claim = claimed.get_json()
    assert (claim["status"], claim["work_email"], claim["company"]) == (
        "pending_email", "jane@acme.com", "acme",
    )  # fmt: skip
    assert claim["user"]["username"] == "jane" and claim["decided_at"] is None

    # The link in the e-mail to her work address verifies it, for whoever holds it.
    verify_token = _mail_token(folder, "jane@acme.com", "/companies/claims/verify/")
    verified = client.post(f"{API}/claims/verify", json={"token": verify_token})
    assert verified.status_code == 200
    assert verified.get_json()["status"] == "email_verified"
    again = client.post(f"{API}/claims/verify", json={"token": verify_token})
    assert again.status_code == 400
    assert error_of(again)["code"] == "invalid_token"

    # The site admin finds it waiting and approves it.
    issued = client.post(f"{API}/tokens", json={"username": "keeper", "password": ADMIN_PASSWORD})
    keeper = issued.get_json()["token"]
    assert _call(client, jane, "GET", "/claims").status_code == 403
    waiting = _call(client, keeper, "GET", "/claims?status=email_verified").get_json()
    assert [c["id"] for c in waiting["items"]] == [claim["id"]]
    approved = _call(client, keeper, "POST", f"/claims/{claim['id']}/approve", {"note": "Welcome."})
    assert approved.status_code == 200
    assert (approved.get_json()["status"], approved.get_json()["note"]) == ("approved", "Welcome.")
    assert approved.get_json()["decided_at"] is not None
    company = client.get(f"{API}/companies/acme").get_json()
    assert company["claimed"] is True
    staff = client.get(f"{API}/companies/acme/staff").get_json()["items"]
    assert [(s["user"]["username"], s["role"]) for s in staff] == [("jane", "admin")]

    # Jane invites Bob at his work address; he joins from his own account.
    invited = _call(
        client, jane, "POST", "/companies/acme/invitations",
        {"email": "bob@support.acme.com", "role": "agent"},
    )  # fmt: skip
    assert invited.status_code == 202
    invitation = _mail_token(folder, "bob@support.acme.com", "/companies/invitations/")
    bob = _sign_up_and_get_token(client, folder, "bob", "bob@example.org")
    joined = _call(client, bob, "POST", "/invitations/accept", {"token": invitation})
    assert joined.status_code == 200
    assert (joined.get_json()["user"]["username"], joined.get_json()["role"]) == ("bob", "agent")
    reused = _call(client, bob, "POST", "/invitations/accept", {"token": invitation})
    assert reused.status_code in (400, 409)

    # A customer asks; Bob's answer is official; Jane endorses nothing official but sets status.
    carol = _sign_up_and_get_token(client, folder, "carol", "carol@example.org")
    asked = _call(
        client, carol, "POST", "/companies/acme/questions",
        {"title": "The rocket will not start", "body": "Help!", "kind": "problem"},
    )  # fmt: skip
    question_id = asked.get_json()["id"]
    answered = _call(client, bob, "POST", f"/questions/{question_id}/answers", {"body": "Fixed."})
    assert answered.get_json()["is_official"] is True
    status = _call(client, jane, "PUT", f"/questions/{question_id}/status", {"status": "solved"})
    assert status.get_json()["status"] == "solved"

    # Jane removes Bob from the staff: his next answer is a peer answer.
    removed = _call(
        client, jane, "DELETE", f"/companies/acme/staff/{joined.get_json()['user']['id']}"
    )
    assert removed.status_code == 204
    later = _call(client, bob, "POST", f"/questions/{question_id}/answers", {"body": "Still me."})
    assert later.get_json()["is_official"] is False
    # The decision e-mail reached Jane.
    assert any(
        "approved" in m["Subject"] for m in read_mail(folder) if m["To"] == "jane@example.org"
    )


def test_a_site_admin_rejects_a_claim_with_a_note(client):
    claim = make_claim(make_company("Acme"), make_user("jane"))
    admin = Api(client, make_user(is_admin=True))
    save()

    missing = admin.post(f"/claims/{claim.id}/reject", {})
    empty = admin.post(f"/claims/{claim.id}/reject", {"note": "   "})
    rejected = admin.post(f"/claims/{claim.id}/reject", {"note": "Not your domain."})
    twice = admin.post(f"/claims/{claim.id}/approve", {})

    assert missing.status_code == 422 and "note" in error_of(missing)["fields"]
    assert empty.status_code == 422 and "note" in error_of(empty)["fields"]
    assert rejected.status_code == 200
    assert (rejected.get_json()["status"], rejected.get_json()["note"]) == (
        "rejected", "Not your domain.",
    )  # fmt: skip
    assert twice.status_code == 409


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("user", 403), ("staff", 403)])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_only_site_admins_decide_claims(client, who, status, action):
    acme = make_company("Acme")
    claim = make_claim(acme)
    users = {"user": make_user(), "staff": make_staff(make_company("Globex"), role="admin").user}
    api = Api(client, users.get(who))
    save()
    before = snapshot()

    response = api.post(f"/claims/{claim.id}/{action}", {"note": "Mine."})
    unknown = api.post(f"/claims/{claim.id + 100}/{action}", {"note": "Mine."})

    assert response.status_code == unknown.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("user", 403)])
def test_only_site_admins_list_claims(client, who, status):
    make_claim()
    api = Api(client, make_user() if who == "user" else None)
    save()

    assert api.get("/claims").status_code == status


def test_the_claims_list_puts_verified_claims_first_and_reads_expired_ones_as_expired(client):
    acme = make_company("Acme")
    old = make_claim(acme, status=ClaimStatus.PENDING_EMAIL, age=timedelta(hours=49))
    waiting = make_claim(make_company("Globex"))
    admin = Api(client, make_user(is_admin=True))
    save()

    everything = admin.get("/claims").get_json()["items"]
    expired = admin.get("/claims?status=expired").get_json()["items"]

    assert [c["id"] for c in everything] == [waiting.id, old.id]
    assert everything[1]["status"] == "expired"
    assert [c["id"] for c in expired] == [old.id]
    assert admin.get("/claims?status=lost").status_code == 422


def test_claiming_is_refused_for_a_claimed_company_or_a_foreign_address(client):
    acme = make_company("Acme", domain="acme.com")
    make_staff(acme, role="admin")
    make_company("Globex", domain="globex.com")
    api = Api(client, make_user())
    save()
    before = snapshot()

    claimed = api.post("/companies/acme/claims", {"work_email": "me@acme.com"})
    foreign = api.post("/companies/globex/claims", {"work_email": "me@gmail.com"})
    anonymous = Api(client).post("/companies/globex/claims", {"work_email": "me@globex.com"})
    nowhere = api.post("/companies/nobody/claims", {"work_email": "me@nobody.com"})

    assert claimed.status_code == 409
    assert foreign.status_code == 422 and "work_email" in error_of(foreign)["fields"]
    assert anonymous.status_code == 401
    assert nowhere.status_code == 404
    assert snapshot() == before


def test_more_than_five_claims_a_day_are_429(client):
    user = make_user()
    for n in range(5):
        make_claim(make_company(f"Firm {n}"), user, status=ClaimStatus.PENDING_EMAIL)
    make_company("Last", domain="last.com")
    api = Api(client, user)
    save()

    response = api.post("/companies/last/claims", {"work_email": "me@last.com"})

    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    "token", ["", "nonsense", "a" * 600, "x.y.z", "nul\x00token", "eyJpZCI6MX0.tampered.sig"]
)
def test_an_unknown_or_tampered_verification_token_is_400_invalid_token(client, token):
    make_claim(status=ClaimStatus.PENDING_EMAIL)
    save()
    before = snapshot()

    response = client.post(f"{API}/claims/verify", json={"token": token})

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_token"
    assert snapshot() == before


def test_an_expired_verification_token_is_400_invalid_token(app, client, monkeypatch, tmp_path):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    make_company("Acme", domain="acme.com")
    api = Api(client, make_user("jane"))
    save()
    api.post("/companies/acme/claims", {"work_email": "jane@acme.com"})
    token = _mail_token(folder, "jane@acme.com", "/companies/claims/verify/")
    later = utcnow() + timedelta(hours=49)
    monkeypatch.setattr(app_db, "CLOCK", lambda: later)

    response = client.post(f"{API}/claims/verify", json={"token": token})

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_token"
    assert count(Claim, Claim.status == ClaimStatus.EMAIL_VERIFIED) == 0


def test_another_signed_in_account_may_not_use_a_verification_token(
    app, client, monkeypatch, tmp_path
):
    folder = use_file_backend(app, monkeypatch, tmp_path)
    make_company("Acme", domain="acme.com")
    jane = Api(client, make_user("jane"))
    mallory = Api(client, make_user("mallory"))
    save()
    jane.post("/companies/acme/claims", {"work_email": "jane@acme.com"})
    token = _mail_token(folder, "jane@acme.com", "/companies/claims/verify/")

    refused = mallory.post("/claims/verify", {"token": token})
    allowed = jane.post("/claims/verify", {"token": token})

    assert refused.status_code == 403
    assert allowed.status_code == 200


@pytest.mark.parametrize("token", ["", "nonsense", "b" * 600])
def test_a_bad_invitation_token_is_400_invalid_token(client, token):
    api = Api(client, make_user())
    save()
    before = snapshot()

    response = api.post("/invitations/accept", {"token": token})

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_token"
    assert snapshot() == before


def test_accepting_an_invitation_needs_a_token_of_the_api(client):
    before = snapshot()

    response = client.post(f"{API}/invitations/accept", json={"token": "anything"})

    assert response.status_code == 401
    assert snapshot() == before
