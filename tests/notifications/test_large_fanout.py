"""An event with more than 1,000 followers is told after the commit of the request that
caused it (inline after the request, or by the worker); up to 1,000, inside it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.answers import services as answer_services
from app.db import utcnow
from app.extensions import db
from app.notifications import fanout
from app.notifications.models import Follow, Notification, NotificationKind, PendingFanout
from app.notifications.services import FANOUT_INLINE_MAX
from tests.factories import make_question, make_user


def _followers(question_id: int, count: int) -> None:
    """``count`` verified people following the question: two multi-row INSERTs."""
    now = utcnow()
    db.session.execute(
        sa.insert(User.__table__),
        [
            {
                "username": f"follower{n}",
                "email": f"follower{n}@example.org",
                "display_name": "",
                "password_hash": "x",
                "is_admin": False,
                "session_version": 1,
                "unread_notification_count": 0,
                "created_at": now,
                "email_verified_at": now,
            }
            for n in range(count)
        ],
    )
    ids = db.session.scalars(sa.select(User.id).where(User.username.like("follower%")))
    db.session.execute(
        sa.insert(Follow.__table__),
        [{"user_id": user_id, "question_id": question_id, "created_at": now} for user_id in ids],
    )
    db.session.commit()


def _told() -> int:
    """The followers told of the answer (the answerer's first-answer badge aside)."""
    db.session.expire_all()
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.kind == NotificationKind.ANSWER)
        )
        or 0
    )


def _pending() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(PendingFanout)) or 0


@pytest.fixture
def question():
    made = make_question(title="Sync stops after the update")
    db.session.commit()
    return made


def _answer(app, question, *, told_inside: int) -> None:
    """A new person answers in a request (they follow it too, so the question has one more
    follower than before when its followers are told); ``told_inside`` were told when the
    service committed, before the request's teardown step."""
    answerer = make_user("answerer")
    db.session.commit()
    with app.test_request_context(f"/questions/{question.id}/answers", method="POST"):
        answer_services.post_answer(answerer, question, body="Reinstall it.")
        assert _told() == told_inside
        fanout.inline_step()


def test_up_to_1000_followers_are_told_inside_the_request(app, question):
    # 999 followers and the answerer: 1,000 followers, 999 told (not the answerer).
    _followers(question.id, FANOUT_INLINE_MAX - 1)

    _answer(app, question, told_inside=FANOUT_INLINE_MAX - 1)

    assert _pending() == 0
    assert _told() == FANOUT_INLINE_MAX - 1


def test_more_than_1000_followers_are_told_after_the_commit(app, question):
    # 1,000 followers and the answerer: 1,001, so nobody is told inside the request.
    _followers(question.id, FANOUT_INLINE_MAX)

    _answer(app, question, told_inside=0)

    assert _pending() == 0
    assert _told() == FANOUT_INLINE_MAX


def test_the_worker_tells_them_when_mail_goes_through_it(app, question, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND", "worker")
    _followers(question.id, FANOUT_INLINE_MAX)
    answerer = make_user("answerer")
    db.session.commit()
    with app.test_request_context(f"/questions/{question.id}/answers", method="POST"):
        answer_services.post_answer(answerer, question, body="Reinstall it.")
    assert (_told(), _pending()) == (0, 1)

    result = app.test_cli_runner().invoke(
        args=["notifications", "send", "--base-url", "http://localhost"]
    )

    assert result.exit_code == 0, result.output
    assert (_told(), _pending()) == (FANOUT_INLINE_MAX, 0)
    # Telling it again tells nobody twice.
    assert fanout.tell_pending() == 0
    assert _told() == FANOUT_INLINE_MAX


def test_a_rolled_back_answer_tells_nobody(app, question, monkeypatch):
    _followers(question.id, FANOUT_INLINE_MAX)
    answerer = make_user("answerer")
    db.session.commit()

    def fail(*args, **kwargs):
        raise RuntimeError("the webhook table is gone")

    monkeypatch.setattr(answer_services.webhooks, "emit", fail)
    with app.test_request_context(f"/questions/{question.id}/answers", method="POST"):
        with pytest.raises(RuntimeError):
            answer_services.post_answer(answerer, question, body="Reinstall it.")
        fanout.inline_step()

    assert (_told(), _pending()) == (0, 0)
