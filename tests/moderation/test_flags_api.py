"""Flags through the API (api.md Part 2): POST /questions/{id}/flags and /answers/{id}/flags,
GET /flags, POST /flags/{id}/resolve."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.moderation import flags
from app.moderation.flag_models import FlagStatus
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.factories import make_answer, make_company, make_question, make_user
from tests.moderation.helpers import flagged_of


@pytest.fixture
def world():
    acme = make_company("Acme")
    question = make_question(acme, title="Why does it beep?")
    author = make_user("spammer")
    answer = make_answer(question, author=author, body="Buy cheap watches today")
    reader = make_user("reader")
    moderator = make_user("mod", is_moderator=True)
    save()
    return type("World", (), dict(locals()))


def test_flagging_an_answer_answers_201_with_ones_own_flag(client, world):
    api = Api(client, world.reader)

    response = api.post(f"/answers/{world.answer.id}/flags", {"reason": "spam"})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["target_type"] == "answer" and body["target_id"] == world.answer.id
    assert body["reason"] == "spam" and body["note"] == "" and body["duplicate_of"] is None
    assert set(body) == {
        "id", "target_type", "target_id", "reason", "note", "duplicate_of", "created_at"
    }  # fmt: skip


def test_a_duplicate_flag_on_a_question_names_the_original(client, world):
    original = make_question(world.acme, title="The original")
    save()
    api = Api(client, world.reader)

    response = api.post(
        f"/questions/{world.question.id}/flags",
        {"reason": "duplicate", "duplicate_of": original.id},
    )

    assert response.status_code == 201
    assert response.get_json()["duplicate_of"] == original.id


def test_a_second_flag_is_a_409_and_changes_nothing(client, world):
    api = Api(client, world.reader)
    api.post(f"/answers/{world.answer.id}/flags", {"reason": "spam"})
    before = snapshot()

    response = api.post(f"/answers/{world.answer.id}/flags", {"reason": "abusive"})

    assert response.status_code == 409 and error_of(response)["code"] == "conflict"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [({"reason": "rude"}, "reason"), ({}, "reason"), ({"reason": "other"}, "note"),
     ({"reason": "duplicate"}, "duplicate_of"),
     ({"reason": "duplicate", "duplicate_of": "12"}, "duplicate_of"),
     ({"reason": "duplicate", "duplicate_of": True}, "duplicate_of"),
     ({"reason": "spam", "note": "x" * 501}, "note"), ({"reason": "spam", "by": 1}, "by")],
)  # fmt: skip
def test_bad_bodies_are_422_at_the_field(client, world, body, field):
    api = Api(client, world.reader)
    save()
    before = snapshot()

    response = api.post(f"/answers/{world.answer.id}/flags", body)

    assert response.status_code == 422, response.get_json()
    assert field in error_of(response)["fields"]
    assert snapshot() == before


def test_ones_own_post_is_403_and_anonymous_is_401(client, world):
    author = Api(client, world.author)
    save()
    before = snapshot()

    own = author.post(f"/answers/{world.answer.id}/flags", {"reason": "spam"})
    anonymous = Api(client).post(f"/answers/{world.answer.id}/flags", {"reason": "spam"})

    assert own.status_code == 403 and anonymous.status_code == 401
    assert snapshot() == before


def test_over_the_hourly_bound_is_a_429_with_retry_after(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "FLAG_LIMITS", "1 per hour")
    api = Api(client, world.reader)
    api.post(f"/questions/{world.question.id}/flags", {"reason": "off_topic"})

    response = api.post(f"/answers/{world.answer.id}/flags", {"reason": "spam"})

    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_moderators_list_flagged_posts_with_reasons_and_counts(client, world):
    for name in ("a", "b"):
        flags.flag_post(make_user(name), world.answer, reason="spam")
    flags.flag_post(world.reader, world.answer, reason="off_topic")
    flags.flag_post(world.reader, world.question, reason="other", note="Wrong place")

    response = Api(client, world.moderator).get("/flags")

    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(i["target_type"], i["target_id"]) for i in items] == [
        ("answer", world.answer.id),
        ("question", world.question.id),
    ]
    first = items[0]
    assert first["reasons"] == {"spam": 2, "off_topic": 1} and first["count"] == 3
    assert first["status"] == "open" and first["post_hidden"] is False
    assert {"id", "target_type", "target_id", "status", "reasons", "count", "created_at"} <= set(
        first
    )


def test_only_moderators_list_flags(client, world):
    save()
    assert Api(client, world.reader).get("/flags").status_code == 403
    assert Api(client).get("/flags").status_code == 401
    assert Api(client, world.moderator).get("/flags?status=nonsense").status_code == 422


def test_resolving_hides_or_dismisses_and_twice_is_a_409(client, world):
    for name in ("a", "b", "c"):
        flags.flag_post(make_user(name), world.answer, reason="spam")
    flagged = flagged_of(world.answer)
    api = Api(client, world.moderator)

    missing = api.post(f"/flags/{flagged.id}/resolve", {"action": "hide"})
    dismissed = api.post(f"/flags/{flagged.id}/resolve", {"action": "dismiss", "note": "Fine."})
    again = api.post(f"/flags/{flagged.id}/resolve", {"action": "dismiss"})

    assert missing.status_code == 422 and "note" in error_of(missing)["fields"]
    assert dismissed.status_code == 200, dismissed.get_json()
    body = dismissed.get_json()
    assert body["status"] == "dismissed" and body["post_hidden"] is False
    assert body["reasons"] == {"spam": 3} and body["note"] == "Fine."
    assert again.status_code == 409
    listed = api.get("/flags?status=dismissed").get_json()["items"]
    assert [item["id"] for item in listed] == [flagged.id]


def test_resolving_with_hide_sets_the_reason(client, world):
    flags.flag_post(world.reader, world.answer, reason="private_info")
    flagged = flagged_of(world.answer)

    response = Api(client, world.moderator).post(
        f"/flags/{flagged.id}/resolve", {"action": "hide", "note": "A phone number."}
    )

    assert response.status_code == 200
    assert response.get_json()["status"] == "hidden" and response.get_json()["post_hidden"]
    assert flagged_of(world.answer).status is FlagStatus.HIDDEN


def test_only_moderators_resolve_and_others_hear_403_first(client, world):
    flags.flag_post(world.reader, world.answer, reason="spam")
    flagged = flagged_of(world.answer)
    reader, moderator = Api(client, world.reader), Api(client, world.moderator)
    save()
    before = snapshot()

    refused = reader.post(f"/flags/{flagged.id}/resolve", {"action": "x"})
    unknown = reader.post("/flags/999999/resolve", {"action": "dismiss"})
    missing = moderator.post("/flags/999999/resolve", {"action": "dismiss"})

    assert refused.status_code == 403 and unknown.status_code == 403
    assert missing.status_code == 404
    db.session.rollback()
    assert snapshot() == before
