"""The audit log also keeps edits of other people's posts, company profile and product edits,
and status changes: who, what, when; a post edit's note names the post, never its text."""

from __future__ import annotations

import pytest

from app.answers import services as answer_services
from app.companies import services as company_services
from app.products import services as product_services
from app.questions import services
from app.questions.models import Kind, Status
from tests.api.helpers import save
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

SECRET = "my card number is 4111 1111 1111 1111"


@pytest.fixture
def acme():
    return make_company("Acme", domain="acme.example")


@pytest.fixture
def keeper():
    return make_user("keeper", is_admin=True)


def test_a_site_admin_editing_someone_elses_post_is_recorded_without_its_text(acme, keeper):
    question = make_question(acme, title=f"Help, {SECRET}", body=SECRET)
    answer = make_answer(question, body=SECRET)

    services.edit_question(keeper, question, title="Help with my card", body="Removed.")
    answer_services.edit_answer(keeper, answer, body="Removed.")

    question_entry, answer_entry = audit_entries()
    assert (question_entry.action, question_entry.actor_id) == ("question.edited", keeper.id)
    assert question_entry.subject_user_id == question.author_id
    assert question_entry.company_id == acme.id
    assert question_entry.note == f"Question {question.id}: changed title, body"
    assert (answer_entry.action, answer_entry.subject_user_id) == (
        "answer.edited",
        answer.author_id,
    )
    assert answer_entry.note == f"Answer {answer.id} on question {question.id}: changed body"
    assert all("4111" not in entry.note for entry in (question_entry, answer_entry))


def test_authors_editing_their_own_posts_are_not_audited(acme, keeper):
    own = make_question(acme, author=keeper)
    answer = make_answer(own, author=keeper)

    services.edit_question(keeper, own, body="Tidied by its author.")
    answer_services.edit_answer(keeper, answer, body="Tidied by its author.")
    services.edit_question(keeper, own, body="Tidied by its author.")  # no change at all

    assert audit_entries() == []


def test_staff_filing_a_customers_question_elsewhere_is_recorded(acme):
    rocket = make_product(acme, "Rocket")
    agent = make_staff(acme, make_user("agent")).user
    question = make_question(acme, kind=Kind.PROBLEM, status=Status.IN_PROGRESS)

    services.edit_question(agent, question, kind="idea", product=rocket)

    edited, status = audit_entries()
    assert edited.action == "question.edited"
    assert edited.note == (
        f"Question {question.id}: changed kind, product; kind problem → idea; product none → Rocket"
    )
    assert status.action == "question.status_changed"
    assert status.note == f"Question {question.id}: in_progress → open (the kind changed)"


def test_status_changes_are_recorded_and_setting_the_same_one_is_not(acme):
    agent = make_staff(acme, make_user("agent")).user
    question = make_question(acme, kind=Kind.PROBLEM)

    services.set_status(agent, question, "acknowledged")
    services.set_status(agent, question, "acknowledged")

    [entry] = audit_entries()
    assert (entry.action, entry.actor_id, entry.subject_user_id, entry.company_id) == (
        "question.status_changed",
        agent.id,
        question.author_id,
        acme.id,
    )
    assert entry.note == f"Question {question.id}: open → acknowledged"


def test_company_and_product_edits_are_recorded_by_anyone(acme, keeper):
    admin = make_staff(acme, make_user("jane"), role="admin").user
    rocket = make_product(acme, "Rocket", description="Goes up.")
    unclaimed = make_company("Lumen", domain="lumen.example")
    maker = make_user("maker")
    lamp = make_product(unclaimed, "Lamp", created_by_id=maker.id)

    company_services.edit_company(
        admin, acme, description="We make rockets.", website="https://acme.example"
    )
    company_services.edit_company(
        admin, acme, description="We make rockets.", website="https://acme.example"
    )
    product_services.edit_product(admin, rocket, name="Rocket 2", description="Goes up.")
    product_services.edit_product(maker, lamp, name="Lamp", description="Shines.")

    company, product, lamp_entry = audit_entries()
    assert (company.action, company.actor_id, company.company_id) == (
        "company.edited",
        admin.id,
        acme.id,
    )
    assert company.note == "Acme: changed description, website"
    assert (product.action, product.note) == (
        "product.edited",
        "Rocket 2: changed name (was Rocket)",
    )
    assert (lamp_entry.actor_id, lamp_entry.company_id, lamp_entry.note) == (
        maker.id,
        unclaimed.id,
        "Lamp: changed description",
    )


def test_the_audit_page_reads_each_new_entry_in_words(client, acme, keeper):
    question = make_question(acme, author=make_user("asker", display_name="Asker"))
    services.edit_question(keeper, question, body="Tidied.")
    company_services.edit_company(keeper, acme, description="New.", website="")
    save()
    login_as(client, keeper)

    page = text(client.get("/admin/audit"))

    assert "edited someone else&#39;s question" in page
    assert "edited the company profile" in page
    assert f"Question {question.id}: changed body" in page
    assert (
        '<bdi class="person__name">Asker</bdi> <span class="person__handle">@asker</span>' in page
    )
