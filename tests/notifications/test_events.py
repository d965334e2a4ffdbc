"""Each event reaches exactly the right people: followers yes, the actor never, people who
unfollowed no, preferences recorded; claims and invitations never e-mailed twice."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

import app.db
from app.answers import services as answers
from app.companies import claims, staff
from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import services as notifications
from app.notifications.models import (
    Category,
    EmailChoice,
    NotificationKind,
    NotificationPreference,
)
from app.questions import services as questions
from app.questions.models import Kind
from app.reputation.models import Badge, BadgeCode
from tests.claims.helpers import make_claim
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)
from tests.notifications.helpers import (
    assert_counters_match_rows,
    follows_of,
    notifications_of,
    recipients,
    unread_counter,
)

K = NotificationKind


def _asked(asker=None, **fields):  # noqa: ANN001, ANN003, ANN202
    """A question asked through the service, so its asker follows it."""
    company = fields.pop("company", None) or make_company()
    return questions.ask_question(
        asker or make_user(),
        company,
        title=fields.pop("title", "Why does the widget beep?"),
        body="It beeps every hour.",
        **fields,
    )


# Answers ---------------------------------------------------------------------------------


def test_an_answer_reaches_the_followers_and_never_the_answerer():
    asker, fan, quitter, answerer, stranger = (make_user() for _ in range(5))
    question = _asked(asker)
    questions.add_me_too(fan, question)
    notifications.follow(quitter, question=question)
    notifications.unfollow(quitter, question=question)
    notifications.follow(answerer, question=question)  # following does not make you hear yourself

    answer = answers.post_answer(answerer, question, body="Replace the battery.")

    assert recipients(K.ANSWER) == {asker.id, fan.id}
    (note,) = notifications_of(asker)
    assert (note.question_id, note.answer_id, note.actor_id) == (
        question.id,
        answer.id,
        answerer.id,
    )
    assert notifications_of(stranger) == notifications_of(quitter) == []
    assert_counters_match_rows()


def test_the_asker_hears_right_away_and_other_followers_in_the_digest_by_default():
    asker, fan = make_user(), make_user()
    question = _asked(asker)
    questions.add_me_too(fan, question)

    answers.post_answer(make_user(), question, body="Replace the battery.")

    (for_asker,) = notifications_of(asker)
    (for_fan,) = notifications_of(fan)
    assert (for_asker.category, for_asker.email) == (Category.MY_QUESTIONS, EmailChoice.IMMEDIATE)
    assert (for_fan.category, for_fan.email) == (Category.FOLLOWED_QUESTIONS, EmailChoice.DAILY)


def test_preferences_decide_the_email_of_each_recipient():
    asker, fan = make_user(), make_user()
    question = _asked(asker)
    questions.add_me_too(fan, question)
    notifications.set_preferences(asker, {Category.MY_QUESTIONS: "off"})
    notifications.set_preferences(fan, {Category.FOLLOWED_QUESTIONS: "immediate"})

    answers.post_answer(make_user(), question, body="Replace the battery.")

    assert notifications_of(asker)[0].email is EmailChoice.OFF
    assert notifications_of(fan)[0].email is EmailChoice.IMMEDIATE


def test_an_official_answer_says_so():
    acme = make_company("Acme")
    agent = make_staff(acme, make_user("jane", display_name="Jane Doe")).user
    asker = make_user()
    question = _asked(asker, company=acme, title="The widget overheats")

    answers.post_answer(agent, question, body="A fix ships on Monday.")

    (note,) = notifications_of(asker)
    assert note.kind is K.OFFICIAL_ANSWER
    assert note.sentence == "Jane Doe (@jane) answered “The widget overheats” officially for Acme"


def test_answering_asking_and_me_too_follow_the_question():
    asker, fan, answerer = make_user(), make_user(), make_user()
    question = _asked(asker)
    questions.add_me_too(fan, question)
    answers.post_answer(answerer, question, body="Replace the battery.")

    for user in (asker, fan, answerer):
        assert follows_of(user) == [(question.id, None, None)]
    # Withdrawing the "me too" keeps the follow (unfollowing is its own button).
    questions.remove_me_too(fan, question)
    assert follows_of(fan) == [(question.id, None, None)]


# New questions ---------------------------------------------------------------------------


def test_a_new_question_reaches_product_and_company_followers_once_each():
    acme = make_company("Acme")
    drive, mail = make_product(acme, "Drive"), make_product(acme, "Mail")
    product_fan, company_fan, both, mail_fan, asker = (make_user() for _ in range(5))
    notifications.follow(product_fan, product=drive)
    notifications.follow(company_fan, company=acme)
    notifications.follow(both, product=drive)
    notifications.follow(both, company=acme)
    notifications.follow(mail_fan, product=mail)
    notifications.follow(asker, company=acme)

    question = _asked(asker, company=acme, product=drive, title="Drive does not sync")

    assert recipients(K.NEW_QUESTION) == {product_fan.id, company_fan.id, both.id}
    assert len(notifications_of(both)) == 1
    (note,) = notifications_of(company_fan)
    assert note.question_id == question.id
    assert note.sentence.endswith("asked about Drive: “Drive does not sync”")
    assert note.email is EmailChoice.DAILY


def test_staff_of_a_claimed_company_follow_its_new_questions():
    acme = make_company("Acme", domain="acme.example")
    keeper = make_user(is_admin=True)
    claim = make_claim(acme, make_user("jane"))
    claims.approve_claim(keeper, claim, note="OK")
    jane = claim.user

    _asked(make_user(), company=acme, title="Where is the manual?")

    assert follows_of(jane) == [(None, None, acme.id)]
    assert jane.id in recipients(K.NEW_QUESTION)


# Statuses --------------------------------------------------------------------------------


def test_a_status_change_tells_the_followers_what_the_company_marked():
    acme = make_company("Acme Cloud")
    jane = make_staff(acme).user
    asker, fan = make_user(), make_user()
    problem = _asked(asker, company=acme, kind=Kind.PROBLEM, title="Sync stops")
    questions.add_me_too(fan, problem)

    questions.set_status(jane, problem, "solved")

    assert recipients(K.STATUS_CHANGED) == {asker.id, fan.id}
    (note,) = notifications_of(fan)
    assert note.detail == "solved"
    assert note.sentence == "Acme Cloud marked this problem solved: “Sync stops”"


def test_setting_the_same_status_again_notifies_nobody_but_each_change_does(monkeypatch):
    acme = make_company()
    jane = make_staff(acme).user
    asker = make_user()
    problem = _asked(asker, company=acme, kind=Kind.PROBLEM)
    start = utcnow()

    for minutes, status in enumerate(["solved", "solved", "open", "solved"]):
        monkeypatch.setattr(app.db, "CLOCK", lambda m=minutes: start + timedelta(minutes=m))
        questions.set_status(jane, problem, status)

    assert [n.detail for n in notifications_of(asker)] == ["solved", "open", "solved"]


# Direct events ---------------------------------------------------------------------------


def test_best_answer_tells_only_the_answers_author_once():
    asker, author, fan = make_user(), make_user(), make_user()
    question = _asked(asker)
    questions.add_me_too(fan, question)
    answer = answers.post_answer(author, question, body="Replace the battery.")

    answers.choose_best_answer(asker, question, answer)
    answers.choose_best_answer(asker, question, answer)

    assert recipients(K.BEST_ANSWER) == {author.id}
    assert len(notifications_of(author, K.BEST_ANSWER)) == 1


def test_choosing_ones_own_answer_notifies_nobody():
    asker = make_user()
    question = _asked(asker)
    answer = answers.post_answer(asker, question, body="Found it myself: the battery.")

    answers.choose_best_answer(asker, question, answer)

    assert recipients(K.BEST_ANSWER) == set()


def test_an_endorsement_tells_the_author():
    acme = make_company("Acme")
    jane = make_staff(acme).user
    author = make_user()
    answer = make_answer(make_question(acme), author=author)

    answers.endorse_answer(jane, answer)
    answers.endorse_answer(jane, answer)

    notes = notifications_of(author)
    (note,) = [n for n in notes if n.kind is K.ENDORSED]
    # A first endorsement also earns a badge, told once (app.reputation.badges).
    assert [n.kind for n in notes if n is not note] == [K.BADGE]
    assert note.kind is K.ENDORSED
    assert note.sentence.startswith("Acme endorsed your answer to")


def test_helpful_votes_group_into_one_unread_notification():
    author = make_user()
    answer = make_answer(make_question(title="Why so slow?"), author=author)
    voters = [make_user() for _ in range(3)]

    for voter in voters:
        answers.vote_helpful(voter, answer)

    (note,) = notifications_of(author)
    assert note.count == 3
    assert note.sentence == "3 people found your answer to “Why so slow?” helpful"
    assert unread_counter(author) == 1

    notifications.mark_read(author, note.id)
    answers.withdraw_helpful(voters[0], answer)  # a withdrawn vote un-notifies nothing
    answers.vote_helpful(make_user(), answer)

    first, second = notifications_of(author)
    assert (first.count, second.count) == (3, 1)
    assert unread_counter(author) == 1
    assert_counters_match_rows()


def test_a_claim_decision_is_notified_but_mailed_only_by_the_claims_own_email():
    keeper = make_user(is_admin=True)
    approved = make_claim(make_company("Acme", domain="acme.example"))
    rejected = make_claim(make_company("Nimbus", domain="nimbus.example"))

    claims.approve_claim(keeper, approved, note="Welcome.")
    claims.reject_claim(keeper, rejected, note="Not your company.")

    (yes,) = notifications_of(approved.user)
    (no,) = notifications_of(rejected.user)
    assert (yes.kind, yes.detail, yes.email) == (K.CLAIM_DECISION, "approved", EmailChoice.OFF)
    assert (no.detail, no.email) == ("rejected", EmailChoice.OFF)
    assert "was not approved" in no.sentence
    # One e-mail each: the decision e-mail claims.py always sent.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 2
    assert follows_of(approved.user) == [(None, None, approved.company_id)]
    assert follows_of(rejected.user) == []


def test_an_invitation_notifies_the_account_with_that_address_if_there_is_one():
    acme = make_company("Acme", domain="acme.example")
    admin = make_staff(acme, role="admin").user
    omar = make_user("omar", email="omar@acme.example")

    staff.invite_staff(admin, acme, email="omar@acme.example", role="agent")
    staff.invite_staff(admin, acme, email="nobody@acme.example", role="agent")

    assert recipients(K.STAFF_INVITATION) == {omar.id}
    (note,) = notifications_of(omar)
    assert note.email is EmailChoice.OFF
    assert "invited you to join Acme's staff as agent" in note.sentence


def test_joining_a_companys_staff_follows_the_company():
    from app.tokens import Purpose, make_token

    acme = make_company("Acme", domain="acme.example")
    admin = make_staff(acme, role="admin").user
    invitation = staff.invite_staff(admin, acme, email="omar@acme.example")
    omar = make_user("omar")

    staff.accept_invitation(omar, make_token(Purpose.STAFF_INVITATION, invitation.id, "pending"))

    assert follows_of(omar) == [(None, None, acme.id)]


# The rules of the fan-out ----------------------------------------------------------------


def test_notifications_live_and_die_with_the_callers_transaction():
    asker = make_user()
    question = _asked(asker)
    db.session.commit()

    notifications.notify(
        notifications.Event(K.STATUS_CHANGED, question_id=question.id, detail="solved")
    )
    assert len(notifications_of(asker)) == 1
    assert unread_counter(asker) == 1
    db.session.rollback()  # the change that caused it did not happen after all

    assert notifications_of(asker) == []
    assert unread_counter(asker) == 0


def test_a_deleted_question_takes_its_notifications_with_it():
    asker = make_user()
    question = _asked(asker)
    answers.post_answer(make_user(), question, body="Replace the battery.")
    assert len(notifications_of(asker)) == 1

    db.session.delete(question)
    db.session.flush()

    assert notifications_of(asker) == []


def test_the_same_event_twice_notifies_once():
    asker = make_user()
    question = _asked(asker)
    answer = make_answer(question)
    event = notifications.Event(
        K.ANSWER, actor_id=answer.author_id, question_id=question.id, answer_id=answer.id
    )

    assert notifications.notify(event) == 1
    assert notifications.notify(event) == 0

    assert len(notifications_of(asker)) == 1
    assert unread_counter(asker) == 1


def _answering_statements(followers: int, count_queries) -> list[str]:  # noqa: ANN001
    question = _asked(make_user())
    for _ in range(followers):
        notifications.add_follow(make_user().id, question_id=question.id)
    answerer = make_user()
    # Not their first answer: no badge to tell them of (app.reputation.badges).
    for code in (BadgeCode.FIRST_ANSWER, BadgeCode.FIVE_COMPANIES):
        db.session.add(Badge(user_id=answerer.id, code=code))
    db.session.commit()
    with count_queries() as statements:
        answers.post_answer(answerer, question, body="Replace the battery.")
    return statements


def test_answering_costs_the_same_statements_for_few_and_many_followers(count_queries):
    few = _answering_statements(2, count_queries)
    many = _answering_statements(40, count_queries)

    # One INSERT … SELECT writes every follower's notification, one UPDATE their counters
    # (measured at 10,000 followers in bench/notify_fanout.py).
    assert len(few) == len(many)
    writes = [s.split("(")[0].split(" SET")[0].strip() for s in many if "notifications" in s]
    assert writes.count("INSERT INTO notifications") == 1
    assert len(recipients(K.ANSWER)) == 2 + 1 + 40 + 1  # the followers and both askers


def test_preference_rows_are_one_per_category():
    user = make_user()
    notifications.set_preferences(user, {Category.MY_ANSWERS: "off"})
    notifications.set_preferences(user, {Category.MY_ANSWERS: "immediate"})

    rows = db.session.execute(
        sa.select(NotificationPreference.category, NotificationPreference.email).where(
            NotificationPreference.user_id == user.id
        )
    ).all()
    assert rows == [(Category.MY_ANSWERS, EmailChoice.IMMEDIATE)]
