"""Display names: NFKC, no direction controls or invisible characters, no "@"; and always
shown beside the @username, so "Acme Support" typed as a display name never passes for the
company's staff (security.md, "Abuse")."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from app.accounts import services
from app.accounts.models import User
from app.answers import services as answers
from app.companies import claims, staff
from app.errors import ValidationError
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import mailer
from app.questions import services as questions
from tests.accounts.helpers import field_error, input_value
from tests.api.helpers import save
from tests.claims.helpers import make_claim
from tests.conftest import login_as
from tests.factories import make_company, make_product, make_staff, make_user

STRONG = "a long enough passphrase"

HIDDEN = [
    pytest.param("Acme\u202eSupport", "U+202E", id="right-to-left override"),
    pytest.param("\u2066Acme\u2069 Support", "U+2066", id="left-to-right isolate"),
    pytest.param("Acme\u200bSupport", "U+200B", id="zero-width space"),
    pytest.param("Acme\u200c Support", "U+200C", id="zero-width non-joiner"),
    pytest.param("Acme Support\u2063", "U+2063", id="invisible separator"),
    pytest.param("Ac\u00adme", "U+00AD", id="soft hyphen"),
    pytest.param("\u2800", "U+2800", id="only a blank braille pattern"),
]


# What a display name may be ------------------------------------------------------------------


@pytest.mark.parametrize(("display_name", "code_point"), HIDDEN)
def test_sign_up_refuses_hidden_characters_in_the_display_name(display_name, code_point):
    with pytest.raises(ValidationError) as refused:
        services.sign_up("mallory", "mallory@example.org", STRONG, display_name=display_name)

    assert code_point in refused.value.fields["display_name"]
    assert db.session.scalars(sa.select(User)).all() == []


@pytest.mark.parametrize(("display_name", "code_point"), HIDDEN)
def test_the_profile_refuses_hidden_characters_in_the_display_name(display_name, code_point):
    ada = make_user("ada", display_name="Ada")

    with pytest.raises(ValidationError) as refused:
        services.update_profile(ada, display_name)

    assert code_point in refused.value.fields["display_name"]
    db.session.expire_all()
    assert db.session.get(User, ada.id).display_name == "Ada"


@pytest.mark.parametrize("display_name", ["Support @acme", "Jane \uff20jane", "Bo\ufe6bAcme"])
def test_an_at_sign_is_refused_it_would_fake_a_username(display_name):
    with pytest.raises(ValidationError) as refused:
        services.sign_up("mallory", "mallory@example.org", STRONG, display_name=display_name)

    assert refused.value.fields["display_name"].startswith("Leave out “@”")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("\uff2a\uff41\uff4e\uff45", "Jane"),  # fullwidth letters
        ("  Jane   Doe ", "Jane Doe"),
        ("Zoë", "Zoë"),
        ("Anna \u2764\ufe0f", "Anna \u2764\ufe0f"),  # an emoji in its emoji presentation
        ("\u05d3\u05e0\u05d4", "\u05d3\u05e0\u05d4"),  # Hebrew: right-to-left letters are fine
    ],
)
def test_a_display_name_is_stored_nfkc_normalised(typed, stored):
    user = services.sign_up("ada", "ada@example.org", STRONG, display_name=typed)

    assert user.display_name == stored


def test_the_sign_up_form_shows_why_at_the_field_and_keeps_the_input(client):
    response = client.post(
        "/sign-up",
        data={
            "username": "mallory",
            "email": "mallory@example.org",
            "password": STRONG,
            "display_name": "Acme\u202eSupport",
        },
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "U+202E" in field_error(page, "display_name")
    assert input_value(page, "username") == "mallory"
    assert db.session.scalars(sa.select(User)).all() == []


def test_the_profile_form_refuses_a_zero_width_space(client):
    ada = make_user("ada", display_name="Ada")
    save()
    login_as(client, ada)

    response = client.post("/account/profile", data={"display_name": "Ada\u200b"})

    assert response.status_code == 422
    assert "U+200B" in field_error(response.get_data(as_text=True), "display_name")
    db.session.expire_all()
    assert db.session.get(User, ada.id).display_name == "Ada"


# Always beside the @username ---------------------------------------------------------------------


def _named_with_handle(content: str, display_name: str, username: str) -> list[str]:
    """Each place ``display_name`` appears without ``@username`` right after it (HTML or text)."""
    readable = html.unescape(content)
    bare = []
    for found in re.finditer(re.escape(display_name), readable):
        after = readable[found.end() : found.end() + 60]
        if f"@{username}" not in after:
            bare.append(readable[max(0, found.start() - 60) : found.end() + 60])
    return bare


def _bare_names(content: str) -> list[str]:
    """Every display name of every account that appears in ``content`` without its handle."""
    people = db.session.execute(sa.select(User.display_name, User.username)).all()
    return [
        bare
        for display_name, username in people
        if display_name
        for bare in _named_with_handle(content, display_name, username)
    ]


@pytest.fixture
def story():
    """Acme with staff; "Acme Support" is mallory, a customer, who asks, answers and claims."""
    acme = make_company("Acme", slug="acme", domain="acme.com")
    drive = make_product(acme, "Drive", slug="drive")
    jane = make_staff(acme, make_user("jane", display_name="Jane Doe"), role="admin").user
    sam = make_staff(acme, make_user("sam", display_name="Sam Agent"), title="Billing").user
    mallory = make_user("mallory", display_name="Acme Support")
    alice = make_user("alice", display_name="Alice Moreau")
    keeper = make_user("keeper", display_name="Kim Keeper", is_admin=True)
    asked = questions.ask_question(
        mallory, acme, title="Reset your password here", body="Details.", product=drive
    )
    answers.post_answer(jane, asked, body="Please do not.")
    answers.post_answer(sam, asked, body="Really, do not.")
    alices = questions.ask_question(alice, acme, title="Sync stops", body="It stops.")
    answers.post_answer(mallory, alices, body="Send me your password.")
    globex = make_company("Globex", slug="globex", domain="globex.com")
    claims.request_claim(mallory, globex, work_email="mallory@globex.com")
    initech = make_claim(make_company("Initech", slug="initech", domain="initech.com"), mallory)
    staff.invite_staff(jane, acme, email="bob@acme.com")
    mailer.send_due()
    save()
    return {
        "asked": asked,
        "alices": alices,
        "alice": alice,
        "keeper": keeper,
        "jane": jane,
        "sam": sam,
        "initech": initech,
    }


def test_every_page_naming_a_person_shows_the_username_beside_the_display_name(client, story):
    asked, alices = story["asked"], story["alices"]
    pages = [
        "/",
        "/questions",
        "/companies/acme",
        "/companies/acme/products/drive",
        f"/questions/{asked.id}/{asked.slug}",
        f"/questions/{alices.id}/{alices.slug}",
        f"/questions/{alices.id}/feed.atom",
        "/users/mallory",
        "/users/jane",
        "/companies/acme/staff",
    ]
    reader = {page: client.get(page) for page in pages}
    login_as(client, story["alice"])
    reader["/notifications (Alice)"] = client.get("/notifications")
    login_as(client, story["jane"])
    reader["/companies/acme/staff (its admin)"] = client.get("/companies/acme/staff")
    revoked = client.post(f"/companies/acme/staff/{story['sam'].id}/revoke")
    reader["staff revoked (its admin)"] = client.get(revoked.location)
    login_as(client, story["keeper"])
    reader["/admin/claims (a site admin)"] = client.get("/admin/claims")
    claim_id = story["initech"].id
    approved = client.post(
        f"/admin/claims/{claim_id}", data={f"claim-{claim_id}-decision": "approve"}
    )
    reader["claim approved (a site admin)"] = client.get(approved.location)
    reader["/admin/audit (a site admin)"] = client.get("/admin/audit")

    for page, response in reader.items():
        assert response.status_code == 200, page
        content = response.get_data(as_text=True)
        assert _bare_names(content) == [], page
    assert "Acme Support" in reader[f"/questions/{asked.id}/{asked.slug}"].get_data(as_text=True)
    assert "Sam Agent (@sam) is no longer on Acme" in html.unescape(
        reader["staff revoked (its admin)"].get_data(as_text=True)
    )
    assert "Approved: Acme Support (@mallory) is now an admin of Initech" in html.unescape(
        reader["claim approved (a site admin)"].get_data(as_text=True)
    )


def test_every_e_mail_naming_a_person_shows_the_username_beside_the_display_name(story):
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    # Alice's e-mail about mallory's answer, mallory's about the official answer, the claim
    # verification naming the claimant, and the invitation naming who sent it.
    assert {m.to_address for m in messages} >= {
        "alice@example.org",
        "mallory@example.org",
        "mallory@globex.com",
        "bob@acme.com",
    }
    for message in messages:
        for part in (message.subject, message.body_text, message.body_html or ""):
            assert _bare_names(part) == [], message.subject
    assert any("Acme Support (@mallory) answered" in m.body_text for m in messages)
    assert any("Acme Support (@mallory) asked on Helpsquare" in m.body_text for m in messages)
    assert any("Jane Doe (@jane) invites you" in m.body_text for m in messages)


def test_a_right_to_left_display_name_cannot_reorder_the_username_after_it(client):
    make_user("noa", display_name="\u05e0\u05d5\u05e2\u05d4")
    save()

    page = client.get("/users/noa").get_data(as_text=True)

    # <bdi> isolates the name: its direction stops before the @username.
    assert (
        '<bdi class="person__name">\u05e0\u05d5\u05e2\u05d4</bdi> '
        '<span class="person__handle">@noa</span>'
    ) in page
