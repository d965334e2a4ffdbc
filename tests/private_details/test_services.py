"""Private details through the services: who writes them where, their bounds, claimed
companies only, no edit history, and who reads them (``can_read_private_details``)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.answers import services as answer_services
from app.answers.models import Answer
from app.companies import staff as staff_services
from app.content import RENDERER_VERSION
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.moderation import hiding, merging
from app.moderation.audit import AuditEntry
from app.moderation.models import AnswerRevision, QuestionRevision
from app.questions import services as question_services
from app.questions.models import Question
from app.visibility import can_read_private_details
from tests.checks import snapshot
from tests.factories import make_question
from tests.private_details.conftest import (
    ANSWER_MARKER,
    OTHERS,
    QUESTION_MARKER,
    READERS,
)


def _fresh(model, post_id):  # noqa: ANN001, ANN202 - a Question or an Answer
    db.session.expire_all()
    return db.session.get(model, post_id)


def _refused(call, field: str = "private_details") -> str:  # noqa: ANN001 - a callable
    """Run ``call``; it must be refused at ``field`` and change nothing. The message."""
    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        call()
    db.session.rollback()
    assert snapshot() == before
    return refusal.value.fields[field]


# Asking ------------------------------------------------------------------------------------


def test_the_asker_adds_private_details_stored_with_their_sanitized_html(world):
    question = _fresh(Question, world.question.id)

    assert question.private_details == (
        f"Order number {QUESTION_MARKER}, account asker@example.org"
    )
    assert QUESTION_MARKER in question.private_details_html
    assert question.private_details_renderer_version == RENDERER_VERSION
    answer = _fresh(Answer, world.answer.id)
    assert f"<strong>{ANSWER_MARKER}</strong>" in answer.private_details_html
    assert answer.is_official


def test_private_details_are_sanitized_like_every_post(world):
    question = question_services.ask_question(
        world.asker,
        world.acme,
        title="Hostile details",
        body="See below.",
        private_details="<script>alert(1)</script> [x](javascript:alert(2)) **ok**",
    )

    html = _fresh(Question, question.id).private_details_html
    assert "<script" not in html and "href" not in html
    assert "<strong>ok</strong>" in html


def test_an_unclaimed_company_takes_no_private_details(world):
    message = _refused(
        lambda: question_services.ask_question(
            world.asker,
            world.nimbus,
            title="Where is my parcel?",
            body="It is late.",
            private_details="Order 99",
        )
    )

    assert "Nimbus has not claimed its page" in message


def test_empty_or_blank_private_details_are_none(world):
    for n, empty in enumerate(("", "   \n ")):
        question = question_services.ask_question(
            world.keeper,  # a site admin: no first-day limits
            world.nimbus,
            title="Blank details",
            body=f"Fine {n}.",
            private_details=empty,
        )
        stored = _fresh(Question, question.id)
        assert stored.private_details is None and stored.private_details_html is None
        assert stored.private_details_renderer_version is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 5_001, "can be at most 5,000 characters"),
        ("Order\x00 1", "NUL"),
        ("\u200b\u200b", "only invisible characters"),
        (42, "must be text"),
    ],
)
def test_private_details_have_bounds(world, value, message):
    refused = _refused(
        lambda: question_services.ask_question(
            world.asker, world.acme, title="Bounded", body="Fine.", private_details=value
        )
    )

    assert message in refused


def test_five_thousand_characters_are_enough(world):
    question = question_services.ask_question(
        world.asker, world.acme, title="Long logs", body="Logs below.", private_details="x" * 5_000
    )

    assert len(_fresh(Question, question.id).private_details) == 5_000


def test_every_bad_field_is_named_at_once(world):
    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        question_services.ask_question(
            world.asker, world.nimbus, title="", body="Fine.", private_details="Order 1"
        )

    assert set(refusal.value.fields) == {"title", "private_details"}
    db.session.rollback()
    assert snapshot() == before


# Editing a question ------------------------------------------------------------------------


def test_the_asker_changes_them_without_an_edit_anyone_else_sees(world):
    question = _fresh(Question, world.question.id)
    updated_at, page_version = question.updated_at, question.page_version

    question_services.edit_question(world.asker, question, private_details="Order 777")

    question = _fresh(Question, world.question.id)
    assert question.private_details == "Order 777"
    assert question.private_details_html == "<p>Order 777</p>\n"
    # No version kept (the history is public), no "(edited)", the cached page stays.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionRevision)) == 0
    assert (question.updated_at, question.page_version) == (updated_at, page_version)


def test_clearing_removes_them_entirely(world):
    question_services.edit_question(world.asker, world.question, private_details="")

    question = _fresh(Question, world.question.id)
    assert question.private_details is None and question.private_details_html is None
    assert question.private_details_renderer_version is None


def test_an_edit_of_the_words_still_keeps_a_version_without_the_private_details(world):
    question_services.edit_question(
        world.asker, world.question, body="Still nothing came.", private_details="Order 8"
    )

    (revision,) = db.session.scalars(sa.select(QuestionRevision)).all()
    assert revision.body == "I paid two weeks ago and nothing came."
    assert QUESTION_MARKER not in str(
        [getattr(revision, c.key) for c in QuestionRevision.__table__.columns]
    )


def test_staff_and_others_may_not_change_them(world):
    # Staff may change the kind, not the asker's private details.
    message = _refused(
        lambda: question_services.edit_question(world.jane, world.question, private_details="x")
    )
    assert message == "Only the asker or a moderator may change the private details."
    # Sent back as they are, they are no change.
    question_services.edit_question(
        world.jane, world.question, kind="problem", private_details=world.question.private_details
    )
    # Anybody else may edit nothing at all.
    with pytest.raises(PermissionDenied):
        question_services.edit_question(world.peer, world.question, private_details="x")


def test_a_moderator_changes_them_and_the_audit_log_names_the_field_not_the_text(world):
    question_services.edit_question(world.mod, world.question, private_details="Redacted.")

    note = db.session.scalars(
        sa.select(AuditEntry.note).where(AuditEntry.action == "question.edited")
    ).one()
    assert note == f"Question {world.question.id}: changed private_details"
    assert _fresh(Question, world.question.id).private_details == "Redacted."


def test_on_an_unclaimed_company_old_private_details_may_only_be_cleared(world):
    question = make_question(world.nimbus, author=world.asker)
    question.private_details, question.private_details_html = "Old", "<p>Old</p>\n"
    question.private_details_renderer_version = RENDERER_VERSION
    db.session.commit()

    message = _refused(
        lambda: question_services.edit_question(world.asker, question, private_details="New")
    )
    assert "Nimbus has not claimed its page" in message
    question_services.edit_question(world.asker, question, private_details="Old")  # unchanged
    question_services.edit_question(world.asker, question, private_details="")

    assert _fresh(Question, question.id).private_details is None


# Answers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["peer", "former", "rival", "asker"])
def test_only_active_staff_answer_with_private_details(world, who):
    message = _refused(
        lambda: answer_services.post_answer(
            world.users[who], world.question, body="Here you go.", private_details="Ref 1"
        )
    )

    assert message == "Only Acme's staff add private details to an answer."


def test_a_moderator_may_answer_with_private_details_too(world):
    answer = answer_services.post_answer(
        world.mod, world.question, body="Moderator here.", private_details="Ref 2"
    )

    assert _fresh(Answer, answer.id).private_details == "Ref 2"


def test_no_answer_with_private_details_on_an_unclaimed_company(world):
    message = _refused(
        lambda: answer_services.post_answer(
            world.mod, world.unclaimed_question, body="Try this.", private_details="Ref 3"
        )
    )

    assert "Nimbus has not claimed its page" in message


def test_a_bad_body_and_refused_private_details_are_named_together(world):
    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        answer_services.post_answer(world.peer, world.question, body=" ", private_details="x")

    assert set(refusal.value.fields) == {"body", "private_details"}
    db.session.rollback()
    assert snapshot() == before


def test_staff_edit_their_answer_s_private_details_without_a_version(world):
    answer = _fresh(Answer, world.answer.id)
    updated_at = answer.updated_at

    answer_services.edit_answer(world.agent, answer, private_details="Ref 9")

    answer = _fresh(Answer, world.answer.id)
    assert answer.private_details == "Ref 9" and answer.body.startswith("Sorry")
    assert answer.updated_at == updated_at
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AnswerRevision)) == 0


def test_a_moderator_s_edit_of_an_answer_is_audited_by_field(world):
    answer_services.edit_answer(world.mod, world.answer, body="Refunded.", private_details="")

    note = db.session.scalars(
        sa.select(AuditEntry.note).where(AuditEntry.action == "answer.edited")
    ).one()
    assert note.endswith("changed body and private details")
    assert _fresh(Answer, world.answer.id).private_details is None


def test_a_peer_adds_none_to_their_own_answer(world):
    message = _refused(
        lambda: answer_services.edit_answer(world.peer, world.peer_answer, private_details="x")
    )

    assert message == "Only Acme's staff add private details to an answer."
    answer_services.edit_answer(world.peer, world.peer_answer, private_details="")  # none: fine


def test_revoked_staff_no_longer_edit_them(world):
    staff_services.revoke_staff(world.jane, world.acme, world.agent)

    with pytest.raises(PermissionDenied):
        answer_services.edit_answer(world.agent, world.answer, private_details="Ref 10")


# Who reads them ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS + OTHERS)
def test_the_asker_active_staff_and_moderators_read_them(world, who):
    allowed = can_read_private_details(world.users[who], world.question)

    assert allowed is (who in READERS)


def test_nobody_signed_out_reads_them(world, app):
    with app.test_request_context():
        from flask_login import AnonymousUserMixin

        assert not can_read_private_details(AnonymousUserMixin(), world.question)
    assert not can_read_private_details(None, world.question)


def test_revoked_staff_lose_access_at_once(world):
    assert can_read_private_details(world.agent, world.question)

    staff_services.revoke_staff(world.jane, world.acme, world.agent)

    assert not can_read_private_details(world.agent, world.question)


def test_a_hidden_question_s_private_details_stay_with_its_asker_and_moderators(world):
    hiding.hide_post(world.mod, world.question, reason="Spam.")

    readers = [
        who
        for who in READERS + OTHERS
        if can_read_private_details(world.users[who], world.question)
    ]
    assert readers == ["asker", "mod", "keeper"]


# Merging -----------------------------------------------------------------------------------


def test_answers_with_private_details_move_only_to_the_same_asker_s_question(world):
    original = make_question(world.acme, author=world.peer, title="Orders never arrive")
    db.session.commit()
    duplicate = _fresh(Question, world.question.id)
    original = _fresh(Question, original.id)
    # make_question's created_at is now: make the original the earlier one.
    original.created_at = duplicate.created_at.replace(year=duplicate.created_at.year - 1)
    db.session.commit()

    message = _refused(
        lambda: merging.merge_question(world.jane, duplicate, into=original), field="into"
    )
    assert "another asker, who would read them" in message

    answer_services.edit_answer(world.agent, world.answer, private_details="")
    merging.merge_question(world.jane, _fresh(Question, duplicate.id), into=original)
    assert _fresh(Question, duplicate.id).merged_into_id == original.id


def test_the_same_asker_s_duplicate_merges_with_its_private_answers(world):
    original = make_question(world.acme, author=world.asker, title="Where is my order?")
    db.session.commit()
    original.created_at = world.question.created_at.replace(year=2000)
    db.session.commit()

    merging.merge_question(world.jane, _fresh(Question, world.question.id), into=original)

    moved = _fresh(Answer, world.answer.id)
    assert moved.question_id == original.id and moved.private_details
    assert can_read_private_details(world.asker, _fresh(Question, original.id))
