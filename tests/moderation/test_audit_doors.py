"""The audit log (/admin/audit) records edits of other people's posts (by site admins,
moderators, or staff filing a question under another kind or product), company profile
edits and status changes, whichever door they come through: the pages or the API."""

from __future__ import annotations

from typing import Any

import pytest

from app.questions.models import Kind
from tests.api.helpers import Api, save
from tests.conftest import login_as
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)
from tests.questions.helpers import text
from tests.revisions.helpers import audit_entries

DOORS = ["page", "api"]


@pytest.fixture
def scene() -> Any:
    acme = make_company("Acme", domain="acme.example")
    rocket = make_product(acme, "Rocket")
    admin = make_staff(acme, make_user("jane"), role="admin").user
    agent = make_staff(acme, make_user("agent")).user
    moderator = make_user("mod", is_moderator=True)
    question = make_question(acme, author=make_user("asker"), kind=Kind.PROBLEM)
    answer = make_answer(question, author=make_user("peer"), body="Let it cool down.")
    save()
    return acme, rocket, admin, agent, moderator, question, answer


def _send(client: Any, door: str, user: Any, page: tuple, api: tuple) -> None:
    """Make one change through the page (path, form) or the API (method, path, body)."""
    if door == "page":
        login_as(client, user)
        response = client.post(page[0], data=page[1])
        assert response.status_code in (302, 303), text(response)[:500]
    else:
        response = Api(client, user).call(*api)
        assert response.status_code == 200, response.get_json()


def _actions() -> list[tuple[str, int | None, int | None]]:
    return [(e.action, e.actor_id, e.subject_user_id) for e in audit_entries()]


@pytest.mark.parametrize("door", DOORS)
def test_a_moderator_editing_someone_elses_question_and_answer(client, scene, door):
    _, _, _, _, moderator, question, answer = scene

    _send(
        client, door, moderator,
        (f"/questions/{question.id}/edit",
         {"title": question.title, "body": "Tidied.", "kind": "problem", "product": ""}),
        ("PATCH", f"/questions/{question.id}", {"body": "Tidied."}),
    )  # fmt: skip
    _send(
        client, door, moderator,
        (f"/answers/{answer.id}/edit", {"body": "Let it cool down first."}),
        ("PATCH", f"/answers/{answer.id}", {"body": "Let it cool down first."}),
    )  # fmt: skip

    assert _actions() == [
        ("question.edited", moderator.id, question.author_id),
        ("answer.edited", moderator.id, answer.author_id),
    ]


@pytest.mark.parametrize("door", DOORS)
def test_staff_changing_kind_and_product_is_recorded_with_the_status_it_reset(client, scene, door):
    _, rocket, _, agent, _, question, _ = scene
    question.status = "in_progress"
    save()

    _send(
        client, door, agent,
        (f"/questions/{question.id}/edit", {"kind": "idea", "product": rocket.slug}),
        ("PATCH", f"/questions/{question.id}", {"kind": "idea", "product": rocket.slug}),
    )  # fmt: skip

    edited, status = audit_entries()
    assert (edited.action, edited.actor_id) == ("question.edited", agent.id)
    assert "kind problem → idea; product none → Rocket" in edited.note
    assert (status.action, status.note) == (
        "question.status_changed",
        f"Question {question.id}: in_progress → open (the kind changed)",
    )


@pytest.mark.parametrize("door", DOORS)
def test_status_changes_are_recorded(client, scene, door):
    _, _, _, agent, _, question, _ = scene

    _send(
        client, door, agent,
        (f"/questions/{question.id}/status", {"status": "acknowledged"}),
        ("PUT", f"/questions/{question.id}/status", {"status": "acknowledged"}),
    )  # fmt: skip

    assert _actions() == [("question.status_changed", agent.id, question.author_id)]
    assert audit_entries()[0].note == f"Question {question.id}: open → acknowledged"


@pytest.mark.parametrize("door", DOORS)
def test_company_profile_edits_are_recorded(client, scene, door):
    acme, _, admin, _, _, _, _ = scene

    _send(
        client, door, admin,
        (f"/companies/{acme.slug}/edit",
         {"description": "We make rockets.", "website": "https://acme.example"}),
        ("PATCH", f"/companies/{acme.slug}",
         {"description": "We make rockets.", "website": "https://acme.example"}),
    )  # fmt: skip

    [entry] = audit_entries()
    assert (entry.action, entry.actor_id, entry.company_id) == ("company.edited", admin.id, acme.id)
    assert entry.note == "Acme: changed description, website"


@pytest.mark.parametrize("door", DOORS)
def test_authors_editing_their_own_post_are_not_recorded(client, scene, door):
    _, _, _, _, _, question, answer = scene

    _send(
        client, door, answer.author,
        (f"/answers/{answer.id}/edit", {"body": "Let it cool down, then restart."}),
        ("PATCH", f"/answers/{answer.id}", {"body": "Let it cool down, then restart."}),
    )  # fmt: skip

    assert audit_entries() == []


def test_the_audit_page_reads_the_entries(client, scene):
    _, _, _, agent, moderator, question, answer = scene
    keeper = make_user("keeper", is_admin=True)
    save()
    _send(
        client, "api", moderator, (),
        ("PATCH", f"/answers/{answer.id}", {"body": "Let it cool down first."}),
    )  # fmt: skip
    _send(
        client, "api", agent, (),
        ("PUT", f"/questions/{question.id}/status", {"status": "acknowledged"}),
    )  # fmt: skip
    login_as(client, keeper)

    page = text(client.get("/admin/audit"))

    assert "edited someone else&#39;s answer" in page
    assert "changed a question&#39;s status" in page
