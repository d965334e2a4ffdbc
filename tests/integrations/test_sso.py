"""Single sign-on (issue 15): a token signs its person in once; every bad token is a 400
with nobody signed in and nothing written (app/integrations/sso.py)."""

from __future__ import annotations

import base64
import json
import re
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.integrations import sso
from app.integrations.models import ExternalIdentity, SsoSecret, SsoTokenUse
from app.moderation.models import AuditEntry
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_company, make_staff, make_user
from tests.integrations.helpers import signed_in_user_id, sso_company, sso_token


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_a_first_sign_in_makes_a_verified_account_and_signs_it_in(client):
    company, _, secret = sso_company()
    save()

    response = client.get(f"/sso/{company.slug}?token={sso_token(secret)}")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    kim = _user("kim@shop.example")
    assert kim is not None and kim.is_email_verified
    assert kim.username == "kim-jensen" and kim.display_name == "Kim Jensen"
    assert signed_in_user_id(client) == kim.get_id()
    link = db.session.scalar(sa.select(ExternalIdentity))
    assert (link.company_id, link.external_id, link.user_id) == (
        company.id,
        "customer-1",
        kim.id,
    )


def test_the_next_sign_in_finds_the_same_account_by_the_company_id(client):
    company, _, secret = sso_company()
    save()
    client.get(f"/sso/{company.slug}?token={sso_token(secret)}")
    first = signed_in_user_id(client)
    other = client.application.test_client()

    # The customer changed their e-mail at the company: still the same person.
    response = other.get(
        f"/sso/{company.slug}?token={sso_token(secret, email='kim.new@shop.example')}"
    )

    assert response.status_code == 303
    assert signed_in_user_id(other) == first
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.email.like("kim%"))
        )
        == 1
    )


def test_return_to_on_this_site_is_followed_and_elsewhere_ignored(client):
    company, _, secret = sso_company()
    save()

    here = client.get(f"/sso/{company.slug}?token={sso_token(secret, return_to='/questions')}")
    away = client.get(
        f"/sso/{company.slug}?token={sso_token(secret, return_to='//evil.example/x')}"
    )

    assert here.headers["Location"] == "/questions"
    assert away.headers["Location"] == "/"


def test_the_session_is_fresh(client):
    """Whoever was signed in before is replaced, and nothing of the old session carries over."""
    company, _, secret = sso_company()
    someone = make_user("someone")
    save()
    login_as(client, someone)
    with client.session_transaction() as session:
        session["planted"] = "x"

    client.get(f"/sso/{company.slug}?token={sso_token(secret)}")

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == _user("kim@shop.example").get_id()


def _refused(client, company, token: str, before) -> None:
    response = client.get(f"/sso/{company.slug}?token={token}")
    assert response.status_code == 400
    assert signed_in_user_id(client) is None
    assert _user("kim@shop.example") is None
    after = snapshot()
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"sso_token_uses"}  # only the pruning may have run


BAD_TOKENS = {
    "expired": lambda secret: sso_token(
        secret, iat=int(time.time()) - 600, exp=int(time.time()) - 60
    ),
    "exp more than 5 minutes ahead": lambda secret: sso_token(
        secret, exp=int(time.time()) + 6 * 60
    ),
    "issued in the future": lambda secret: sso_token(secret, iat=int(time.time()) + 300),
    "forged (another key)": lambda secret: sso_token("not-the-secret-" + secret),
    "tampered payload": lambda secret: _tampered(sso_token(secret)),
    "alg none": lambda secret: jwt.encode(
        {
            "email": "kim@shop.example",
            "name": "K",
            "external_id": "1",
            "jti": "j",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        },
        None,
        algorithm="none",
    ),
    "HS512": lambda secret: jwt.encode(
        {
            "email": "kim@shop.example",
            "name": "K",
            "external_id": "1",
            "jti": "j",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        },
        secret.encode() * 2,
        algorithm="HS512",
    ),
    "no jti": lambda secret: sso_token(secret, jti=None),
    "no exp": lambda secret: sso_token(secret, exp=None),
    "no external_id": lambda secret: sso_token(secret, external_id=None),
    "no e-mail": lambda secret: sso_token(secret, email=None),
    "a bad e-mail": lambda secret: sso_token(secret, email="not an address"),
    "a jti too long": lambda secret: sso_token(secret, jti="j" * 201),
    "an external id that is not text": lambda secret: sso_token(secret, external_id=["1"]),
    "not a token": lambda secret: "nonsense",
    "empty": lambda secret: "",
}


def _tampered(token: str) -> str:
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["email"] = "admin@helpsquare.example"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{head}.{body}.{signature}"


@pytest.mark.parametrize("make", list(BAD_TOKENS.values()), ids=list(BAD_TOKENS))
def test_a_bad_token_is_a_400_and_nobody_is_signed_in(client, make):
    company, _, secret = sso_company()
    save()
    before = snapshot()

    _refused(client, company, make(secret), before)


def test_a_token_works_once(client):
    company, _, secret = sso_company()
    save()
    token = sso_token(secret)
    assert client.get(f"/sso/{company.slug}?token={token}").status_code == 303
    other = client.application.test_client()

    replayed = other.get(f"/sso/{company.slug}?token={token}")

    assert replayed.status_code == 400
    assert "not valid" in replayed.get_data(as_text=True)
    assert signed_in_user_id(other) is None


def test_a_token_of_another_company_is_refused(client):
    acme, _, acme_secret = sso_company()
    other, _, _ = sso_company("Other Co", "other-co")
    save()
    before = snapshot()

    _refused(client, other, sso_token(acme_secret), before)


def test_a_company_without_a_secret_signs_nobody_in(client):
    company = make_company("Plain", slug="plain")
    save()
    before = snapshot()

    _refused(client, company, sso_token("a-key-of-no-company-" * 3), before)


def test_a_new_secret_ends_the_old_one(client):
    company, admin, old = sso_company()
    sso.create_secret(admin, company)
    save()
    before = snapshot()

    _refused(client, company, sso_token(old), before)


def test_creating_a_secret_again_rotates_the_one_row(client):
    """Insert-or-update in SQL: a second creation (even one racing the first) leaves one
    row holding the later secret, logged as a rotation."""
    company, admin, _ = sso_company()
    later = sso.create_secret(admin, company)

    rows = db.session.execute(sa.select(SsoSecret.company_id, SsoSecret.secret)).all()
    assert rows == [(company.id, later)]
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action.like("sso.%")).order_by(AuditEntry.id)
    ).all()
    assert actions == ["sso.secret_created", "sso.secret_rotated"]


def test_used_tokens_are_pruned_once_expired(client):
    company, _, secret = sso_company()
    db.session.add(
        SsoTokenUse(company_id=company.id, jti="old", expires_at=utcnow() - timedelta(seconds=1))
    )
    save()

    client.get(f"/sso/{company.slug}?token={sso_token(secret, jti='new')}")

    assert set(db.session.scalars(sa.select(SsoTokenUse.jti))) == {"new"}


def test_head_checks_the_token_without_using_it(client):
    company, _, secret = sso_company()
    save()
    token = sso_token(secret)

    assert client.head(f"/sso/{company.slug}?token={token}").status_code == 200
    assert client.head(f"/sso/{company.slug}?token=nonsense").status_code == 400

    assert db.session.scalar(sa.select(sa.func.count()).select_from(SsoTokenUse)) == 0
    assert signed_in_user_id(client) is None
    assert client.get(f"/sso/{company.slug}?token={token}").status_code == 303


# Existing accounts: when an e-mail links, and when it never does ---------------------------


def test_an_existing_verified_account_is_linked(client):
    company, _, secret = sso_company()
    kim = make_user("kim", email="kim@shop.example")
    save()

    client.get(f"/sso/{company.slug}?token={sso_token(secret)}")

    assert signed_in_user_id(client) == kim.get_id()


def test_an_unverified_account_with_the_address_is_never_linked(client):
    """Someone may have signed up with the customer's address to wait for this link."""
    company, _, secret = sso_company()
    squatter = make_user("squatter", email="kim@shop.example", email_verified=False)
    save()

    response = client.get(f"/sso/{company.slug}?token={sso_token(secret)}")

    assert response.status_code == 400
    assert "has not confirmed it" in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    assert db.session.scalar(sa.select(ExternalIdentity)) is None
    assert squatter.email == "kim@shop.example"


@pytest.mark.parametrize("power", ["site admin", "moderator", "staff elsewhere"])
def test_an_account_with_power_is_never_signed_in_by_a_company(client, power):
    company, _, secret = sso_company()
    boss = make_user(
        "boss",
        email="boss@shop.example",
        is_admin=power == "site admin",
        is_moderator=power == "moderator",
    )
    if power == "staff elsewhere":
        make_staff(make_company("Rival", slug="rival", domain="rival.com"), boss, role="admin")
    save()

    response = client.get(
        f"/sso/{company.slug}?token={sso_token(secret, email='boss@shop.example')}"
    )

    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def test_staff_of_the_company_itself_may_come_through_its_site(client):
    company, _, secret = sso_company()
    agent = make_user("agent", email="agent@shop.example")
    make_staff(company, agent)
    save()

    client.get(f"/sso/{company.slug}?token={sso_token(secret, email='agent@shop.example')}")

    assert signed_in_user_id(client) == agent.get_id()


def test_a_suspended_account_is_not_signed_in(client):
    company, _, secret = sso_company()
    kim = make_user("kim", email="kim@shop.example")
    kim.suspended_at = kim.created_at
    save()

    response = client.get(f"/sso/{company.slug}?token={sso_token(secret)}")

    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def test_usernames_are_derived_and_unique(client):
    company, _, secret = sso_company()
    make_user("kim-jensen")
    make_user("kim-jensen-2")
    save()

    client.get(f"/sso/{company.slug}?token={sso_token(secret)}")
    client.application.test_client().get(
        f"/sso/{company.slug}?token="
        + sso_token(secret, email="k2@shop.example", external_id="2", name="Admin")
    )

    assert _user("kim@shop.example").username == "kim-jensen-3"
    # "admin" is reserved, "k2" too short for a name of its own: a neutral one, numbered.
    assert _user("k2@shop.example").username == "member"


def test_sso_sign_ins_are_limited_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_LIMITS_PER_ADDRESS", "2 per minute")
    company, _, secret = sso_company()
    save()

    statuses = [client.get(f"/sso/{company.slug}?token=x").status_code for _ in range(3)]

    assert statuses == [400, 400, 429]


# The secret -------------------------------------------------------------------------------


def test_the_admin_creates_and_rotates_the_secret_through_the_api(client):
    company, admin, first = sso_company()
    save()

    response = Api(client, admin).post(f"/companies/{company.slug}/sso")

    assert response.status_code == 201
    secret = response.get_json()["secret"]
    assert secret != first and len(secret) >= 40
    assert db.session.get(SsoSecret, company.id).secret == secret


@pytest.mark.parametrize("who", ["agent", "stranger", "admin of another company"])
def test_nobody_else_gets_a_secret(client, who):
    company, _, secret = sso_company()
    if who == "agent":
        user = make_staff(company, make_user("agent")).user
    elif who == "stranger":
        user = make_user("stranger")
    else:
        user = make_user("rival-admin")
        make_staff(make_company("Rival", slug="rival", domain="rival.com"), user, role="admin")
    api = Api(client, user)
    save()
    before = snapshot()

    response = api.post(f"/companies/{company.slug}/sso")

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert snapshot() == before


def test_the_admin_page_shows_a_new_secret_once(client):
    company, admin, _ = sso_company()
    save()
    login_as(client, admin)

    made = client.post(f"/companies/{company.slug}/integrations/sso")
    again = client.get(f"/companies/{company.slug}/integrations")

    secret = db.session.get(SsoSecret, company.id).secret
    assert made.status_code == 200 and secret in made.get_data(as_text=True)
    assert again.status_code == 200 and secret not in again.get_data(as_text=True)
    assert "Replace the secret" in again.get_data(as_text=True)


def test_the_readmes_ten_lines_sign_a_customer_in(client):
    """The README's snippet for a company's site, run as written (its secret swapped in)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(import time, uuid, jwt.*?)```", readme, re.S)[1]
    assert len([line for line in snippet.splitlines() if line.strip()]) <= 10
    company, _, secret = sso_company()
    save()
    namespace: dict = {}
    exec(snippet.replace("the secret from the integrations page", secret), namespace)  # noqa: S102 - our README
    customer = SimpleNamespace(email="kim@shop.example", full_name="Kim Jensen", id=7)

    link = namespace["helpsquare_link"](customer, return_to="/companies/acme-cloud")
    response = client.get(link.removeprefix("https://helpsquare.example"))

    assert response.status_code == 303
    assert response.headers["Location"] == "/companies/acme-cloud"
    assert signed_in_user_id(client) == _user("kim@shop.example").get_id()
