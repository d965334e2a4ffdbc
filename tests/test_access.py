"""The "who may do what" table of product.md, for the actions built so far.

Every role tries every action through the HTML forms. A refused action answers
403 (or sends an anonymous visitor to sign in) and leaves the database exactly
as it was; an allowed one succeeds and changes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.db import utcnow
from app.extensions import db
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_product, make_question, make_user

ROLES = ("anonymous", "stranger", "asker", "answerer", "site_admin")
SIGNED_IN = {"stranger", "asker", "answerer", "site_admin"}


@dataclass
class World:
    users: dict[str, Any]
    unclaimed: Any
    claimed: Any
    claimed_product: Any
    question: Any
    answer: Any


@pytest.fixture
def world() -> World:
    users = {
        "stranger": make_user("stranger"),
        "asker": make_user("asker"),
        "answerer": make_user("answerer"),
        "site_admin": make_user("keeper", is_admin=True),
    }
    unclaimed = make_company("Unclaimed Co", domain="unclaimed.example")
    claimed = make_company("Claimed Co", domain="claimed.example", claimed_at=utcnow())
    claimed_product = make_product(claimed, "Claimed Widget")
    question = make_question(unclaimed, author=users["asker"], title="Why does it beep?")
    answer = make_answer(question, author=users["answerer"], body="Because of the battery.")
    db.session.commit()
    return World(users, unclaimed, claimed, claimed_product, question, answer)


@dataclass(frozen=True)
class Action:
    name: str
    allowed: frozenset[str]

    def request(self, w: World) -> tuple[str, dict[str, str]]:
        q, a = w.question, w.answer
        return {
            "create company": ("/companies/new", {"name": "Brand New", "domain": "brandnew.io"}),
            "create product (unclaimed)": (
                f"/companies/{w.unclaimed.slug}/products/new",
                {"name": "Gizmo", "description": "A gizmo."},
            ),
            "create product (claimed)": (
                f"/companies/{w.claimed.slug}/products/new",
                {"name": "Gizmo", "description": "A gizmo."},
            ),
            "edit product (claimed)": (
                f"/companies/{w.claimed.slug}/products/{w.claimed_product.slug}/edit",
                {"name": "Claimed Widget", "description": "Rewritten."},
            ),
            "edit company (claimed)": (
                f"/companies/{w.claimed.slug}/edit",
                {"description": "Rewritten.", "website": "https://claimed.example"},
            ),
            "ask": (
                f"/companies/{w.unclaimed.slug}/ask",
                {"title": "Where is the manual?", "body": "I lost it.", "kind": "question"},
            ),
            "answer": (f"/questions/{q.id}/answers", {"body": "Me neither."}),
            "edit question": (
                f"/questions/{q.id}/edit",
                {"title": "Why does it beep twice?", "body": "Edited."},
            ),
            "edit answer": (f"/answers/{a.id}/edit", {"body": "Because of the charger."}),
            "me too": (f"/questions/{q.id}/me-too", {"action": "add"}),
            "helpful vote": (f"/answers/{a.id}/helpful", {"action": "add"}),
            "choose best answer": (f"/questions/{q.id}/best-answer", {"answer_id": str(a.id)}),
        }[self.name]


def _allowed(*roles: str) -> frozenset[str]:
    return frozenset(roles)


ACTIONS = [
    Action("create company", frozenset(SIGNED_IN)),
    Action("create product (unclaimed)", frozenset(SIGNED_IN)),
    Action("create product (claimed)", _allowed("site_admin")),
    Action("edit product (claimed)", _allowed("site_admin")),
    Action("edit company (claimed)", _allowed("site_admin")),
    Action("ask", frozenset(SIGNED_IN)),
    Action("answer", frozenset(SIGNED_IN)),
    Action("edit question", _allowed("asker", "site_admin")),
    Action("edit answer", _allowed("answerer", "site_admin")),
    Action("me too", _allowed("stranger", "answerer", "site_admin")),
    Action("helpful vote", _allowed("stranger", "asker", "site_admin")),
    Action("choose best answer", _allowed("asker", "site_admin")),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_access_table(client, world, action, role):
    if role != "anonymous":
        login_as(client, world.users[role])
    url, data = action.request(world)
    before = snapshot()

    response = client.post(url, data=data)

    after = snapshot()
    if role in action.allowed:
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        assert after != before
    else:
        if role == "anonymous":
            assert response.status_code in (302, 303)
            assert urlsplit(response.location).path == "/sign-in"
        else:
            assert response.status_code == 403
        assert after == before
