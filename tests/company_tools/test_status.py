"""Statuses: a claimed company's staff (or a site admin) set them, by kind, as product.md lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

import app.db
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.questions import services
from app.questions.models import STATUSES_BY_KIND, Kind, Status
from tests.checks import snapshot
from tests.company_tools.helpers import error_at, make_acme
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user
from tests.questions.helpers import text

NOON = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)

ALLOWED = [(kind, status) for kind in Kind for status in STATUSES_BY_KIND[kind]]


@pytest.fixture
def acme():
    return make_acme()


def _question(acme, kind: Kind):
    return make_question(
        acme.company, author=acme.asker, kind=kind, slug="sync", age=timedelta(days=3)
    )


def _set(client, question, status: str):
    return client.post(f"/questions/{question.id}/status", data={"status": status})


def _page(client, question) -> str:
    return text(client.get(f"/questions/{question.id}/sync"))


@pytest.mark.parametrize(("kind", "status"), ALLOWED, ids=lambda v: str(v))
def test_staff_set_each_status_their_kind_has(client, acme, monkeypatch, kind, status):
    question = _question(acme, kind)
    db.session.commit()
    login_as(client, acme.jane)
    monkeypatch.setattr(app.db, "CLOCK", lambda: NOON)

    response = _set(client, question, status.value)

    assert response.status_code == 303
    assert response.location == f"/questions/{question.id}/sync#question-status"
    db.session.refresh(question)
    assert question.status == status
    assert question.last_activity_at == NOON
    # A status change is activity, not an edit of the asker's words.
    assert question.updated_at == question.created_at
    page = _page(client, question)
    assert "(edited)" not in page
    assert f"Status set to {status.label}." in page
    assert f'<option selected value="{status.value}">{status.label}</option>' in page
    if kind is not Kind.QUESTION and status is not Status.OPEN:
        line = f"Acme marked this {kind.value}: <strong>{status.label}</strong>"
        assert line in page
    if status is Status.ANSWERED:
        assert "Answered</span>" in page


def test_the_status_form_offers_the_kinds_statuses_to_staff_only(client, acme):
    question = _question(acme, Kind.IDEA)
    db.session.commit()
    login_as(client, acme.peer)
    peer_page = _page(client, question)
    login_as(client, acme.jane)

    page = _page(client, question)

    assert "Set status" not in peer_page
    assert '<label class="field__label" for="status">Status of this idea</label>' in page
    for status in STATUSES_BY_KIND[Kind.IDEA]:
        assert f'value="{status.value}">{status.label}</option>' in page
    assert "Solved</option>" not in page
    assert "Set status</button>" in page


WRONG = [
    (Kind.QUESTION, "solved", "This question can be Open or Answered."),
    (Kind.PROBLEM, "planned", "This problem can be Open, Acknowledged, In progress or Solved."),
    (
        Kind.IDEA,
        "answered",
        "This idea can be Open, Under consideration, Planned, Implemented or Declined.",
    ),
    (Kind.PRAISE, "in_progress", "This praise can be Open or Acknowledged."),
    (Kind.PROBLEM, "SOLVED", "This problem can be"),
    (Kind.PROBLEM, "nonsense", "This problem can be"),
    (Kind.PROBLEM, "", "This problem can be"),
    (Kind.PROBLEM, "solved\x00", "This problem can be"),
]


@pytest.mark.parametrize(("kind", "value", "message"), WRONG, ids=lambda v: repr(v))
def test_a_status_the_kind_does_not_have_is_refused_at_the_field(
    client, acme, kind, value, message
):
    question = _question(acme, kind)
    db.session.commit()
    login_as(client, acme.jane)
    before = snapshot()

    response = _set(client, question, value)

    assert response.status_code == 422
    page = text(response)
    assert question.title in page  # the question page again
    assert message in error_at(page, "status")
    assert 'aria-invalid="true"' in page
    assert snapshot() == before


def test_a_missing_status_is_refused_at_the_field(client, acme):
    question = _question(acme, Kind.PROBLEM)
    db.session.commit()
    login_as(client, acme.jane)
    before = snapshot()

    response = client.post(f"/questions/{question.id}/status", data={})

    assert response.status_code == 422
    assert "This problem can be" in error_at(text(response), "status")
    assert snapshot() == before


def test_the_message_names_the_kind_and_its_statuses(acme):
    question = _question(acme, Kind.PRAISE)
    with pytest.raises(ValidationError) as refused:
        services.set_status(acme.jane, question, "solved")
    assert refused.value.fields == {"status": "This praise can be Open or Acknowledged."}


def test_a_question_with_an_official_or_best_answer_stays_answered(client, acme):
    official = _question(acme, Kind.QUESTION)
    make_answer(official, author=acme.jane, is_official=True)
    official.has_official_answer = True
    official.status = Status.ANSWERED
    db.session.commit()
    login_as(client, acme.jane)
    before = snapshot()

    response = _set(client, official, "open")

    assert response.status_code == 422
    assert "stays answered" in error_at(text(response), "status")
    assert snapshot() == before


def test_a_question_with_a_best_answer_stays_answered_too(acme):
    question = _question(acme, Kind.QUESTION)
    question.best_answer_id = make_answer(question).id
    question.status = Status.ANSWERED

    with pytest.raises(ValidationError) as refused:
        services.set_status(acme.boss, question, Status.OPEN)

    assert set(refused.value.fields) == {"status"}
    assert question.status == Status.ANSWERED


def test_the_service_takes_strings_and_statuses_and_refuses_anything_else(acme):
    problem = _question(acme, Kind.PROBLEM)

    services.set_status(acme.jane, problem, "acknowledged")
    assert problem.status == Status.ACKNOWLEDGED
    services.set_status(acme.jane, problem, Status.IN_PROGRESS)
    assert problem.status == Status.IN_PROGRESS
    for bad in (None, 3, ["solved"], Status.PLANNED):
        with pytest.raises(ValidationError) as refused:
            services.set_status(acme.jane, problem, bad)
        assert set(refused.value.fields) == {"status"}
    assert problem.status == Status.IN_PROGRESS


def test_an_official_answer_then_unmarking_the_best_keeps_a_question_answered(acme):
    # choose_best_answer / clear_best_answer follow the same rule as set_status.
    from app.answers import services as answer_services

    question = _question(acme, Kind.QUESTION)
    peer_answer = make_answer(question, author=acme.peer)
    answer_services.post_answer(acme.jane, question, body="Official word.")
    answer_services.choose_best_answer(acme.asker, question, peer_answer)

    answer_services.clear_best_answer(acme.asker, question)

    assert question.status == Status.ANSWERED
    assert question.is_answered


# Who may. ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["asker", "peer", "stranger", "rival", "revoked"])
def test_others_are_refused_and_nothing_changes(client, acme, who):
    question = _question(acme, Kind.PROBLEM)
    users = {
        "asker": acme.asker,
        "peer": acme.peer,
        "stranger": make_user("stranger"),
        "rival": acme.rival,
        "revoked": acme.jane,
    }
    if who == "revoked":
        acme.jane_membership.revoked_at = app.db.utcnow()
    db.session.commit()
    login_as(client, users[who])
    page = _page(client, question)
    before = snapshot()

    response = _set(client, question, "solved")
    bad_value = _set(client, question, "nonsense")

    assert "Set status" not in page
    assert (response.status_code, bad_value.status_code) == (403, 403)
    assert snapshot() == before
    with pytest.raises(PermissionDenied):
        services.set_status(users[who], question, "solved")


def test_anonymous_visitors_are_sent_to_sign_in(client, acme):
    question = _question(acme, Kind.PROBLEM)
    db.session.commit()
    before = snapshot()

    response = _set(client, question, "solved")

    assert response.status_code == 303
    assert urlsplit(response.location).path == "/sign-in"
    assert snapshot() == before


def test_a_site_admin_may_set_a_status(client, acme):
    question = _question(acme, Kind.PROBLEM)
    db.session.commit()
    login_as(client, acme.keeper)

    response = _set(client, question, "solved")

    assert response.status_code == 303
    db.session.refresh(question)
    assert question.status == Status.SOLVED


@pytest.mark.parametrize("who", ["stranger", "site admin"])
def test_nobody_sets_a_status_on_an_unclaimed_company_not_even_a_site_admin(client, who):
    # Statuses are the company's word (product.md: claimed companies only); the asker's best
    # answer is the only resolution of an unclaimed company's question.
    company = make_company("Umbrella", domain="umbrella.com")
    question = make_question(company, kind=Kind.IDEA, slug="sync")
    user = make_user("keeper", is_admin=True) if who == "site admin" else make_user("stranger")
    db.session.commit()
    login_as(client, user)
    before = snapshot()

    response = _set(client, question, "planned")

    assert response.status_code == 403
    assert snapshot() == before
    assert 'id="question-status"' not in client.get(f"/questions/{question.id}/sync").get_data(
        as_text=True
    )
    with pytest.raises(PermissionDenied):
        services.set_status(user, question, "planned")


def test_an_unknown_question_is_not_found(client, acme):
    db.session.commit()
    login_as(client, acme.jane)

    assert client.post("/questions/99999/status", data={"status": "open"}).status_code == 404


def test_a_question_titled_status_keeps_a_working_page(client, acme):
    question = make_question(acme.company, title="Status")
    question.slug = services.question_slug("Status")
    db.session.commit()

    response = client.get(f"/questions/{question.id}/{question.slug}")

    assert question.slug == "status-question"
    assert response.status_code == 200
