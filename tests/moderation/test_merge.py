"""Merging a duplicate into an earlier question (product.md, "Duplicates"): answers move with
their votes and marks, me-toos and followers join the original once each, counters equal
the rows, the old address redirects (301), followers hear about it once, and every bad
original is a field error on ``into``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app.answers import services as answer_services
from app.answers.models import Answer, HelpfulVote
from app.companies.models import Company
from app.errors import Conflict, PermissionDenied, ValidationError
from app.extensions import db
from app.moderation.merging import merge_question
from app.moderation.models import ModerationAction, ModerationLogEntry, TargetType
from app.notifications.models import Follow, Notification, NotificationKind
from app.notifications.services import add_follow, follow
from app.products.models import Product
from app.questions import services as question_services
from app.questions.models import MeToo, Question, Status
from app.search import index as search_index
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)
from tests.notifications.helpers import (
    assert_counters_match_rows as assert_unread_counters_match_rows,
)
from tests.notifications.helpers import unread_counter
from tests.questions.helpers import count, text


@pytest.fixture
def acme() -> Company:
    return make_company("Acme", domain="acme.example")


@pytest.fixture
def agent(acme: Company) -> Any:
    return make_staff(acme, make_user("agent")).user


def _pair(acme: Company, **kwargs: Any) -> tuple[Question, Question]:
    """An original asked two days ago and a duplicate asked today, each asker following
    their question (as asking does)."""
    original = make_question(
        acme, author=make_user("olga"), title="Sync stops at night", age=timedelta(days=2)
    )
    duplicate = make_question(
        acme, author=make_user("dmitri"), title="Syncing stops every night", **kwargs
    )
    for question in (original, duplicate):
        add_follow(question.author_id, question_id=question.id)
    save()
    return original, duplicate


def _fresh(question: Question) -> Question:
    db.session.expire_all()
    return db.session.get(Question, question.id)


def _me_too_users(question: Question) -> set[int]:
    return set(db.session.scalars(sa.select(MeToo.user_id).where(MeToo.question_id == question.id)))


def _followers(question: Question) -> list[int]:
    return sorted(
        db.session.scalars(sa.select(Follow.user_id).where(Follow.question_id == question.id))
    )


def test_a_merge_moves_answers_votes_and_me_toos_with_exact_counters(acme, agent):
    product = make_product(acme, "Drive")
    original, duplicate = _pair(acme, product=product)
    both, only_dup, only_orig = make_user("both"), make_user("onlydup"), make_user("onlyorig")
    fan = make_user("fan")  # follows both questions
    own = make_answer(original, author=make_user("helper"), body="Check the schedule.")
    peer = make_answer(duplicate, author=make_user("peer"), body="Turn off battery saving.")
    official = make_answer(duplicate, author=agent, body="Fixed in 4.2.", is_official=True)
    hidden = make_answer(duplicate, author=make_user("spammer"), body="Buy pills.")
    hidden.hidden_at = hidden.created_at
    duplicate.answer_count = 2  # the hidden answer is not counted
    save()
    for person in (both, only_dup):
        question_services.add_me_too(person, duplicate)
    for person in (both, only_orig):
        question_services.add_me_too(person, original)
    answer_services.vote_helpful(both, peer)
    answer_services.vote_helpful(only_dup, peer)
    answer_services.endorse_answer(agent, peer)
    answer_services.choose_best_answer(duplicate.author, duplicate, peer)
    for question in (original, duplicate):
        follow(fan, question=question)
    before_count = db.session.get(Company, acme.id).question_count

    result = merge_question(agent, duplicate, into=original)

    assert result.id == original.id
    original, duplicate = _fresh(original), _fresh(duplicate)
    moved = {a.id: a for a in db.session.scalars(sa.select(Answer).where(Answer.id.in_(
        [own.id, peer.id, official.id, hidden.id])))}  # fmt: skip
    assert {a.question_id for a in moved.values()} == {original.id}
    assert moved[peer.id].is_endorsed and moved[peer.id].helpful_count == 2
    assert count(HelpfulVote, HelpfulVote.answer_id == peer.id) == 2
    assert moved[official.id].is_official and moved[hidden.id].hidden_at is not None
    # The duplicate's best answer stays an answer, not the original's best.
    assert original.best_answer_id is None and duplicate.best_answer_id is None
    # Me too: both (once), only_dup, only_orig, and the duplicate's asker.
    assert _me_too_users(original) == {both.id, only_dup.id, only_orig.id, duplicate.author_id}
    assert original.me_too_count == 4 == count(MeToo, MeToo.question_id == original.id)
    assert duplicate.me_too_count == 0 == count(MeToo, MeToo.question_id == duplicate.id)
    # Counters from the rows: three shown answers, an official one, the newest activity.
    assert original.answer_count == 3 and duplicate.answer_count == 0
    assert original.has_official_answer and original.status is Status.ANSWERED
    assert original.last_activity_at >= official.created_at
    # Followers: the fan once, both askers, the answerers and me-too people.
    followers = _followers(original)
    assert len(followers) == len(set(followers))
    assert {fan.id, duplicate.author_id, original.author_id, both.id, only_dup.id} <= set(followers)
    assert _followers(duplicate) == []
    assert duplicate.merged_into_id == original.id
    assert db.session.get(Company, acme.id).question_count == before_count - 1
    assert db.session.get(Product, product.id).question_count == 0


def test_followers_of_either_question_hear_about_it_once(acme, agent):
    original, duplicate = _pair(acme)
    fan, dup_fan = make_user("fan"), make_user("dupfan")
    follow(fan, question=original)
    follow(fan, question=duplicate)
    follow(dup_fan, question=duplicate)
    follow(agent, question=duplicate)
    unread_before = unread_counter(fan)

    merge_question(agent, duplicate, into=original)

    rows = db.session.scalars(
        sa.select(Notification).where(Notification.kind == NotificationKind.QUESTION_MERGED)
    ).all()
    told = sorted(row.user_id for row in rows)
    assert told == sorted({fan.id, dup_fan.id, original.author_id, duplicate.author_id})
    assert {row.question_id for row in rows} == {original.id}
    assert unread_counter(fan) == unread_before + 1
    assert "merged a duplicate question into “Sync stops at night”" in rows[0].sentence


def test_a_merge_is_logged_and_moves_both_pages(acme, agent):
    original, duplicate = _pair(acme)
    versions = (original.page_version, duplicate.page_version)

    merge_question(agent, duplicate, into=original)

    entry = db.session.scalars(sa.select(ModerationLogEntry)).one()
    assert (entry.action, entry.target_type, entry.target_id, entry.moderator_id) == (
        ModerationAction.MERGE,
        TargetType.QUESTION,
        duplicate.id,
        agent.id,
    )
    assert entry.reason == f"A duplicate of question {original.id}"
    original, duplicate = _fresh(original), _fresh(duplicate)
    assert original.page_version > versions[0] and duplicate.page_version > versions[1]


def test_the_askers_own_me_too_and_the_original_askers_are_not_counted_twice(acme, agent):
    asker = make_user("asker")
    original = make_question(acme, author=asker, age=timedelta(days=1))
    duplicate = make_question(acme, author=asker)
    other = make_user("other")
    question_services.add_me_too(other, original)
    question_services.add_me_too(other, duplicate)
    question_services.add_me_too(make_user("third"), duplicate)

    merge_question(agent, duplicate, into=original)

    original = _fresh(original)
    assert asker.id not in _me_too_users(original)
    assert original.me_too_count == 2 == len(_me_too_users(original))


def test_the_original_asker_saying_me_too_on_the_duplicate_is_not_their_own_me_too(acme, agent):
    original, duplicate = _pair(acme)
    question_services.add_me_too(original.author, duplicate)

    merge_question(agent, duplicate, into=original)

    assert _me_too_users(_fresh(original)) == {duplicate.author_id}


@pytest.mark.parametrize(
    "case",
    ["itself", "later", "other company", "merged", "hidden", "missing"],
)
def test_a_bad_original_is_a_field_error_and_changes_nothing(acme, agent, case):
    original, duplicate = _pair(acme)
    into: Any = {
        "itself": duplicate,
        "later": make_question(acme, title="Asked after the duplicate"),
        "other company": make_question(
            make_company("Nimbus", domain="nimbus.example"), age=timedelta(days=3)
        ),
        "merged": make_question(acme, age=timedelta(days=5), merged_into_id=original.id),
        "hidden": make_question(acme, age=timedelta(days=5), hidden_at=original.created_at),
        "missing": None,
    }[case]
    save()
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        merge_question(agent, duplicate, into=into)

    db.session.rollback()
    assert set(refused.value.fields) == {"into"}
    assert snapshot() == before


def test_merging_a_merged_question_again_is_a_conflict(acme, agent):
    original, duplicate = _pair(acme)
    merge_question(agent, duplicate, into=original)
    before = snapshot()

    with pytest.raises(Conflict, match="already merged into question"):
        merge_question(agent, _fresh(duplicate), into=_fresh(original))

    assert snapshot() == before


def test_a_stale_copy_merging_twice_at_once_leaves_one_merge(acme, agent):
    original, duplicate = _pair(acme)
    earlier = make_question(acme, age=timedelta(days=4))
    save()
    # Another request merged it meanwhile; this one still holds the unmerged row.
    db.session.execute(
        sa.update(Question).where(Question.id == duplicate.id).values(merged_into_id=earlier.id)
    )
    save()
    set_committed_value(duplicate, "merged_into_id", None)  # what the slower one read

    with pytest.raises(Conflict):
        merge_question(agent, duplicate, into=original)

    assert _fresh(duplicate).merged_into_id == earlier.id
    assert count(ModerationLogEntry) == 0


def test_who_may_merge(acme, agent):
    original, duplicate = _pair(acme)
    for refused in (duplicate.author, make_user("stranger"), make_staff(
        make_company("Other", domain="other.example"), make_user("elsewhere")).user):  # fmt: skip
        with pytest.raises(PermissionDenied):
            merge_question(refused, duplicate, into=original)
    unclaimed = make_company("Lumen", domain="lumen.example")
    first, second = make_question(unclaimed, age=timedelta(days=1)), make_question(unclaimed)
    save()
    with pytest.raises(PermissionDenied):
        merge_question(agent, second, into=first)

    merge_question(make_user("mod", is_moderator=True), second, into=first)

    assert _fresh(second).merged_into_id == first.id


# The pages ------------------------------------------------------------------------------------


def test_the_old_address_redirects_to_the_original(client, acme, agent):
    original, duplicate = _pair(acme)
    merge_question(agent, duplicate, into=original)

    for path in (f"/questions/{duplicate.id}/{duplicate.slug}", f"/questions/{duplicate.id}"):
        response = client.get(path)
        assert response.status_code == 301
        assert response.location.endswith(f"/questions/{original.id}/{original.slug}")


def test_staff_merge_from_the_question_page(client, acme, agent):
    original, duplicate = _pair(acme)
    make_answer(duplicate, author=make_user("peer"), body="Turn off battery saving.")
    save()
    login_as(client, agent)

    page = text(client.get(f"/questions/{duplicate.id}/{duplicate.slug}"))
    assert "Merge into" in page
    response = client.post(
        f"/questions/{duplicate.id}/merge",
        data={"into": f"http://localhost/questions/{original.id}/x"},
    )

    assert response.status_code == 303
    assert response.location.endswith(f"/questions/{original.id}/{original.slug}")
    landed = text(client.get(response.location))
    assert "Turn off battery saving." in landed
    assert _fresh(duplicate).merged_into_id == original.id


@pytest.mark.parametrize("typed", ["not a question", "999999", "later"])
def test_a_bad_original_on_the_page_is_shown_at_the_field_with_the_input_kept(
    client, acme, agent, typed
):
    original, duplicate = _pair(acme)
    if typed == "later":
        typed = str(make_question(acme, title="Asked later still").id)
        save()
    login_as(client, agent)
    before = snapshot()

    response = client.post(f"/questions/{duplicate.id}/merge", data={"into": typed})

    assert response.status_code == 422
    page = text(response)
    assert 'aria-invalid="true"' in page and f'value="{typed}"' in page
    assert snapshot() == before


def test_a_customer_sees_no_merge_form_and_is_refused(client, acme):
    original, duplicate = _pair(acme)
    login_as(client, duplicate.author)

    assert "Merge into" not in text(client.get(f"/questions/{duplicate.id}/{duplicate.slug}"))
    before = snapshot()
    response = client.post(f"/questions/{duplicate.id}/merge", data={"into": str(original.id)})

    assert response.status_code == 403
    assert snapshot() == before


# The API --------------------------------------------------------------------------------------


def test_the_api_merges_and_answers_with_the_original(client, acme, agent):
    original, duplicate = _pair(acme)

    response = Api(client, agent).post(f"/questions/{duplicate.id}/merge", {"into": original.id})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["id"] == original.id
    assert response.get_json()["merged_into"] is None


def test_the_api_object_of_a_duplicate_redirects_and_says_merged_into(client, acme, agent):
    original, duplicate = _pair(acme)
    merge_question(agent, duplicate, into=original)

    response = Api(client).get(f"/questions/{duplicate.id}")

    assert response.status_code == 301
    assert response.location.endswith(f"/api/v1/questions/{original.id}")
    assert response.get_json()["merged_into"] == original.id
    followed = Api(client).get(f"/questions/{duplicate.id}", follow_redirects=True)
    assert followed.get_json()["id"] == original.id


@pytest.mark.parametrize(
    ("body", "field"),
    [({"into": "x"}, "into"), ({}, "into"), ({"into": 999999}, "into"), ({"into": 1.5}, "into")],
)
def test_the_api_refuses_bad_bodies_at_the_field(client, acme, agent, body, field):
    original, duplicate = _pair(acme)
    api = Api(client, agent)
    before = snapshot()

    response = api.post(f"/questions/{duplicate.id}/merge", body)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert snapshot() == before


def test_the_api_refuses_a_later_original_and_a_customer(client, acme, agent):
    original, duplicate = _pair(acme)
    staff, customer_api = Api(client, agent), Api(client, duplicate.author)
    before = snapshot()

    later = staff.post(f"/questions/{original.id}/merge", {"into": duplicate.id})
    customer = customer_api.post(f"/questions/{duplicate.id}/merge", {"into": original.id})

    assert later.status_code == 422 and "before" in error_of(later)["fields"]["into"]
    assert customer.status_code == 403
    assert snapshot() == before


def test_the_duplicate_leaves_every_list_and_search(client, acme, agent):
    original, duplicate = _pair(acme)
    for question in (original, duplicate):
        search_index.refresh_question(question.id)
    save()

    merge_question(agent, duplicate, into=original)

    listed = Api(client).get("/questions?company=acme").get_json()["items"]
    found = Api(client).get("/search?q=night").get_json()["items"]
    assert [item["id"] for item in listed] == [original.id]
    assert [item["id"] for item in found] == [original.id]
    for path in ("/companies/acme", "/sitemap.xml", "/companies/acme/feed.atom"):
        response = client.get(path)
        assert response.status_code == 200
        assert f"/questions/{original.id}/" in text(response), path
        assert f"/questions/{duplicate.id}/" not in text(response), path


def test_earlier_notifications_about_the_duplicate_lead_to_the_original(client, acme, agent):
    original, duplicate = _pair(acme)
    answer_services.post_answer(make_user("peer"), duplicate, body="Turn off battery saving.")
    asker = duplicate.author

    merge_question(agent, duplicate, into=original)

    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == asker.id)).all()
    assert {row.question_id for row in rows} == {original.id}
    assert_unread_counters_match_rows()
    login_as(client, asker)
    page = text(client.get("/notifications"))
    assert "answered “Sync stops at night”" in page
