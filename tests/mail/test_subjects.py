"""Mail to an address not yet verified as its owner's carries no user-written text in its
subject (security.md, "Abuse"): a subject is what an inbox shows before anyone opens the
mail, and company and display names can say anything ("Your account is locked").

Two walks: every service that queues mail is read (its subject must be fixed text, unless it
is one of the few that mail only verified owners), and the claim and invitation e-mails are
sent with hostile names and read back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.companies import claims, staff
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.claims.helpers import VERIFY_LINK, make_claim
from tests.factories import make_company, make_staff, make_user

APP = Path(__file__).resolve().parents[2] / "app"

# Where a subject may carry user-written text, and why that is safe there.
VERIFIED_OWNERS_ONLY = {
    # Notification e-mails (titles, names) go only to addresses verified as the account's.
    ("notifications/mailer.py", "_email_each"),
    ("notifications/mailer.py", "_email_summary"),
    ("notifications/mailer.py", "_digest_for"),
}

HOSTILE_COMPANY = "Your account is locked – act now"
HOSTILE_PERSON = "PayPal Security Team"


def _fixed(node: ast.expr, constants: set[str]) -> bool:
    """A subject that is fixed text: a string literal, a module constant, or a choice of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.IfExp):
        return _fixed(node.body, constants) and _fixed(node.orelse, constants)
    return False


def _fixed_text(node: ast.expr) -> bool:
    """A string literal, or one marked for translation (``_l("…")``): the same fixed words
    in every language."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"_l", "lazy_gettext"}:
        return len(node.args) == 1 and not node.keywords and _fixed_text(node.args[0])
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _subjects() -> list[tuple[str, str, ast.expr, set[str]]]:
    """Every ``queue_message(to, subject, …)`` call in the app: file, function, subject."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        constants = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign) and _fixed_text(node.value)
            for target in node.targets
            if isinstance(target, ast.Name) and target.id.isupper()
        }
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if (
                    isinstance(call, ast.Call)
                    and getattr(call.func, "id", getattr(call.func, "attr", None))
                    == "queue_message"
                ):
                    subject = call.args[1] if len(call.args) > 1 else None
                    for keyword in call.keywords:
                        if keyword.arg == "subject":
                            subject = keyword.value
                    where = str(path.relative_to(APP))
                    found.append((where, function.name, subject, constants))
    return found


def test_the_walk_finds_the_services_that_send_mail():
    places = {(where, function) for where, function, _subject, _constants in _subjects()}

    assert ("companies/claims.py", "request_claim") in places
    assert ("companies/staff.py", "invite_staff") in places
    assert ("accounts/services.py", "send_password_reset") in places
    assert VERIFIED_OWNERS_ONLY <= places


def test_every_subject_is_fixed_text_unless_it_goes_to_verified_owners_only():
    written = [
        f"{where}: {function}() subject {ast.unparse(subject)}"
        for where, function, subject, constants in _subjects()
        if (where, function) not in VERIFIED_OWNERS_ONLY
        and (subject is None or not _fixed(subject, constants))
    ]

    assert written == []


@pytest.fixture
def hostile():
    company = make_company(HOSTILE_COMPANY, slug="acme", domain="acme.com")
    admin = make_staff(company, make_user("jane", display_name=HOSTILE_PERSON), role="admin")
    return company, admin.user


def _mail_to(address: str) -> OutboxMessage:
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == address)
    ).one()


def test_the_claim_verification_subject_is_fixed_and_the_body_names_the_company(hostile):
    company, _admin = hostile
    company.claimed_at = None
    claimant = make_user("mallory", display_name=HOSTILE_PERSON)

    claims.request_claim(claimant, company, work_email="mallory@acme.com")

    message = _mail_to("mallory@acme.com")
    assert message.subject == "Verify your work e-mail address for Helpsquare"
    assert HOSTILE_COMPANY in message.body_text
    assert VERIFY_LINK.search(message.body_text)


def test_the_invitation_subject_is_fixed_and_the_body_names_who_and_where(hostile):
    company, admin = hostile

    staff.invite_staff(admin, company, email="bob@acme.com")

    message = _mail_to("bob@acme.com")
    assert message.subject == "You are invited to join a company's staff on Helpsquare"
    assert f"{HOSTILE_PERSON} (@jane) invites you to join {HOSTILE_COMPANY}'s staff" in (
        message.body_text
    )


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "rejected"])
def test_the_claim_decision_subject_names_no_company(hostile, approve):
    company, _admin = hostile
    company.claimed_at = None
    keeper = make_user("keeper", is_admin=True)
    claim = make_claim(company, make_user("mallory", email="mallory@example.org"))

    if approve:
        claims.approve_claim(keeper, claim)
    else:
        claims.reject_claim(keeper, claim, note="Not your company.")

    message = _mail_to("mallory@example.org")
    assert HOSTILE_COMPANY not in message.subject
    assert message.subject in (
        "Your claim on Helpsquare is approved",
        "Your claim on Helpsquare was not approved",
    )
    assert HOSTILE_COMPANY in message.body_text
