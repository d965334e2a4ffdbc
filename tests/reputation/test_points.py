"""Points change in the same transaction as their cause, by the rules of product.md
("Reputation"), and after every change the stored totals equal a recomputation."""

from __future__ import annotations

import pytest

from app.answers import services as answers
from app.extensions import db
from app.moderation import deleting, hiding, merging
from app.moderation.accounts import suspend_user
from app.questions import services as questions
from app.reputation.models import month_of
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.reputation.helpers import (
    assert_recomputed,
    company_points,
    month_points,
    points,
)


@pytest.fixture
def acme():
    company = make_company("Acme", domain="acme.example")
    make_staff(company, make_user("agent"), role="admin")
    return company


@pytest.fixture
def thread(acme):
    """Ada asks on Acme; Bob and Cy answer."""
    ada, bob, cy = make_user("ada"), make_user("bob"), make_user("cy")
    question = make_question(acme, author=ada, title="The widget beeps all night")
    first = make_answer(question, author=bob, body="Take the battery out.")
    second = make_answer(question, author=cy, body="Update the firmware.")
    db.session.commit()
    return ada, bob, cy, question, first, second


def test_a_helpful_vote_gives_ten_and_withdrawing_it_takes_them_back(thread):
    ada, bob, _cy, _question, first, _second = thread
    voter = make_user("voter")

    answers.vote_helpful(voter, first)
    answers.vote_helpful(ada, first)
    answers.vote_helpful(ada, first)  # a second click changes nothing

    assert points(bob) == 20
    assert_recomputed()

    answers.withdraw_helpful(voter, first)
    answers.withdraw_helpful(voter, first)

    assert points(bob) == 10
    assert points(voter) == 0 and points(ada) == 0
    assert_recomputed()


def test_the_best_answer_gives_twenty_five_and_moves_when_the_asker_changes_it(thread):
    ada, bob, cy, question, first, second = thread

    answers.choose_best_answer(ada, question, first)
    assert (points(bob), points(cy)) == (25, 0)

    answers.choose_best_answer(ada, question, first)  # the same again: nothing moves
    answers.choose_best_answer(ada, question, second)
    assert (points(bob), points(cy)) == (0, 25)
    assert_recomputed()

    answers.clear_best_answer(ada, question)
    assert (points(bob), points(cy)) == (0, 0)
    assert points(ada) == 0
    assert_recomputed()


def test_an_endorsement_gives_fifteen_until_withdrawn(acme, thread):
    _ada, bob, *_rest = thread
    first = thread[4]
    agent = acme_admin(acme)

    answers.endorse_answer(agent, first)
    answers.endorse_answer(agent, first)
    assert points(bob) == 15
    assert_recomputed()

    answers.withdraw_endorsement(agent, first)
    assert points(bob) == 0
    assert points(agent) == 0
    assert_recomputed()


def acme_admin(acme):
    from app.companies.models import Membership

    return (
        db.session.scalars(db.select(Membership).where(Membership.company_id == acme.id))
        .first()
        .user
    )


def test_each_me_too_gives_the_asker_two(thread):
    ada, bob, cy, question, *_answers = thread

    questions.add_me_too(bob, question)
    questions.add_me_too(cy, question)
    questions.add_me_too(cy, question)
    assert points(ada) == 4
    assert_recomputed()

    questions.remove_me_too(bob, question)
    assert points(ada) == 2
    assert (points(bob), points(cy)) == (0, 0)
    assert_recomputed()


def test_official_answers_earn_their_author_nothing(acme):
    ada, voter = make_user("ada"), make_user("voter")
    agent = acme_admin(acme)
    question = make_question(acme, author=ada)
    db.session.commit()
    official = answers.post_answer(agent, question, body="Hold the reset button for 10 s.")
    assert official.is_official

    answers.vote_helpful(voter, official)
    answers.vote_helpful(ada, official)
    answers.choose_best_answer(ada, question, official)

    assert points(agent) == 0
    assert_recomputed()


def test_nobody_earns_points_from_their_own_choice(thread):
    ada, *_rest, question, _first, _second = thread
    own = make_answer(question, author=ada, body="I found it myself: the battery.")
    db.session.commit()

    answers.choose_best_answer(ada, question, own)

    assert points(ada) == 0
    assert_recomputed()


def test_hiding_an_answer_takes_back_all_it_earned_and_restoring_gives_it_back(acme, thread):
    ada, bob, _cy, question, first, _second = thread
    moderator = make_user("mod", is_admin=True)
    answers.vote_helpful(make_user("voter"), first)
    answers.choose_best_answer(ada, question, first)
    answers.endorse_answer(acme_admin(acme), first)
    assert points(bob) == 50

    hiding.hide_post(moderator, first, reason="Spam.")
    hiding.hide_post(moderator, first, reason="Spam.")  # hidden already: nothing moves twice
    assert points(bob) == 0
    assert company_points(bob, acme) == 0
    assert_recomputed()

    hiding.restore_post(moderator, first)
    assert points(bob) == 50
    assert company_points(bob, acme) == 50
    assert_recomputed()


def test_hiding_a_question_takes_back_its_me_toos_but_not_its_answers_points(thread):
    ada, bob, cy, question, first, _second = thread
    moderator = make_user("mod", is_admin=True)
    questions.add_me_too(bob, question)
    answers.vote_helpful(cy, first)

    hiding.hide_post(moderator, question, reason="Off topic.")
    assert (points(ada), points(bob)) == (0, 10)
    assert_recomputed()

    hiding.restore_post(moderator, question)
    assert (points(ada), points(bob)) == (2, 10)
    assert_recomputed()


def test_deleting_ones_answer_takes_back_its_points(thread):
    ada, bob, _cy, question, first, _second = thread
    answers.vote_helpful(ada, first)
    answers.choose_best_answer(ada, question, first)

    deleting.delete_post(bob, first)

    assert points(bob) == 0
    assert_recomputed()


def test_a_vote_on_a_hidden_answer_counts_only_once_it_is_restored(thread):
    _ada, bob, _cy, _question, first, _second = thread
    moderator = make_user("mod", is_admin=True)
    hiding.hide_post(moderator, first, reason="Checking.")

    answers.vote_helpful(moderator, first)  # a moderator still reads (and may vote)
    assert points(bob) == 0
    assert_recomputed()

    hiding.restore_post(moderator, first)
    assert points(bob) == 10
    answers.withdraw_helpful(moderator, first)
    assert points(bob) == 0
    assert_recomputed()


def test_delete_spammer_takes_back_the_points_of_every_post(thread):
    ada, bob, cy, question, first, _second = thread
    moderator = make_user("mod", is_admin=True)
    answers.vote_helpful(cy, first)
    other = make_question(question.company, author=bob, title="Spam spam spam")
    db.session.commit()
    questions.add_me_too(cy, other)
    assert points(bob) == 12

    suspend_user(moderator, bob, reason="Spam.", forever=True, delete_spammer=True)

    assert points(bob) == 0
    assert_recomputed()


def test_a_merge_keeps_everyones_points(acme):
    """The duplicate's best answer, votes and "me too"s stay earned where they were."""
    moderator = make_user("mod", is_admin=True)
    ada, dan, bob, cy, eve = (make_user(n) for n in ("ada", "dan", "bob", "cy", "eve"))
    original = make_question(acme, author=ada, title="The widget beeps at night")
    duplicate = make_question(acme, author=dan, title="My widget beeps every night")
    duplicate.created_at = original.created_at.replace(microsecond=0) + _second()
    answer = make_answer(duplicate, author=bob, body="Take the battery out.")
    db.session.commit()
    answers.vote_helpful(cy, answer)
    answers.choose_best_answer(dan, duplicate, answer)
    questions.add_me_too(cy, duplicate)
    questions.add_me_too(eve, duplicate)
    questions.add_me_too(eve, original)
    before = {person.username: points(person) for person in (ada, dan, bob, cy, eve)}
    assert before == {"ada": 2, "dan": 4, "bob": 35, "cy": 0, "eve": 0}

    merging.merge_question(moderator, duplicate, into=original)

    after = {person.username: points(person) for person in (ada, dan, bob, cy, eve)}
    assert after == before
    assert_recomputed()

    # After the merge, new acts earn as usual; a moved "me too" withdrawn takes nothing.
    answers.vote_helpful(eve, answer)
    questions.remove_me_too(cy, original)
    questions.add_me_too(make_user("fay"), original)
    assert (points(bob), points(dan), points(ada)) == (45, 4, 4)
    assert_recomputed()

    # Hiding and restoring the moved best answer: its kept points go and come back.
    hiding.hide_post(moderator, answer, reason="Checking.")
    assert points(bob) == 0
    hiding.restore_post(moderator, answer)
    assert points(bob) == 45
    assert_recomputed()


def _second():
    from datetime import timedelta

    return timedelta(seconds=1)


def test_points_count_in_the_month_they_were_earned(clock, thread):
    _ada, bob, _cy, _question, first, _second_answer = thread
    voter, later = make_user("voter"), make_user("later")
    march = month_of(clock.now)
    answers.vote_helpful(voter, first)
    clock.move(days=30)  # into April
    april = month_of(clock.now)
    answers.vote_helpful(later, first)

    assert (month_points(bob, march), month_points(bob, april)) == (10, 10)
    assert company_points(bob, first.question.company, march) == 10

    answers.withdraw_helpful(voter, first)  # March's vote withdrawn in April: March loses it

    assert (month_points(bob, march), month_points(bob, april)) == (0, 10)
    assert points(bob) == 10
    assert company_points(bob, first.question.company) == 10
    assert_recomputed()
