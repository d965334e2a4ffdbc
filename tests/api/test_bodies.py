"""What a request body may hold (api.md Part 2).

- A 422 names every bad field at once: what the schema refuses and what the service
  refuses, together, on every write.
- An edit (PATCH) by a caller who may not edit the object at all is a 403, whatever the body.
  A caller who may edit it but names a field they cannot change, with a value different from
  the current one, gets a 422 naming it; the fields the server owns are ignored, so a client
  may send back what it read.
- A body field the resource does not have at all is a 422 naming it.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.companies.models import Claim, ClaimStatus
from app.db import utcnow
from app.extensions import db
from app.questions.models import Kind
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.factories import (
    PASSWORD,
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)


def _refused(response: Any) -> dict[str, str]:
    """The fields a 422 names, with why."""
    assert response.status_code == 422, response.get_data(as_text=True)
    error = error_of(response)
    assert error["code"] == "invalid"
    return error["fields"]


# Every bad field at once -------------------------------------------------------------------


def test_signing_up_names_every_bad_field_at_once(client):
    make_user("ada", email="ada@example.org")
    save()
    api = Api(client)
    before = snapshot()

    # The schema refuses the short username; the service the address and the common password.
    first = _refused(
        api.post("/users", {"username": "ab", "email": "not-an-e-mail", "password": "password123"})
    )
    # The schema refuses the short password; the service the taken username and address.
    second = _refused(
        api.post("/users", {"username": "ada", "email": "ADA@example.org", "password": "short"})
    )
    # An unknown field beside a reserved username and a missing password.
    third = _refused(api.post("/users", {"username": "admin", "email": "x@example.org", "age": 3}))

    assert set(first) == {"username", "email", "password"}
    assert "common" in first["password"] and "valid e-mail" in first["email"]
    assert set(second) == {"username", "email", "password"}
    assert "already taken" in second["username"] and "already exists" in second["email"]
    assert set(third) == {"username", "password", "age"}
    assert "reserved" in third["username"]
    assert third["age"] == "There is no such field here."
    assert snapshot() == before


@pytest.fixture
def world() -> dict[str, Any]:
    """Acme (claimed, its admin "boss"), a product, a problem with an answer, a claim target,
    and a site admin."""
    acme = make_company("Acme", domain="acme.com")
    boss = make_staff(acme, make_user("boss"), role="admin").user
    make_product(acme, "Rocket")
    asker = make_user("asker")
    problem = make_question(acme, author=asker, kind=Kind.PROBLEM, title="It overheats")
    answerer = make_user("answerer")
    answer = make_answer(problem, author=answerer, body="Let it cool down.")
    make_company("Initech", domain="initech.com")
    return {
        "boss": boss,
        "asker": asker,
        "answerer": answerer,
        "keeper": make_user("keeper", is_admin=True),
        "problem": problem,
        "answer": answer,
    }


# (who, method, path, body, the fields the 422 must name); in each body one field breaks the
# schema (or is unknown) and another only breaks a rule the service checks.
EVERY_WRITE = [
    ("asker", "POST", "/companies", {"name": "A", "domain": "no-dot"}, {"name", "domain"}),
    (
        "boss",
        "PATCH",
        "/companies/acme",
        {"description": "x" * 2001, "website": "javascript:alert(1)"},
        {"description", "website"},
    ),
    (
        "boss",
        "POST",
        "/companies/acme/products",
        {"name": "R", "description": "Fast\x00"},
        {"name", "description"},
    ),
    (
        "asker",
        "POST",
        "/companies/initech/claims",
        {"work_email": "jane@elsewhere.com", "phone": "555"},
        {"work_email", "phone"},
    ),
    (
        "boss",
        "POST",
        "/companies/acme/invitations",
        {"email": "bob@elsewhere.com", "role": "boss"},
        {"email", "role"},
    ),
    (
        "asker",
        "POST",
        "/companies/acme/questions",
        {"title": "Hi", "body": "   ", "product": "no-such-product", "kind": "rant"},
        {"title", "body", "product", "kind"},
    ),
    (
        "asker",
        "PATCH",
        "/questions/{problem}",
        {"title": "Hi", "body": "   "},
        {"title", "body"},
    ),
    (
        "boss",
        "PUT",
        "/questions/{problem}/status",
        {"status": "planned", "note": "Soon"},
        {"status", "note"},
    ),
    (
        "asker",
        "PUT",
        "/questions/{problem}/best-answer",
        {"answer_id": 2_000_000_000, "why": "It worked"},
        {"answer_id", "why"},
    ),
    (
        "asker",
        "POST",
        "/questions/{problem}/answers",
        {"body": "   ", "signature": "Ada"},
        {"body", "signature"},
    ),
    (
        "answerer",
        "PATCH",
        "/answers/{answer}",
        {"body": "   ", "signature": "Ada"},
        {"body", "signature"},
    ),
]


@pytest.mark.parametrize(
    "who, method, path, body, named",
    EVERY_WRITE,
    ids=[f"{method} {path}" for _, method, path, _, _ in EVERY_WRITE],
)
def test_every_write_names_every_bad_field_at_once(client, world, who, method, path, body, named):
    api = Api(client, world[who])
    save()
    before = snapshot()
    path = path.format(problem=world["problem"].id, answer=world["answer"].id)

    fields = _refused(api.call(method, path, body))

    assert set(fields) == named
    assert snapshot() == before


def test_deciding_a_claim_names_every_bad_field_at_once(client):
    company = make_company("Initech", domain="initech.com")
    claim = Claim(
        company=company,
        user=make_user("claimant"),
        work_email="claimant@initech.com",
        status=ClaimStatus.EMAIL_VERIFIED,
        expires_at=utcnow(),
        email_verified_at=utcnow(),
    )
    db.session.add(claim)
    api = Api(client, make_user("keeper", is_admin=True))
    save()
    before = snapshot()

    rejected = _refused(api.post(f"/claims/{claim.id}/reject", {"note": "  ", "reason": "spam"}))
    approved = _refused(api.post(f"/claims/{claim.id}/approve", {"note": "\x00", "ok": True}))

    assert set(rejected) == {"note", "reason"} and "Say why" in rejected["note"]
    assert set(approved) == {"note", "ok"}
    assert snapshot() == before


def test_a_product_that_does_not_exist_is_named_with_the_other_bad_fields(client, world):
    # The body has the right shape (so the schema passes); the service and the view refuse.
    api = Api(client, world["asker"])
    save()

    fields = _refused(
        api.post("/companies/acme/questions", {"title": "     ", "body": "?", "product": "nope"})
    )

    assert set(fields) == {"title", "product"}


# Editing: who may, what they may change, what they may send back ------------------------------


@pytest.mark.parametrize(
    "body",
    [{"locked": True}, {"title": "x"}, {"title": "Taken over by me", "no_such_field": 1}],
    ids=["a field nobody sets here", "a bad title", "an unknown field"],
)
def test_a_caller_who_may_not_edit_hears_403_whatever_the_body(client, world, body):
    api = Api(client, make_user("stranger"))
    save()
    before = snapshot()

    response = api.patch(f"/questions/{world['problem'].id}", body)

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert snapshot() == before


def test_an_edit_may_send_back_the_object_as_it_was_read(client, world):
    api = Api(client, world["asker"])
    save()
    question = api.get(f"/questions/{world['problem'].id}").get_json()
    answer = api.get(f"/questions/{world['problem'].id}/answers").get_json()["items"][0]
    company = api.get("/companies/acme").get_json()

    edited = api.patch(f"/questions/{question['id']}", {**question, "title": "It overheats a lot"})
    answer_edit = Api(client, world["answerer"]).patch(
        f"/answers/{answer['id']}", {**answer, "body": "Let it cool for an hour."}
    )
    company_edit = Api(client, world["boss"]).patch(
        "/companies/acme", {**company, "description": "Rockets."}
    )

    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["title"] == "It overheats a lot"
    assert answer_edit.status_code == 200, answer_edit.get_json()
    assert answer_edit.get_json()["body"] == "Let it cool for an hour."
    assert company_edit.status_code == 200, company_edit.get_json()
    assert company_edit.get_json()["description"] == "Rockets."


def test_fields_the_server_owns_are_ignored_whatever_their_value(client, world):
    api = Api(client, world["asker"])
    save()
    question = world["problem"]

    response = api.patch(
        f"/questions/{question.id}",
        {
            "title": "It overheats in summer",
            "id": 1,
            "me_too_count": 500,
            "answer_count": 0,
            "created_at": "2000-01-01T00:00:00+00:00",
            "url": "https://evil.example/",
            "has_official_answer": True,
            "body_html": "<script>alert(1)</script>",
            "author": {"id": 1},
        },
    )

    assert response.status_code == 200, response.get_json()
    shown = response.get_json()
    assert (shown["id"], shown["me_too_count"], shown["answer_count"]) == (question.id, 0, 1)
    assert shown["has_official_answer"] is False
    assert "<script>" not in shown["body_html"]
    assert shown["author"]["username"] == "asker"


@pytest.mark.parametrize(
    "field, value",
    [
        ("locked", True),
        ("status", "solved"),
        ("best_answer_id", 1),
        ("company", "initech"),
        ("feeling", "happy"),
        ("locked", None),
        ("locked", 1),
    ],
)
def test_a_question_field_the_author_cannot_change_is_a_422_naming_it(client, world, field, value):
    api = Api(client, world["asker"])
    save()
    before = snapshot()

    fields = _refused(
        api.patch(f"/questions/{world['problem'].id}", {"title": "A new title", field: value})
    )

    assert set(fields) == {field}
    assert "cannot be changed here" in fields[field]
    assert snapshot() == before


def test_a_site_admin_cannot_change_a_companys_domain_or_name_through_patch(client, world):
    api = Api(client, world["keeper"])
    save()
    before = snapshot()

    fields = _refused(
        api.patch(
            "/companies/acme",
            {"description": "New.", "domain": "evil.example", "name": "Evil", "slug": "acme"},
        )
    )

    assert set(fields) == {"domain", "name"}
    assert "its staff are verified by it" in fields["domain"]
    assert snapshot() == before


def test_an_answers_author_cannot_move_or_endorse_it_through_patch(client, world):
    api = Api(client, world["answerer"])
    other = make_question(make_company("Globex"))
    save()
    before = snapshot()

    fields = _refused(
        api.patch(
            f"/answers/{world['answer'].id}",
            {"body": "Moved.", "question_id": other.id, "is_endorsed": True, "is_official": True},
        )
    )

    assert set(fields) == {"question_id", "is_endorsed"}  # is_official: the server's, ignored
    assert snapshot() == before


# Unknown fields -------------------------------------------------------------------------------


UNKNOWN = [
    (None, "POST", "/users", {"username": "ada", "email": "a@x.org", "password": PASSWORD}, "role"),
    (None, "POST", "/tokens", {"username": "asker", "password": PASSWORD}, "scope"),
    ("asker", "POST", "/companies", {"name": "Brand New", "domain": "brandnew.io"}, "owner"),
    ("asker", "POST", "/companies/acme/questions", {"title": "Where is it?", "body": "?"}, "tags"),
    ("asker", "POST", "/questions/{problem}/answers", {"body": "Try this."}, "author_id"),
    ("asker", "PATCH", "/questions/{problem}", {"title": "A new title"}, "tags"),
    ("boss", "PATCH", "/companies/acme", {"description": "Rockets."}, "owner"),
    ("boss", "POST", "/companies/acme/invitations", {"email": "bob@acme.com"}, "title"),
    ("asker", "POST", "/invitations/accept", {"token": "x"}, "as"),
]  # fmt: skip


@pytest.mark.parametrize(
    "who, method, path, body, unknown", UNKNOWN, ids=[f"{u[1]} {u[2]}" for u in UNKNOWN]
)
def test_a_field_the_resource_does_not_have_is_a_422_naming_it(
    client, world, who, method, path, body, unknown
):
    api = Api(client, world[who] if who else None)
    save()
    before = snapshot()
    path = path.format(problem=world["problem"].id)

    fields = _refused(api.call(method, path, {**body, unknown: "x"}))

    assert fields == {unknown: "There is no such field here."}
    assert snapshot() == before
