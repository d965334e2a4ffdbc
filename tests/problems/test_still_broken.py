"""Still broken (issue 14): the asker and the affected users of a solved problem say so once
each; the asker's report, or the third from others, reopens it and tells the staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, PermissionDenied
from app.extensions import db
from app.notifications.models import Notification, NotificationKind
from app.questions import services
from app.questions.models import Kind, MeToo, Question, Status, StatusChange, StillBroken
from tests.api.helpers import Api, error_of
from tests.checks import snapshot
from tests.company_tools.helpers import make_acme, revoke
from tests.conftest import login_as
from tests.factories import make_question, make_user
from tests.questions.helpers import text


@pytest.fixture
def acme():
    return make_acme()


def _solved(acme, affected: int = 0, **fields):
    """Acme's problem, asked by Ada, solved in 4.2.1 by Jane, with ``affected`` me-toos."""
    question = make_question(
        acme.company,
        author=acme.asker,
        kind=fields.pop("kind", Kind.PROBLEM),
        slug="sync",
        title="Sync stops after an hour",
        age=timedelta(days=3),
        **fields,
    )
    users = [make_user(f"user{n}") for n in range(affected)]
    db.session.commit()
    for user in users:
        services.add_me_too(user, question)
    if question.kind == Kind.PROBLEM:
        services.set_status(acme.jane, question, "solved", "4.2.1")
    return question, users


def _fresh(question) -> Question:
    db.session.expire_all()
    return db.session.get(Question, question.id)


def _notified(kind: NotificationKind) -> list[int]:
    rows = db.session.execute(sa.select(Notification.user_id).where(Notification.kind == kind))
    return sorted(rows.scalars())


# Who may, and on what --------------------------------------------------------------------


def test_the_asker_alone_reopens_it(acme):
    question, _ = _solved(acme)

    assert services.report_still_broken(acme.asker, question, " 4.2.1 ") is True

    fresh = _fresh(question)
    assert (fresh.status, fresh.fixed_in, fresh.still_broken_count) == (
        Status.ACKNOWLEDGED, "", 1
    )  # fmt: skip
    report = db.session.get(StillBroken, (question.id, acme.asker.id))
    assert report.version == "4.2.1"
    last = db.session.scalars(
        sa.select(StatusChange).order_by(StatusChange.id.desc()).limit(1)
    ).one()  # fmt: skip
    assert (last.from_status, last.to_status, last.by_id, last.still_broken) == (
        Status.SOLVED, Status.ACKNOWLEDGED, acme.asker.id, 1
    )  # fmt: skip


def test_two_others_do_not_reopen_it_the_third_does(acme):
    question, (one, two, three) = _solved(acme, affected=3)

    services.report_still_broken(one, question)
    services.report_still_broken(two, question)
    assert (_fresh(question).status, _fresh(question).still_broken_count) == (Status.SOLVED, 2)
    assert _fresh(question).fixed_in == "4.2.1"
    assert _notified(NotificationKind.STILL_BROKEN) == []

    services.report_still_broken(three, question)

    fresh = _fresh(question)
    assert (fresh.status, fresh.fixed_in, fresh.still_broken_count) == (
        Status.ACKNOWLEDGED, "", 3
    )  # fmt: skip
    # The company's active staff hear it, once each; not the reporter, not revoked staff.
    assert _notified(NotificationKind.STILL_BROKEN) == sorted([acme.jane.id, acme.boss.id])
    sentence = db.session.scalars(
        sa.select(Notification).where(Notification.kind == NotificationKind.STILL_BROKEN)
    ).first().sentence  # fmt: skip
    assert sentence == "“Sync stops after an hour” is still broken for 3 people: reopened"


def test_revoked_staff_are_not_told(acme):
    question, _ = _solved(acme)
    revoke(acme.jane_membership)
    db.session.commit()

    services.report_still_broken(acme.asker, question)

    assert _notified(NotificationKind.STILL_BROKEN) == [acme.boss.id]


def test_once_each_a_repeat_changes_nothing(acme):
    question, (one,) = _solved(acme, affected=1)
    assert services.report_still_broken(one, question, "4.2") is True
    before = snapshot()

    assert services.report_still_broken(one, question, "4.3") is False

    assert snapshot() == before


def test_twice_at_once_the_constraint_keeps_one(acme):
    question, (one,) = _solved(acme, affected=1)
    db.session.add(StillBroken(question_id=question.id, user_id=one.id))
    db.session.flush()

    with pytest.raises(IntegrityError):
        db.session.add(StillBroken(question_id=question.id, user_id=one.id))
        db.session.flush()
    db.session.rollback()


def test_a_new_round_after_solving_again_counts_from_zero(acme):
    question, (one, two, three, four) = _solved(acme, affected=4)
    for user in (one, two, three):
        services.report_still_broken(user, question)
    services.set_status(acme.jane, question, "solved", "4.2.2")

    services.report_still_broken(four, question)
    services.report_still_broken(one, question)  # said so already: changes nothing

    fresh = _fresh(question)
    assert (fresh.status, fresh.fixed_in, fresh.still_broken_count) == (Status.SOLVED, "4.2.2", 1)


@pytest.mark.parametrize("who", ["stranger", "staff", "keeper"])
def test_anyone_else_is_refused(acme, who):
    question, _ = _solved(acme, affected=1)
    user = {"stranger": make_user("stranger"), "staff": acme.jane, "keeper": acme.keeper}[who]
    db.session.commit()
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.report_still_broken(user, question)

    db.session.rollback()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kind", "status"),
    [(Kind.PROBLEM, "acknowledged"), (Kind.PROBLEM, "open"), (Kind.IDEA, "implemented")],
)
def test_only_a_solved_problem_can_be_still_broken(acme, kind, status):
    question, _ = _solved(acme, kind=kind)
    services.set_status(acme.jane, question, status)
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        services.report_still_broken(acme.asker, question)

    assert refused.value.message == services.NOT_A_SOLVED_PROBLEM
    db.session.rollback()
    assert snapshot() == before


# The page --------------------------------------------------------------------------------


def test_the_button_is_for_the_asker_and_the_affected_only(client, acme):
    question, (one,) = _solved(acme, affected=1)
    url = f"/questions/{question.id}/sync"
    pages = {}
    for name, user in (("asker", acme.asker), ("one", one), ("staff", acme.jane)):
        login_as(client, user)
        pages[name] = text(client.get(url))

    assert 'id="still-broken"' in pages["asker"] and 'id="still-broken"' in pages["one"]
    assert 'id="still-broken"' not in pages["staff"]
    assert ">Still broken</button>" in pages["one"]


def test_the_page_reopens_it_for_the_asker(client, acme):
    question, _ = _solved(acme)
    login_as(client, acme.asker)

    response = client.post(f"/questions/{question.id}/still-broken", data={"version": "4.2.1"})

    assert response.status_code == 303
    page = text(client.get(f"/questions/{question.id}/sync"))
    assert "the problem is open again" in page
    assert "<strong>Acknowledged</strong>" in page
    assert "Reopened as acknowledged: still broken for 1 person" in page


def test_the_page_keeps_a_too_long_version_at_the_field(client, acme):
    question, _ = _solved(acme)
    login_as(client, acme.asker)
    before = snapshot()

    response = client.post(f"/questions/{question.id}/still-broken", data={"version": "v" * 41})

    assert response.status_code == 422
    assert 'id="version-error"' in text(response) and "v" * 41 in text(response)
    assert snapshot() == before


def test_the_page_refuses_others_and_unsolved_problems(client, acme):
    question, _ = _solved(acme)
    login_as(client, make_user("stranger"))
    stranger = client.post(f"/questions/{question.id}/still-broken", data={})
    services.set_status(acme.jane, question, "in_progress")
    login_as(client, acme.asker)
    unsolved = client.post(f"/questions/{question.id}/still-broken", data={})

    assert stranger.status_code == 403
    assert unsolved.status_code == 409 and services.NOT_A_SOLVED_PROBLEM in text(unsolved)


# The API ---------------------------------------------------------------------------------


def test_the_api_reports_once_and_returns_the_question(client, acme):
    question, (one,) = _solved(acme, affected=1)
    api = Api(client, one)
    db.session.commit()

    first = api.post(f"/questions/{question.id}/still-broken", {"version": "4.2.1"})
    again = api.post(f"/questions/{question.id}/still-broken")

    assert first.status_code == again.status_code == 200
    assert first.get_json()["still_broken_count"] == 1
    assert again.get_json()["still_broken_count"] == 1
    assert first.get_json()["status"] == "solved" and first.get_json()["fixed_in"] == "4.2.1"


def test_the_api_refusals(client, acme):
    question, _ = _solved(acme)
    stranger, asker = Api(client, make_user("stranger")), Api(client, acme.asker)
    db.session.commit()
    before = snapshot()

    forbidden = stranger.post(f"/questions/{question.id}/still-broken")
    too_long = asker.post(f"/questions/{question.id}/still-broken", {"version": "v" * 41})
    unknown = asker.post(f"/questions/{question.id}/still-broken", {"versions": "1"})

    assert forbidden.status_code == 403
    assert too_long.status_code == 422 and "version" in error_of(too_long)["fields"]
    assert unknown.status_code == 422
    assert snapshot() == before
    services.set_status(acme.jane, question, "acknowledged")
    conflict = asker.post(f"/questions/{question.id}/still-broken")
    assert conflict.status_code == 409
    assert error_of(conflict)["message"] == services.NOT_A_SOLVED_PROBLEM


def test_a_me_too_withdrawn_is_no_longer_affected(acme):
    question, (one,) = _solved(acme, affected=1)
    services.remove_me_too(one, question)

    with pytest.raises(PermissionDenied):
        services.report_still_broken(one, question)
    db.session.rollback()
    assert db.session.get(MeToo, (question.id, one.id)) is None


def test_the_staff_read_it_on_their_notifications_page(client, acme):
    question, _ = _solved(acme)
    services.report_still_broken(acme.asker, question)
    login_as(client, acme.boss)

    page = text(client.get("/notifications"))

    assert "who asked it, says “Sync stops after an hour” is still broken: reopened" in page
