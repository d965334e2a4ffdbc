"""A claimed company with staff, an asker's question holding private details and a staff
answer holding private details for her; the people around them; an unclaimed company."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from app.answers import services as answer_services
from app.companies import staff as staff_services
from app.extensions import db
from app.questions import services as question_services
from tests.factories import make_company, make_staff, make_user

# Markers nobody else types: every way out is searched for them.
QUESTION_MARKER = "zqxorderqprivate"
ANSWER_MARKER = "zqxrefundaprivate"
MARKERS = (QUESTION_MARKER, ANSWER_MARKER)


@dataclass
class World:
    acme: Any  # claimed
    nimbus: Any  # unclaimed
    asker: Any
    peer: Any  # a fellow customer, who answered too
    jane: Any  # Acme's admin
    agent: Any  # Acme's agent, who answered with private details
    former: Any  # Acme's agent until revoked (before anything was asked)
    rival: Any  # staff of another company
    mod: Any  # a moderator
    keeper: Any  # a site admin
    question: Any  # the asker's, on Acme, with private details
    answer: Any  # the agent's official answer, with private details
    peer_answer: Any  # the peer's, none
    unclaimed_question: Any  # the asker's, on Nimbus

    @property
    def users(self) -> dict[str, Any]:
        names = ("asker", "peer", "jane", "agent", "former", "rival", "mod", "keeper")
        return {name: getattr(self, name) for name in names}


@pytest.fixture
def world() -> World:
    acme = make_company("Acme", domain="acme.com")
    nimbus = make_company("Nimbus", domain="nimbus.example")
    jane, agent, former = make_user("jane"), make_user("agent"), make_user("former")
    make_staff(acme, jane, role="admin")
    make_staff(acme, agent)
    make_staff(acme, former)
    rival = make_user("rival")
    make_staff(make_company("Globex", domain="globex.com"), rival, role="admin")
    asker, peer = make_user("asker"), make_user("peer")
    mod, keeper = make_user("mod", is_moderator=True), make_user("keeper", is_admin=True)
    db.session.commit()
    staff_services.revoke_staff(jane, acme, former)
    question = question_services.ask_question(
        asker,
        acme,
        title="My order never arrived",
        body="I paid two weeks ago and nothing came.",
        private_details=f"Order number {QUESTION_MARKER}, account asker@example.org",
    )
    answer = answer_services.post_answer(
        agent,
        question,
        body="Sorry about that: we have refunded you.",
        private_details=f"Refund reference **{ANSWER_MARKER}**",
    )
    peer_answer = answer_services.post_answer(peer, question, body="Same happened to me.")
    unclaimed_question = question_services.ask_question(
        asker, nimbus, title="Which chain fits my bike?", body="The old one snapped."
    )
    return World(
        acme, nimbus, asker, peer, jane, agent, former, rival, mod, keeper,
        question, answer, peer_answer, unclaimed_question,
    )  # fmt: skip


# Who reads private details (product.md's table, "read private details"), and who does not.
READERS = ("asker", "jane", "agent", "mod", "keeper")
OTHERS = ("peer", "former", "rival")
