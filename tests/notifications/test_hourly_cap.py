"""At most 10 notification e-mails per person in any hour: the rest wait and go out as
ONE summary when the hour has room again, never lost, never sent twice, not even by two
senders at once; everybody else is e-mailed as before."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from app import content
from app import db as db_module
from app.accounts.models import User
from app.companies.models import Company
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import mailer
from app.notifications.models import Category, EmailChoice, Notification, NotificationKind
from app.notifications.services import Event, add_follow, notify
from app.questions.models import Question
from tests.factories import make_answer, make_question, make_user
from tests.notifications.helpers import notifications_of

NINE = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
LINK = re.compile(r"https?://\S+")


class Clock:
    now = NINE

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:  # noqa: ANN001
    stopped = Clock()
    monkeypatch.setattr(db_module, "CLOCK", lambda: stopped.now)
    return stopped


def _mail_to(user: User) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == user.email)
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )


def _answered(question: Question, times: int) -> None:
    """``times`` people answer the question: its asker is told each time (right away)."""
    add_follow(question.author_id, question_id=question.id)  # as asking does
    for _ in range(times):
        answer = make_answer(question)
        notify(
            Event(
                NotificationKind.ANSWER,
                actor_id=answer.author_id,
                question_id=question.id,
                answer_id=answer.id,
            )
        )
    db.session.commit()


def _waiting(user: User) -> int:
    return sum(1 for n in notifications_of(user) if n.emailed_at is None)


def test_fifty_events_make_ten_emails_in_the_hour_then_one_summary_of_the_forty(clock):
    alice, bob = make_user("alice"), make_user("bob")
    hers, his = make_question(author=alice), make_question(author=bob, title="Bob's question")
    _answered(hers, 50)

    assert mailer.send_due() == 10
    assert len(_mail_to(alice)) == 10
    assert _waiting(alice) == 40
    for moment in ("9:01:00", "9:31:00", "9:59:00", "9:59:59"):
        clock.now = datetime.strptime(moment, "%H:%M:%S").replace(2026, 3, 3, tzinfo=UTC)
        _answered(his, 1)
        assert mailer.send_due() == 1  # Bob's, as it happens; none for Alice
    assert len(_mail_to(alice)) == 10
    assert len(_mail_to(bob)) == 4

    clock.move(seconds=1)  # 10:00: the 9:00 e-mails have left the hour
    assert mailer.send_due() == 1
    assert mailer.send_due() == 0

    *singles, summary = _mail_to(alice)
    assert len(singles) == 10
    assert summary.subject == "40 more things happened on Helpsquare"
    assert "40 more things happened on Helpsquare:" in summary.body_text
    notifications = notifications_of(alice)
    links = [link for link in LINK.findall(summary.body_text) if "/answers/" in link]
    assert sorted(int(link.rsplit("/", 1)[1]) for link in links) == sorted(
        n.answer_id for n in notifications[10:]
    )
    assert all(n.emailed_at is not None for n in notifications)  # none lost, none twice
    assert [m.subject for m in singles] == [n.sentence for n in notifications[:10]]


def test_what_arrives_while_the_hour_is_full_joins_the_summary(clock):
    alice = make_user("alice")
    question = make_question(author=alice)
    _answered(question, 10)
    assert mailer.send_due() == 10
    for _ in range(3):
        clock.move(minutes=15)  # 9:15, 9:30, 9:45
        _answered(question, 2)
        assert mailer.send_due() == 0

    clock.move(minutes=15)  # 10:00

    assert mailer.send_due() == 1
    assert _mail_to(alice)[-1].subject == "6 more things happened on Helpsquare"
    assert _waiting(alice) == 0


def test_after_the_summary_each_notification_is_an_email_of_its_own_again(clock):
    alice = make_user("alice")
    question = make_question(author=alice)
    _answered(question, 12)
    mailer.send_due()
    clock.move(hours=1)
    mailer.send_due()  # the summary of 2
    clock.move(minutes=5)

    _answered(question, 3)

    assert mailer.send_due() == 3
    assert [m.subject.startswith("Someone") or "answered" in m.subject for m in _mail_to(alice)][
        -3:
    ] == [True] * 3


def test_one_that_waited_alone_goes_out_as_itself(clock):
    alice = make_user("alice")
    question = make_question(author=alice)
    for _ in range(10):
        clock.move(minutes=5)  # ten e-mails, 9:05 to 9:50
        _answered(question, 1)
        assert mailer.send_due() == 1
    clock.move(minutes=5)
    _answered(question, 1)  # 9:55: the hour is full
    assert mailer.send_due() == 0

    clock.move(minutes=10)  # 10:05: the 9:05 e-mail has left the hour

    assert mailer.send_due() == 1
    last = _mail_to(alice)[-1]
    assert last.subject == notifications_of(alice)[-1].sentence
    assert "more things happened" not in last.body_text


def test_the_summary_lists_fifty_and_counts_the_rest(clock):
    alice = make_user("alice")
    question = make_question(author=alice)
    _answered(question, 10 + 70)
    mailer.send_due()
    clock.move(hours=1, seconds=1)

    assert mailer.send_due() == 1

    summary = _mail_to(alice)[-1]
    assert summary.subject == "70 more things happened on Helpsquare"
    assert len([link for link in LINK.findall(summary.body_text) if "/answers/" in link]) == 50
    assert "…and 20 more, all under Notifications: http://helpsquare.test/notifications" in (
        summary.body_text
    )
    assert _waiting(alice) == 0


def test_the_cap_is_a_setting(app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFICATION_EMAILS_PER_HOUR", 2)
    alice = make_user("alice")
    _answered(make_question(author=alice), 5)

    assert mailer.send_due() == 2
    clock.move(hours=1)
    assert mailer.send_due() == 1
    assert _mail_to(alice)[-1].subject == "3 more things happened on Helpsquare"


def test_the_summarys_unsubscribe_link_stops_every_email_sent_right_away(client, clock):
    alice = make_user("alice")
    _answered(make_question(author=alice), 12)
    mailer.send_due()
    clock.move(hours=1)
    mailer.send_due()
    summary = _mail_to(alice)[-1]
    unsubscribe = re.search(r"Stop every e-mail sent right away: (\S+)", summary.body_text)[1]
    path = unsubscribe.removeprefix("http://helpsquare.test")

    page = client.get(path)
    stopped = client.post(path)

    assert "Answers to questions I asked" in page.get_data(as_text=True)
    assert stopped.status_code == 200
    prefs = db.session.execute(
        sa.text("SELECT category, email FROM notification_preferences WHERE user_id = :u"),
        {"u": alice.id},
    ).all()
    assert (Category.MY_QUESTIONS.value, EmailChoice.OFF.value) in prefs


# Several senders at once ---------------------------------------------------------------------

WAITING = 15


@pytest.fixture
def committed_alice(app: Flask) -> Iterator[dict]:
    """Alice with WAITING notifications due right away, committed for every connection to
    see on an engine of the test's own; deleted again afterwards."""
    engine = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], **app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db_module.configure_engine(engine)
    tag = f"cap{secrets.token_hex(4)}"
    now = db_module.utcnow()
    with orm.Session(engine) as session:
        alice = User(
            username=f"{tag}a", email=f"{tag}a@example.org", password_hash="x",
            email_verified_at=now,
        )  # fmt: skip
        bob = User(
            username=f"{tag}b", email=f"{tag}b@example.org", password_hash="x",
            email_verified_at=now,
        )  # fmt: skip
        company = Company(slug=tag, name=f"Cap {tag}", domain=f"{tag}.example.com")
        session.add_all([alice, bob, company])
        session.flush()
        rendered = content.render("Why?")
        question = Question(
            company_id=company.id,
            author_id=alice.id,
            title="Why does it beep?",
            slug="why",
            body="Why?",
            body_html=rendered.html,
            body_renderer_version=rendered.version,
        )
        session.add(question)
        session.flush()
        session.add_all(
            Notification(
                user_id=alice.id,
                kind=NotificationKind.ANSWER,
                category=Category.MY_QUESTIONS,
                actor_id=bob.id,
                question_id=question.id,
                event_key=f"{tag}:{n}",
                created_at=now,
                email=EmailChoice.IMMEDIATE,
            )
            for n in range(WAITING)
        )
        session.commit()
        world = {
            "engine": engine,
            "alice": alice.id,
            "email": alice.email,
            "ids": [alice.id, bob.id],
        }
        world.update(question=question.id, company=company.id)
    try:
        yield world
    finally:
        with engine.begin() as connection:
            connection.execute(
                sa.delete(OutboxMessage).where(OutboxMessage.to_address == world["email"])
            )
            connection.execute(sa.delete(Question).where(Question.id == world["question"]))
            connection.execute(sa.delete(Company).where(Company.id == world["company"]))
            connection.execute(sa.delete(User).where(User.id.in_(world["ids"])))
        engine.dispose()


def test_two_senders_at_once_keep_the_cap_and_email_each_notification_once(
    app, monkeypatch, committed_alice
):
    world = committed_alice
    engine = world["engine"]
    monkeypatch.setattr(
        db, "session", orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
    )
    postgresql = engine.dialect.name == "postgresql"
    first_inside = threading.Event()
    second_done = threading.Event()
    sent: dict[str, int] = {}
    errors: list[BaseException] = []
    email_each = mailer._email_each

    def holding(notifications) -> None:  # noqa: ANN001
        # The first sender, holding Alice's window, waits for the second to finish: on
        # PostgreSQL the second skips the locked window; SQLite lets one writer in at a
        # time, so there the second comes after (the test runs them one after the other).
        if threading.current_thread().name == "first" and postgresql:
            first_inside.set()
            assert second_done.wait(timeout=20)
        email_each(notifications)

    monkeypatch.setattr(mailer, "_email_each", holding)

    def sender() -> None:
        name = threading.current_thread().name
        try:
            if name == "second" and postgresql:
                assert first_inside.wait(timeout=20)
            with app.app_context():
                sent[name] = mailer.send_due()
                db.session.remove()
        except BaseException as error:  # reported below, not lost in a thread
            errors.append(error)
        finally:
            if name == "second":
                second_done.set()

    threads = [threading.Thread(target=sender, name=name) for name in ("first", "second")]
    for thread in threads:
        thread.start()
        if not postgresql:
            thread.join()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sent == {"first": 10, "second": 0}
    with engine.connect() as connection:
        mails = connection.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.to_address == world["email"])
        )
        waiting = connection.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == world["alice"], Notification.emailed_at.is_(None))
        )
    assert (mails, waiting) == (10, WAITING - 10)
