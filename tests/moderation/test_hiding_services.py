"""Hiding, restoring, locking and unlocking (app.moderation.hiding): who may, what each
changes (counters exact, notifications withdrawn, the log), and that doing it twice changes
it once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.answers import services as answer_services
from app.answers.models import Answer
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.moderation import hiding
from app.moderation.models import ModerationAction, ModerationLogEntry, TargetType
from app.notifications import services as notification_services
from app.notifications.models import Notification
from app.notifications.queries import notifications_page
from app.questions import services as question_services
from app.questions.models import Question, Status
from app.questions.queries import list_questions
from app.search import index as search_index
from app.search.queries import search_questions
from tests.checks import snapshot
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)


@pytest.fixture
def w():
    class W:
        pass

    w = W()
    w.mod = make_user("mod", is_moderator=True)
    w.admin = make_user("root", is_admin=True)
    w.asker = make_user("asker")
    w.peer = make_user("peer")
    w.staff = make_user("agent")
    w.acme = make_company("Acme", domain="acme.example")
    make_staff(w.acme, w.staff, role="admin")
    w.widget = make_product(w.acme, "Widget")
    w.question = make_question(w.acme, product=w.widget, author=w.asker, title="Widget beeps")
    w.answer = make_answer(w.question, author=w.peer, body="Replace the battery, zebrafish.")
    db.session.commit()
    search_index.refresh_question(w.question.id)
    db.session.commit()
    return w


def _log() -> list[tuple]:
    return [
        (e.action, e.target_type, e.target_id, e.moderator_id, e.reason)
        for e in db.session.scalars(sa.select(ModerationLogEntry).order_by(ModerationLogEntry.id))
    ]


def _fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


# Who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["asker", "peer", "staff"])
def test_only_moderators_hide_restore_lock_and_unlock(w, who):
    user = getattr(w, who)
    before = snapshot()
    for act in (
        lambda: hiding.hide_post(user, w.question, reason="Spam."),
        lambda: hiding.hide_post(user, w.answer, reason="Spam."),
        lambda: hiding.restore_post(user, w.answer),
        lambda: hiding.lock_question(user, w.question, reason="Heated."),
        lambda: hiding.unlock_question(user, w.question),
    ):
        with pytest.raises(PermissionDenied):
            act()
        db.session.rollback()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "cannot be empty"),
        ("   \n ", "cannot be empty"),
        ("\u200b\u200b", "only invisible characters"),
        ("x" * 501, "at most 500"),
        (None, "must be text"),
        ("nul\x00", "NUL"),
    ],
)
def test_a_bad_reason_is_a_field_error_and_changes_nothing(w, reason, message):
    before = snapshot()
    for act in (
        lambda: hiding.hide_post(w.mod, w.answer, reason=reason),
        lambda: hiding.lock_question(w.mod, w.question, reason=reason),
    ):
        with pytest.raises(ValidationError) as refused:
            act()
        db.session.rollback()
        assert message in refused.value.fields["reason"]
    assert snapshot() == before


def test_a_reason_of_500_characters_is_kept_stripped(w):
    hiding.hide_post(w.mod, w.answer, reason="  " + "r" * 500 + " ")
    assert _fresh(Answer, w.answer.id).hidden_reason == "r" * 500


# Hiding an answer ----------------------------------------------------------------------


def test_hiding_an_answer_takes_it_out_of_every_count_and_restoring_brings_it_back(w):
    official = answer_services.post_answer(w.staff, w.question, body="Official: update it.")
    question = _fresh(Question, w.question.id)
    assert (question.answer_count, question.has_official_answer) == (2, True)
    assert question.status is Status.ANSWERED
    version = question.page_version

    assert hiding.hide_post(w.mod, official, reason="Leaked an e-mail address.") is official

    question = _fresh(Question, w.question.id)
    hidden = _fresh(Answer, official.id)
    assert (question.answer_count, question.has_official_answer) == (1, False)
    assert question.status is Status.OPEN
    assert question.page_version > version
    assert hidden.hidden_at is not None and hidden.hidden_by_id == w.mod.id
    assert hidden.hidden_reason == "Leaked an e-mail address."
    assert _log()[-1] == (
        ModerationAction.HIDE,
        TargetType.ANSWER,
        official.id,
        w.mod.id,
        "Leaked an e-mail address.",
    )

    hiding.restore_post(w.mod, hidden)

    question = _fresh(Question, w.question.id)
    restored = _fresh(Answer, official.id)
    assert (question.answer_count, question.has_official_answer) == (2, True)
    assert question.status is Status.ANSWERED
    assert restored.hidden_at is None and restored.hidden_reason == ""
    assert _log()[-1][:4] == (ModerationAction.RESTORE, TargetType.ANSWER, official.id, w.mod.id)


def test_a_hidden_best_answer_leaves_the_question_open_until_restored(w):
    answer_services.choose_best_answer(w.asker, w.question, w.answer)
    hiding.hide_post(w.mod, w.answer, reason="Spam.")
    question = _fresh(Question, w.question.id)
    assert question.best_answer_id == w.answer.id  # the choice stays, for the restore
    assert question.status is Status.OPEN

    hiding.restore_post(w.mod, _fresh(Answer, w.answer.id))
    assert _fresh(Question, w.question.id).status is Status.ANSWERED


def test_hiding_twice_hides_once_counts_once_and_logs_once(w):
    assert hiding.apply_hide(w.answer, by=w.mod, reason="Spam.") is True
    db.session.commit()
    # A second request that read the answer before the first one hid it.
    stale = _fresh(Answer, w.answer.id)
    stale.__dict__["hidden_at"] = None  # what it had read: not hidden yet
    assert hiding.apply_hide(stale, by=w.mod, reason="Spam again.") is False
    hiding.hide_post(w.mod, _fresh(Answer, w.answer.id), reason="And again.")
    db.session.commit()

    assert _fresh(Question, w.question.id).answer_count == 0
    assert _fresh(Answer, w.answer.id).hidden_reason == "Spam."
    assert [line[0] for line in _log()] == [ModerationAction.HIDE]

    assert hiding.apply_restore(_fresh(Answer, w.answer.id), by=w.mod) is True
    assert hiding.apply_restore(_fresh(Answer, w.answer.id), by=w.mod) is False
    db.session.commit()
    assert _fresh(Question, w.question.id).answer_count == 1
    assert [line[0] for line in _log()] == [ModerationAction.HIDE, ModerationAction.RESTORE]


def test_a_hidden_answer_leaves_search_and_comes_back(w):
    assert [hit.question.id for hit in search_questions("zebrafish").hits] == [w.question.id]
    hiding.hide_post(w.mod, w.answer, reason="Spam.")
    assert search_questions("zebrafish").hits == []
    hiding.restore_post(w.mod, _fresh(Answer, w.answer.id))
    assert [hit.question.id for hit in search_questions("zebrafish").hits] == [w.question.id]


# Hiding a question ---------------------------------------------------------------------


def test_hiding_a_question_takes_it_out_of_lists_counts_and_search(w):
    assert search_questions("beeps").hits
    hiding.hide_post(w.mod, w.question, reason="Spam.")

    db.session.expire_all()
    assert (w.acme.question_count, w.widget.question_count) == (0, 0)
    assert w.question.id not in [q.id for q in list_questions().items]
    assert w.question.id not in [q.id for q in list_questions(company_id=w.acme.id).items]
    assert search_questions("beeps").hits == []

    hiding.restore_post(w.mod, _fresh(Question, w.question.id))

    db.session.expire_all()
    assert (w.acme.question_count, w.widget.question_count) == (1, 1)
    assert w.question.id in [q.id for q in list_questions().items]
    assert [hit.question.id for hit in search_questions("beeps").hits] == [w.question.id]


# Notifications -------------------------------------------------------------------------


def test_hiding_withdraws_unread_notifications_and_keeps_the_bell_exact(w):
    follower = make_user("follower")
    notification_services.follow(follower, question=w.question)
    notification_services.follow(w.asker, question=w.question)
    earlier = answer_services.post_answer(w.peer, w.question, body="Read this one.")
    spam = answer_services.post_answer(w.peer, w.question, body="Buy pills.")
    for user in (follower, w.asker):
        assert _fresh(User, user.id).unread_notification_count == 2
    read = db.session.scalar(
        sa.select(Notification).where(
            Notification.user_id == follower.id, Notification.answer_id == earlier.id
        )
    )
    notification_services.mark_read(follower, read.id)

    hiding.hide_post(w.mod, spam, reason="Spam.")

    assert _fresh(User, follower.id).unread_notification_count == 0
    assert _fresh(User, w.asker.id).unread_notification_count == 1
    left = db.session.scalars(sa.select(Notification.answer_id)).all()
    assert spam.id not in left

    # Hiding the question takes the read notification out of sight, restoring brings it back.
    hiding.hide_post(w.mod, w.question, reason="Spam.")
    assert _fresh(User, w.asker.id).unread_notification_count == 0
    assert notifications_page(_fresh(User, follower.id)).items == []
    hiding.restore_post(w.mod, _fresh(Question, w.question.id))
    assert [n.id for n in notifications_page(_fresh(User, follower.id)).items] == [read.id]


def test_a_hidden_question_notifies_nobody(w):
    follower = make_user("follower")
    notification_services.follow(follower, question=w.question)
    hiding.hide_post(w.mod, w.question, reason="Spam.")

    question = _fresh(Question, w.question.id)
    answer_services.post_answer(w.asker, question, body="Bump.")

    assert _fresh(User, follower.id).unread_notification_count == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


# Delete spammer's part -----------------------------------------------------------------


def test_hide_all_posts_of_a_user_hides_each_once_with_exact_counters(w):
    other = make_question(w.acme, author=w.peer, title="Cheap widgets here")
    make_answer(other, author=w.asker)
    db.session.commit()
    hiding.apply_hide(w.answer, by=w.mod, reason="Spam.")  # one already hidden

    hidden = hiding.hide_all_posts_of(w.peer, by=w.mod, reason="Spammer.")
    db.session.commit()

    assert hidden == 1  # the question; the answer was hidden already
    db.session.expire_all()
    assert w.acme.question_count == 1
    assert (w.question.answer_count, other.answer_count) == (0, 1)
    assert [line[2] for line in _log()] == [w.answer.id, other.id]
    assert hiding.hide_all_posts_of(w.peer, by=w.mod, reason="Spammer.") == 0


# Lock ----------------------------------------------------------------------------------


def test_a_locked_question_takes_no_answers_votes_or_me_toos_but_moderators(w):
    voter = make_user("voter")
    db.session.commit()
    hiding.lock_question(w.mod, w.question, reason="Heated thread.")
    question = _fresh(Question, w.question.id)
    assert (question.locked, question.lock_reason) == (True, "Heated thread.")
    before = snapshot()

    for act in (
        lambda: answer_services.post_answer(voter, question, body="Calm down."),
        lambda: answer_services.vote_helpful(voter, _fresh(Answer, w.answer.id)),
        lambda: question_services.add_me_too(voter, question),
    ):
        with pytest.raises(PermissionDenied):
            act()
        db.session.rollback()
    assert snapshot() == before

    answer_services.post_answer(w.mod, question, body="Locked for a day, sorry.")
    question_services.add_me_too(w.mod, _fresh(Question, w.question.id))
    answer_services.vote_helpful(w.mod, _fresh(Answer, w.answer.id))

    hiding.unlock_question(w.mod, _fresh(Question, w.question.id))
    question = _fresh(Question, w.question.id)
    assert (question.locked, question.lock_reason) == (False, "")
    question_services.add_me_too(voter, question)
    assert [line[0] for line in _log()] == [ModerationAction.LOCK, ModerationAction.UNLOCK]


def test_locking_twice_locks_once_and_logs_once(w):
    hiding.lock_question(w.mod, w.question, reason="Heated.")
    hiding.lock_question(w.mod, _fresh(Question, w.question.id), reason="Still heated.")
    hiding.unlock_question(w.mod, _fresh(Question, w.question.id))
    hiding.unlock_question(w.mod, _fresh(Question, w.question.id))

    assert [(line[0], line[4]) for line in _log()] == [
        (ModerationAction.LOCK, "Heated."),
        (ModerationAction.UNLOCK, ""),
    ]
