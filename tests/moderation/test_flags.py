"""Flags through the service (app/moderation/flags.py): who may flag, once per user per
post, the reasons, three spam flags hiding a post, a moderator's one flag, the review
(hide or dismiss), reopening, and the hourly bound."""

from __future__ import annotations

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from app.answers.models import Answer
from app.errors import Conflict, PermissionDenied, RateLimited, ValidationError
from app.extensions import db
from app.moderation import flags, hiding
from app.moderation.flag_models import FlagReason, FlagStatus
from app.questions.models import Question
from tests.checks import snapshot
from tests.factories import make_answer, make_company, make_question, make_user
from tests.limits.conftest import clock  # noqa: F401 - the stopped clock fixture
from tests.moderation.helpers import flagged_of, flags_on, log_lines


@pytest.fixture
def world():
    acme = make_company("Acme")
    author = make_user("spammer")
    question = make_question(acme, title="Why does it beep?")
    answer = make_answer(question, author=author, body="Buy cheap watches at example.com")
    reporters = [make_user(f"reporter{n}") for n in range(4)]
    moderator = make_user("mod", is_moderator=True)
    db.session.commit()
    return type("World", (), dict(locals()))


def _answer_count(question: Question) -> int:
    db.session.expire_all()
    return db.session.get(Question, question.id).answer_count


# Who may flag -------------------------------------------------------------------------------


def test_a_signed_in_user_flags_someone_elses_answer(world):
    flag = flags.flag_post(world.reporters[0], world.answer, reason="off_topic", note=" meh ")

    flagged = flagged_of(world.answer)
    assert flag.reason is FlagReason.OFF_TOPIC and flag.note == "meh"
    assert flagged.status is FlagStatus.OPEN and flagged.flag_count == 1
    assert flagged.hide_count == 0 and flagged.round == 1 and flag.round == 1
    assert flagged.answer_id == world.answer.id and flagged.question_id is None


def test_nobody_flags_their_own_post(world):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        flags.flag_post(world.author, world.answer, reason="spam")
    with pytest.raises(PermissionDenied):
        flags.flag_post(world.question.author, world.question, reason="spam")

    assert snapshot() == before


def test_anonymous_cannot_flag(world):
    from flask_login import AnonymousUserMixin

    before = snapshot()
    with pytest.raises(PermissionDenied):
        flags.flag_post(AnonymousUserMixin(), world.answer, reason="spam")
    assert snapshot() == before


def test_a_second_flag_by_the_same_user_is_a_conflict_and_changes_nothing(world):
    flags.flag_post(world.reporters[0], world.answer, reason="spam")
    before = snapshot()

    with pytest.raises(Conflict):
        flags.flag_post(world.reporters[0], world.answer, reason="abusive")

    assert snapshot() == before


def test_the_constraint_refuses_a_second_flag_the_service_did_not_see(world, monkeypatch):
    # Two identical flags sent at once: both pass the look-up, the database keeps one.
    flags.flag_post(world.reporters[0], world.answer, reason="spam")
    before = snapshot()
    monkeypatch.setattr(flags, "has_flagged", lambda user, post: False)

    with pytest.raises(Conflict):
        flags.flag_post(world.reporters[0], world.answer, reason="spam")

    assert snapshot() == before
    assert flagged_of(world.answer).flag_count == 1


# The reasons --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reason": "rude"}, "reason", "Choose a reason"),
        ({"reason": ""}, "reason", "Choose a reason"),
        ({"reason": "other"}, "note", "Please say what is wrong"),
        ({"reason": "other", "note": "\u200b "}, "note", "invisible"),
        ({"reason": "spam", "note": "x" * 501}, "note", "at most 500"),
        ({"reason": "duplicate"}, "duplicate_of", "Name the original question"),
        ({"reason": "duplicate", "duplicate_of": "nonsense"}, "duplicate_of", "address or"),
        ({"reason": "duplicate", "duplicate_of": "999999"}, "duplicate_of", "no such question"),
    ],
)
def test_bad_fields_are_refused_at_the_field(world, fields, field, message):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        flags.flag_post(world.reporters[0], world.answer, **fields)

    assert message in refused.value.fields[field]
    assert snapshot() == before


def test_a_duplicate_names_another_visible_question_of_the_same_company(world):
    original = make_question(world.acme, title="Beeping, the original")
    elsewhere = make_question(make_company("Other"))
    hidden = make_question(world.acme, hidden_at=world.question.created_at)
    reporter = world.reporters[0]

    for bad, why in [
        (world.question.id, "another question"),
        (elsewhere.id, "same company"),
        (hidden.id, "no such question"),
    ]:
        with pytest.raises(ValidationError) as refused:
            flags.flag_post(reporter, world.question, reason="duplicate", duplicate_of=bad)
        assert why in refused.value.fields["duplicate_of"]

    url = f"https://helpsquare.test/questions/{original.id}/beeping-the-original"
    flag = flags.flag_post(reporter, world.question, reason="duplicate", duplicate_of=url)

    assert flag.duplicate_of_id == original.id


@pytest.mark.parametrize(
    ("typed", "found"),
    [("12", 12), ("#12", 12), (" 12 ", 12), ("/questions/12", 12),
     ("https://x.test/questions/12/a-title?cursor=x", 12), ("questions/12x", None),
     ("twelve", None), (True, None), (None, None)],
)  # fmt: skip
def test_the_original_is_named_by_number_or_address(typed, found):
    assert flags.parse_question_ref(typed) == found


# Three spam flags hide the post -------------------------------------------------------------


def test_two_spam_flags_do_not_hide_the_third_does(world):
    first, second, third = world.reporters[:3]
    flags.flag_post(first, world.answer, reason="spam")
    flags.flag_post(second, world.answer, reason="abusive")

    assert db.session.get(Answer, world.answer.id).hidden_at is None
    assert _answer_count(world.question) == 1

    flags.flag_post(third, world.answer, reason="spam")

    answer = db.session.get(Answer, world.answer.id)
    assert answer.hidden_at is not None
    assert answer.hidden_reason == flags.AUTO_HIDE_REASON and answer.hidden_by_id is None
    assert _answer_count(world.question) == 0
    flagged = flagged_of(world.answer)
    assert flagged.status is FlagStatus.OPEN  # still waiting for a moderator
    assert flagged.hidden_by_flags and flagged.hide_count == 3 and flagged.flag_count == 3
    assert log_lines() == [("hide", "answer", answer.id, None, flags.AUTO_HIDE_REASON)]


def test_three_flags_from_the_same_user_are_impossible(world):
    flags.flag_post(world.reporters[0], world.answer, reason="spam")
    for reason in ("spam", "abusive"):
        with pytest.raises(Conflict):
            flags.flag_post(world.reporters[0], world.answer, reason=reason)

    assert flagged_of(world.answer).hide_count == 1
    assert db.session.get(Answer, world.answer.id).hidden_at is None


def test_only_spam_and_abusive_flags_count_towards_hiding(world):
    a, b, c, d = world.reporters
    flags.flag_post(a, world.answer, reason="spam")
    flags.flag_post(b, world.answer, reason="off_topic")
    flags.flag_post(c, world.answer, reason="other", note="Looks like an advert")
    flags.flag_post(d, world.answer, reason="abusive")

    assert db.session.get(Answer, world.answer.id).hidden_at is None
    assert flagged_of(world.answer).flag_count == 4
    assert flagged_of(world.answer).hide_count == 2

    flags.flag_post(make_user("fifth"), world.answer, reason="spam")

    assert db.session.get(Answer, world.answer.id).hidden_at is not None


def test_one_spam_flag_from_a_moderator_hides_at_once(world):
    flags.flag_post(world.moderator, world.answer, reason="spam")

    answer = db.session.get(Answer, world.answer.id)
    assert answer.hidden_at is not None and answer.hidden_by_id == world.moderator.id
    assert log_lines() == [
        ("hide", "answer", answer.id, world.moderator.id, flags.AUTO_HIDE_REASON)
    ]


def test_a_moderators_off_topic_flag_hides_nothing(world):
    flags.flag_post(world.moderator, world.answer, reason="off_topic")

    assert db.session.get(Answer, world.answer.id).hidden_at is None


def test_three_spam_flags_hide_a_question_from_its_company_count(world):
    question = make_question(world.acme, author=world.author, title="Cheap watches!!!")
    db.session.commit()
    before = world.acme.question_count
    for reporter in world.reporters[:3]:
        flags.flag_post(reporter, question, reason="spam")

    db.session.expire_all()
    assert db.session.get(Question, question.id).hidden_at is not None
    assert world.acme.question_count == before - 1


# The review ---------------------------------------------------------------------------------


def _hidden_by_flags(world):
    for reporter in world.reporters[:3]:
        flags.flag_post(reporter, world.answer, reason="spam")
    return flagged_of(world.answer)


def test_dismissing_restores_a_post_the_flags_hid(world):
    flagged = _hidden_by_flags(world)

    flags.resolve(world.moderator, flagged, action="dismiss", note="Not spam: a real tip.")

    flagged = flagged_of(world.answer)
    answer = db.session.get(Answer, world.answer.id)
    assert flagged.status is FlagStatus.DISMISSED and flagged.resolved_by_id == world.moderator.id
    assert flagged.note == "Not spam: a real tip." and flagged.resolved_at is not None
    assert answer.hidden_at is None and answer.hidden_reason == ""
    assert _answer_count(world.question) == 1
    assert [line[0] for line in log_lines()] == ["hide", "restore"]


def test_hiding_a_post_the_flags_hid_keeps_it_hidden_with_the_moderators_reason(world):
    flagged = _hidden_by_flags(world)

    flags.resolve(world.moderator, flagged, action="hide", note="Advertising.")

    answer = db.session.get(Answer, world.answer.id)
    assert answer.hidden_at is not None and answer.hidden_reason == "Advertising."
    assert answer.hidden_by_id == world.moderator.id
    assert flagged_of(world.answer).status is FlagStatus.HIDDEN
    assert _answer_count(world.question) == 0  # counted out once, not twice
    assert log_lines()[-1] == ("hide", "answer", answer.id, world.moderator.id, "Advertising.")


@pytest.mark.parametrize("settled", [False, True], ids=["waiting", "hidden by a moderator"])
def test_restoring_a_flagged_post_dismisses_its_flags(world, settled):
    flagged = _hidden_by_flags(world)
    if settled:
        flags.resolve(world.moderator, flagged, action="hide", note="Advertising.")

    hiding.restore_post(world.moderator, db.session.get(Answer, world.answer.id))

    flagged = flagged_of(world.answer)
    assert flagged.status is FlagStatus.DISMISSED
    assert flagged.resolved_by_id == world.moderator.id
    assert db.session.get(Answer, world.answer.id).hidden_at is None
    assert _answer_count(world.question) == 1


def test_restoring_a_shown_post_leaves_its_flags_waiting(world):
    flags.flag_post(world.reporters[0], world.answer, reason="spam")

    hiding.restore_post(world.moderator, world.answer)

    assert flagged_of(world.answer).status is FlagStatus.OPEN


def test_hiding_a_shown_post_hides_it_with_the_reason(world):
    flags.flag_post(world.reporters[0], world.answer, reason="private_info")

    flags.resolve(world.moderator, flagged_of(world.answer), action="hide", note="Phone number.")

    answer = db.session.get(Answer, world.answer.id)
    assert answer.hidden_reason == "Phone number." and answer.hidden_by_id == world.moderator.id
    assert _answer_count(world.question) == 0


def test_dismissing_leaves_a_shown_post_shown(world):
    flags.flag_post(world.reporters[0], world.answer, reason="off_topic")

    flags.resolve(world.moderator, flagged_of(world.answer), action="dismiss")

    assert db.session.get(Answer, world.answer.id).hidden_at is None
    assert log_lines() == []


def test_resolving_twice_is_a_conflict(world):
    flagged = _hidden_by_flags(world)
    flags.resolve(world.moderator, flagged, action="dismiss")
    before = snapshot()

    with pytest.raises(Conflict):
        flags.resolve(world.moderator, flagged_of(world.answer), action="hide", note="Spam.")
    # A second moderator's page was loaded before the first decision: the object still says
    # "open", and the database itself must refuse.
    stale = flagged_of(world.answer)
    set_committed_value(stale, "status", FlagStatus.OPEN)
    with pytest.raises(Conflict):
        flags.resolve(world.moderator, stale, action="hide", note="Spam.")

    assert snapshot() == before


@pytest.mark.parametrize("who", ["reporter", "author", "staff_admin"])
def test_only_moderators_resolve(world, who):
    flagged = _hidden_by_flags(world)
    user = {"reporter": world.reporters[0], "author": world.author}.get(who) or make_user("siteish")
    before = snapshot()

    with pytest.raises(PermissionDenied):
        flags.resolve(user, flagged, action="dismiss")

    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "note", "field"),
    [("delete", "", "action"), ("hide", "", "note"), ("hide", " \u200b", "note"),
     ("hide", "x" * 501, "note"), ("dismiss", "x" * 501, "note")],
)  # fmt: skip
def test_a_bad_decision_is_refused_at_the_field(world, action, note, field):
    flagged = _hidden_by_flags(world)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        flags.resolve(world.moderator, flagged, action=action, note=note)

    assert field in refused.value.fields
    assert snapshot() == before


# A new round --------------------------------------------------------------------------------


def test_a_flag_after_a_dismissal_opens_the_post_again_and_old_flags_never_count(world):
    a, b, c, d = world.reporters
    flags.flag_post(a, world.answer, reason="spam")
    flags.flag_post(b, world.answer, reason="spam")
    flags.resolve(world.moderator, flagged_of(world.answer), action="dismiss")

    flags.flag_post(c, world.answer, reason="spam")

    flagged = flagged_of(world.answer)
    assert flagged.status is FlagStatus.OPEN and flagged.round == 2
    assert flagged.flag_count == 1 and flagged.hide_count == 1
    assert flagged.resolved_by_id is None and flagged.note == ""
    assert db.session.get(Answer, world.answer.id).hidden_at is None  # 1 new, not 3
    assert [f.round for f in flags_on(world.answer)] == [1, 1, 2]

    with pytest.raises(Conflict):  # a flag already dismissed is still that user's one flag
        flags.flag_post(a, world.answer, reason="spam")
    flags.flag_post(d, world.answer, reason="spam")
    flags.flag_post(make_user("fifth"), world.answer, reason="abusive")

    assert db.session.get(Answer, world.answer.id).hidden_at is not None


# The hourly bound ---------------------------------------------------------------------------


def test_a_user_flags_at_most_twenty_posts_an_hour(world, clock):  # noqa: F811
    reporter = world.reporters[0]
    posts = [make_answer(world.question) for _ in range(22)]
    db.session.commit()

    for post in posts[:20]:
        flags.flag_post(reporter, post, reason="off_topic")
    before = snapshot()

    with pytest.raises(RateLimited) as refused:
        flags.flag_post(reporter, posts[20], reason="off_topic")

    assert refused.value.status == 429 and refused.value.retry_after == 3600
    assert "You can flag another in an hour" in refused.value.message
    assert snapshot() == before

    clock.move(minutes=59, seconds=59)
    with pytest.raises(RateLimited):
        flags.flag_post(reporter, posts[20], reason="off_topic")
    clock.move(seconds=2)  # the first flags are more than an hour old
    flags.flag_post(reporter, posts[20], reason="off_topic")
    # Another account is not held back by this one.
    flags.flag_post(world.reporters[1], posts[21], reason="off_topic")


def test_a_refused_or_repeated_flag_uses_up_no_place(world, clock):  # noqa: F811
    reporter = world.reporters[0]
    posts = [make_answer(world.question) for _ in range(20)]
    db.session.commit()
    flags.flag_post(reporter, posts[0], reason="spam")
    for _ in range(5):
        with pytest.raises(Conflict):
            flags.flag_post(reporter, posts[0], reason="spam")
        with pytest.raises(ValidationError):
            flags.flag_post(reporter, posts[1], reason="other")

    for post in posts[1:]:
        flags.flag_post(reporter, post, reason="off_topic")  # 20 in all: every one let in
