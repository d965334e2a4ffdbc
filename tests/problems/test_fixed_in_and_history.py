"""Problems through their life (issue 14): fixed in, the status history, the wording of
affected users. Still broken is in test_still_broken.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.answers import services as answers
from app.errors import ValidationError
from app.extensions import db
from app.moderation import hiding, merging
from app.notifications.models import Notification, NotificationKind
from app.notifications.services import follow, unfollow
from app.questions import services
from app.questions.models import Kind, Question, Status, StatusChange
from tests.api.helpers import Api, error_of
from tests.checks import snapshot
from tests.company_tools.helpers import make_acme
from tests.conftest import login_as
from tests.factories import make_answer, make_question, make_user
from tests.questions.helpers import text


@pytest.fixture
def acme():
    return make_acme()


def _problem(acme, **fields):
    return make_question(
        acme.company,
        author=acme.asker,
        kind=fields.pop("kind", Kind.PROBLEM),
        slug="sync",
        title="Sync stops after an hour",
        age=timedelta(days=3),
        **fields,
    )


def _changes(question) -> list[tuple]:
    rows = db.session.execute(
        sa.select(StatusChange).where(StatusChange.question_id == question.id)
        .order_by(StatusChange.id)
    ).scalars()  # fmt: skip
    return [(r.from_status.value, r.to_status.value, r.fixed_in, r.by_id) for r in rows]


# Fixed in: refused with any other status or kind, on both doors ----------------------------


@pytest.mark.parametrize(
    ("kind", "status"),
    [(Kind.PROBLEM, "acknowledged"), (Kind.PROBLEM, "in_progress"), (Kind.IDEA, "implemented"),
     (Kind.PRAISE, "acknowledged"), (Kind.QUESTION, "answered")],
)  # fmt: skip
def test_fixed_in_is_refused_on_the_page_but_with_solved_on_a_problem(client, acme, kind, status):
    question = _problem(acme, kind=kind)
    db.session.commit()
    login_as(client, acme.jane)
    before = snapshot()

    response = client.post(
        f"/questions/{question.id}/status", data={"status": status, "fixed_in": "4.2.1"}
    )

    assert response.status_code == 422
    assert "Only a problem marked Solved can say which version fixed it." in text(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kind", "status"),
    [(Kind.PROBLEM, "open"), (Kind.IDEA, "implemented"), (Kind.QUESTION, "answered")],
)
def test_fixed_in_is_refused_by_the_api_but_with_solved_on_a_problem(client, acme, kind, status):
    question = _problem(acme, kind=kind)
    db.session.commit()
    api = Api(client, acme.jane)
    db.session.commit()
    before = snapshot()

    response = api.put(f"/questions/{question.id}/status", {"status": status, "fixed_in": "4.2.1"})

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"fixed_in"}
    assert snapshot() == before


def test_fixed_in_longer_than_40_characters_is_refused_at_the_field(client, acme):
    question = _problem(acme)
    db.session.commit()
    jane = Api(client, acme.jane)
    db.session.commit()
    before = snapshot()

    login_as(client, acme.jane)
    page = client.post(
        f"/questions/{question.id}/status", data={"status": "solved", "fixed_in": "9" * 41}
    )
    api = jane.put(f"/questions/{question.id}/status", {"status": "solved", "fixed_in": "9" * 41})

    assert page.status_code == 422 and 'id="fixed_in-error"' in text(page)
    assert "9" * 41 in text(page)  # what the user typed stays
    assert api.status_code == 422 and "fixed_in" in error_of(api)["fields"]
    with pytest.raises(ValidationError) as refused:
        services.set_status(acme.jane, question, "solved", "\u200b\u200b")
    assert "fixed_in" in refused.value.fields
    db.session.rollback()
    assert snapshot() == before


def test_solved_in_a_version_shows_on_the_page_in_lists_and_in_the_api(client, acme):
    question = _problem(acme)
    db.session.commit()
    login_as(client, acme.jane)

    response = client.post(
        f"/questions/{question.id}/status", data={"status": "solved", "fixed_in": " 4.2.1 "}
    )

    assert response.status_code == 303
    page = text(client.get(f"/questions/{question.id}/sync"))
    assert "<strong>Solved in 4.2.1</strong>" in page
    assert "Solved in 4.2.1</span>" in text(client.get("/questions"))  # the list's badge
    body = Api(client).get(f"/questions/{question.id}").get_json()
    assert body["status"] == "solved" and body["fixed_in"] == "4.2.1"
    assert body["still_broken_count"] == 0


def test_fixed_in_is_plain_text(client, acme):
    question = _problem(acme)
    db.session.commit()
    services.set_status(acme.jane, question, "solved", "<b>4.2</b>")

    page = text(client.get(f"/questions/{question.id}/sync"))

    assert "Solved in &lt;b&gt;4.2&lt;/b&gt;" in page and "<b>4.2</b>" not in page


def test_leaving_solved_clears_fixed_in_and_staying_solved_keeps_it(acme):
    question = _problem(acme)
    db.session.commit()

    services.set_status(acme.jane, question, "solved", "4.2.1")
    services.set_status(acme.jane, question, "solved")  # left out: kept
    assert question.fixed_in == "4.2.1"
    services.set_status(acme.jane, question, "in_progress")
    assert question.fixed_in == ""
    services.set_status(acme.jane, question, "solved", "4.3")
    services.edit_question(acme.asker, question, kind="idea")  # solved is gone: so is 4.3

    db.session.refresh(question)
    assert (question.status, question.fixed_in) == (Status.OPEN, "")


def test_affected_users_and_followers_hear_solved_in_once_each(client, acme):
    question = _problem(acme)
    affected, follower, both, gone = (make_user(n) for n in ("aff", "fol", "both", "gone"))
    db.session.commit()
    for user in (affected, both, gone):
        services.add_me_too(user, question)
    follow(follower, question=question)
    follow(both, question=question)
    unfollow(gone, question=question)  # affected still: hears anyway

    services.set_status(acme.jane, question, "solved", "4.2.1")

    rows = db.session.execute(
        sa.select(Notification).where(Notification.kind == NotificationKind.STATUS_CHANGED)
    ).scalars().all()  # fmt: skip
    told = sorted(row.user_id for row in rows)
    assert told == sorted([affected.id, follower.id, both.id, gone.id])
    assert {row.sentence for row in rows} == {
        "Acme marked this problem solved in 4.2.1: “Sync stops after an hour”"
    }


# The status history ------------------------------------------------------------------------


def test_every_manual_change_writes_a_history_row_by_its_author(acme):
    question = _problem(acme)
    db.session.commit()

    services.set_status(acme.jane, question, "acknowledged")
    services.set_status(acme.jane, question, "acknowledged")  # no change: no row
    services.set_status(acme.boss, question, "solved", "4.2.1")
    services.edit_question(acme.asker, question, kind="idea")

    assert _changes(question) == [
        ("open", "acknowledged", "", acme.jane.id),
        ("acknowledged", "solved", "4.2.1", acme.boss.id),
        ("solved", "open", "", acme.asker.id),
    ]
    assert db.session.get(Question, question.id).status_change_count == 3


def test_automatic_changes_are_written_by_nobody(acme):
    question = _problem(acme, kind=Kind.QUESTION)
    peer_answer = make_answer(question, author=acme.peer)
    db.session.commit()

    answers.choose_best_answer(acme.asker, question, peer_answer)  # open → answered
    answers.clear_best_answer(acme.asker, question)  # answered → open
    official = answers.post_answer(acme.jane, question, body="Update the app, please.")
    hiding.hide_post(acme.keeper, official, reason="Wrong thread.")  # answered → open
    hiding.restore_post(acme.keeper, official)  # open → answered

    assert _changes(question) == [
        ("open", "answered", "", None),
        ("answered", "open", "", None),
        ("open", "answered", "", None),
        ("answered", "open", "", None),
        ("open", "answered", "", None),
    ]
    db.session.expire_all()
    assert db.session.get(Question, question.id).status_change_count == 5


def test_merging_an_official_answer_in_is_an_automatic_change(acme):
    original = _problem(acme, kind=Kind.QUESTION)
    duplicate = make_question(acme.company, title="Sync stops, again", slug="again")
    make_answer(duplicate, author=acme.jane, is_official=True)
    duplicate.has_official_answer = True
    db.session.commit()

    merging.merge_question(acme.jane, duplicate, into=original)

    assert _changes(original) == [("open", "answered", "", None)]
    assert _changes(duplicate) == []


def test_the_page_shows_the_history(client, acme):
    question = _problem(acme)
    db.session.commit()
    services.set_status(acme.jane, question, "acknowledged")
    services.set_status(acme.jane, question, "solved", "4.2.1")

    page = text(client.get(f"/questions/{question.id}/sync"))

    assert 'id="status-history-heading"' in page
    history = page[page.index('id="status-history-heading"') :]
    assert history.index("Solved in 4.2.1") < history.index("Acknowledged")
    assert "Jane Doe" in history and "@jane" in history


def test_the_api_lists_the_history_newest_first_paged(client, acme):
    question = _problem(acme)
    db.session.commit()
    services.set_status(acme.jane, question, "acknowledged")
    services.set_status(acme.jane, question, "solved", "4.2.1")
    api = Api(client)

    first = api.get(f"/questions/{question.id}/status-history?limit=1").get_json()
    second = api.get(
        f"/questions/{question.id}/status-history?limit=1&cursor={first['next_cursor']}"
    ).get_json()

    assert [item["status"] for item in first["items"]] == ["solved"]
    assert first["items"][0]["fixed_in"] == "4.2.1"
    assert first["items"][0]["by"]["username"] == "jane"
    assert set(first["items"][0]) == {"status", "fixed_in", "by", "at"}
    assert [item["status"] for item in second["items"]] == ["acknowledged"]
    assert second["next_cursor"] is None


def test_an_automatic_change_has_by_null_in_the_api(client, acme):
    question = _problem(acme, kind=Kind.QUESTION)
    db.session.commit()
    answers.post_answer(acme.jane, question, body="Update the app, please.")

    items = Api(client).get(f"/questions/{question.id}/status-history").get_json()["items"]

    assert [(i["status"], i["by"]) for i in items] == [("answered", None)]


def test_a_hidden_questions_history_is_not_found(client, acme):
    question = _problem(acme)
    db.session.commit()
    services.set_status(acme.jane, question, "acknowledged")
    hiding.hide_post(acme.keeper, question, reason="Spam.")

    stranger = Api(client, make_user("stranger")).get(f"/questions/{question.id}/status-history")
    asker = Api(client, acme.asker).get(f"/questions/{question.id}/status-history")

    assert stranger.status_code == 404
    assert asker.status_code == 200


# Statement counts ----------------------------------------------------------------------------


def _statements(client, count_queries, question_id: int) -> int:
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(f"/questions/{question_id}/sync")
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_history_costs_one_statement_only_when_there_is_one(
    client, acme, count_queries, signed_in
):
    without = _problem(acme)
    with_history = make_question(
        acme.company, author=acme.asker, kind=Kind.PROBLEM, slug="sync", title="Other one"
    )
    db.session.commit()
    services.set_status(acme.jane, with_history, "solved", "4.2.1")
    if signed_in:
        login_as(client, make_user("reader"))
    ids = without.id, with_history.id

    plain = _statements(client, count_queries, ids[0])
    more = _statements(client, count_queries, ids[1])

    # As tests/questions asserts (plus, on a claimed company, the viewer's staff roles).
    assert plain <= 6
    assert more == plain + 1


# "Affected users" ----------------------------------------------------------------------------


def test_a_problems_me_too_count_reads_as_affected_users(client, acme):
    problem = _problem(acme)
    idea = make_question(acme.company, kind=Kind.IDEA, slug="idea", title="Dark mode please")
    db.session.commit()
    for name in ("one", "two"):
        services.add_me_too(make_user(name), problem)
    services.add_me_too(make_user("three"), idea)

    page = text(client.get(f"/questions/{problem.id}/sync"))
    listing = text(client.get("/questions"))
    idea_page = text(client.get(f"/questions/{idea.id}/idea"))

    assert "2 people have this problem<" in page
    assert "2 people have this problem<" in listing
    assert "1 person supports this" in listing
    assert "1 person supports this" in idea_page
    assert Api(client).get(f"/questions/{problem.id}").get_json()["me_too_count"] == 2
