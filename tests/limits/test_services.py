"""The limits on writing, on the services (app/limits.py): every boundary, both kinds of
post, per account and per address, the first day, links, repeated text; a refusal writes
nothing and takes no place."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.answers import services as answers
from app.errors import RateLimited, ValidationError
from app.questions import services as questions
from tests.checks import snapshot
from tests.factories import make_company, make_question, make_user
from tests.limits.conftest import HOME, OFFICE

FIVE_LINKS = (
    "See https://a.example.com, https://b.example.com, c.example.com, "
    "[d](https://d.example.com) and e.org."
)


@pytest.fixture
def acme():
    return make_company("Acme")


def _old(name: str, clock, **fields):  # noqa: ANN001, ANN202
    """An account well past its first day."""
    return make_user(name, created_at=clock.now - timedelta(days=30), **fields)


def _ask(author, company, n: int, body: str | None = None):  # noqa: ANN001, ANN202
    return questions.ask_question(
        author,
        company,
        title=f"Question number {n} about syncing",
        body=body if body is not None else f"The details of question {n}.",
    )


def _answer(author, question, n: int, body: str | None = None):  # noqa: ANN001, ANN202
    return answers.post_answer(
        author, question, body=body if body is not None else f"Answer number {n}."
    )


def _refused_question(author, company, n: int, body: str | None = None) -> RateLimited:  # noqa: ANN001
    before = snapshot()
    with pytest.raises(RateLimited) as refused:
        _ask(author, company, n, body)
    assert snapshot() == before
    return refused.value


# Per account, per hour -----------------------------------------------------------------


def test_the_fifth_question_in_an_hour_passes_and_the_sixth_is_refused(clock, from_address, acme):
    ada = _old("ada", clock)
    with from_address(OFFICE):
        for n in range(5):
            clock.move(minutes=1)
            _ask(ada, acme, n)
        clock.move(minutes=10)  # 14 minutes after the first question

        refused = _refused_question(ada, acme, 5)

    assert refused.status == 429 and refused.code == "rate_limited"
    assert refused.message == (
        "You have asked 5 questions in the last hour, the most Helpsquare allows. "
        "You can ask another question in 46 minutes."
    )
    assert refused.retry_after == 46 * 60


def test_the_twentieth_answer_in_an_hour_passes_and_the_twenty_first_is_refused(
    clock, from_address
):
    ada = _old("ada", clock)
    question = make_question()
    with from_address(OFFICE):
        for n in range(20):
            _answer(ada, question, n)
        clock.move(minutes=46)
        before = snapshot()

        with pytest.raises(RateLimited) as refused:
            _answer(ada, question, 20)

        # Inside the request: its end runs the search work the twenty answers left for after
        # their commits (app.search.deferred), which is not the refused answer's doing.
        assert snapshot() == before
    assert refused.value.message == (
        "You have posted 20 answers in the last hour, the most Helpsquare allows. "
        "You can post another answer in 14 minutes."
    )
    assert refused.value.retry_after == 14 * 60


def test_the_hour_slides_each_question_leaves_it_an_hour_after_it_was_asked(clock, acme):
    ada = _old("ada", clock)
    for n in range(5):
        _ask(ada, acme, n)
        clock.move(minutes=10)
    # The first was asked at 9:00, the fifth at 9:40; it is 9:50.

    clock.move(minutes=9, seconds=59)  # 9:59:59
    assert _refused_question(ada, acme, 5).retry_after == 1

    clock.move(seconds=2)  # 10:00:01: the 9:00 question has left the hour
    _ask(ada, acme, 5)
    refused = _refused_question(ada, acme, 6)
    assert refused.retry_after == 10 * 60 - 1  # the 9:10 question leaves at 10:10
    assert refused.message.endswith("You can ask another question in 10 minutes.")

    clock.move(minutes=10)  # 10:10:01
    _ask(ada, acme, 6)


def test_typos_cost_nothing_only_questions_let_in_count(clock, acme):
    ada = _old("ada", clock)
    for _ in range(6):
        with pytest.raises(ValidationError):
            questions.ask_question(ada, acme, title="Hm", body="")

    for n in range(5):
        _ask(ada, acme, n)
    _refused_question(ada, acme, 5)


# Per address -----------------------------------------------------------------------------


def test_one_address_counts_every_account_posting_from_it(clock, from_address, acme):
    ada, bea = _old("ada", clock), _old("bea", clock)
    with from_address(OFFICE):
        for n in range(3):
            _ask(ada, acme, n)
        for n in range(3, 5):
            _ask(bea, acme, n)
        clock.move(minutes=20)

        refused = _refused_question(bea, acme, 5)
        _refused_question(make_user("newcomer"), acme, 6)

    assert refused.message == (
        "5 questions were asked from your network address in the last hour, the most "
        "Helpsquare allows from one address. You can ask another question in 40 minutes."
    )
    assert refused.retry_after == 40 * 60
    with from_address(HOME):  # the same person elsewhere is not held back
        _ask(bea, acme, 7)


def test_one_account_is_counted_across_addresses(clock, from_address, acme):
    ada = _old("ada", clock)
    with from_address(OFFICE):
        for n in range(3):
            _ask(ada, acme, n)
    with from_address(HOME):
        for n in range(3, 5):
            _ask(ada, acme, n)

    with from_address("192.0.2.99"):
        refused = _refused_question(ada, acme, 5)

    assert refused.message.startswith("You have asked 5 questions in the last hour")


def test_a_refusal_by_the_address_takes_no_place_of_the_account(clock, from_address, acme):
    ada, bea = _old("ada", clock), _old("bea", clock)
    with from_address(OFFICE):
        for n in range(5):
            _ask(bea, acme, n)
        for n in range(5, 8):
            _refused_question(ada, acme, n)
    with from_address(HOME):
        for n in range(8, 13):  # all five of ada's places are still hers
            _ask(ada, acme, n)


def test_an_ipv6_address_counts_by_its_64_network(clock, from_address, acme):
    people = [_old(f"user{n}", clock) for n in range(6)]
    for n, person in enumerate(people[:5]):
        with from_address(f"2001:db8:1:2::{n + 1}"):
            _ask(person, acme, n)

    with from_address("2001:db8:1:2:ffff::9"):
        _refused_question(people[5], acme, 5)
    with from_address("2001:db8:1:3::1"):  # the next /64 is someone else
        _ask(people[5], acme, 6)


def test_answers_and_questions_are_counted_apart(clock, acme):
    ada = _old("ada", clock)
    question = make_question(acme)
    for n in range(5):
        _ask(ada, acme, n)

    for n in range(20):
        _answer(ada, question, n)


# The first day ---------------------------------------------------------------------------


def test_a_new_account_asks_three_questions_on_its_first_day(clock, acme):
    newbie = make_user("newbie")  # created at 9:00
    for n in range(3):
        clock.move(minutes=1)
        _ask(newbie, acme, n)

    refused = _refused_question(newbie, acme, 3)
    assert refused.message == (
        "New accounts can ask 3 questions in their first day. "
        "You can ask another question in 23 hours and 57 minutes."
    )
    assert refused.retry_after == (24 * 60 - 3) * 60

    clock.move(hours=23, minutes=56, seconds=59)  # 8:59:59 the next day
    assert _refused_question(newbie, acme, 3).retry_after == 1
    clock.move(seconds=1)  # 9:00: a day old
    _ask(newbie, acme, 3)
    _ask(newbie, acme, 4)


def test_a_new_account_posts_ten_answers_on_its_first_day(clock):
    newbie = make_user("newbie")
    question = make_question()
    for n in range(10):
        _answer(newbie, question, n)
    clock.move(hours=2)  # the hour has passed, the first day has not
    before = snapshot()

    with pytest.raises(RateLimited) as refused:
        _answer(newbie, question, 10)

    assert snapshot() == before
    assert refused.value.message == (
        "New accounts can post 10 answers in their first day. "
        "You can post another answer in 22 hours."
    )
    clock.move(hours=22)
    _answer(newbie, question, 10)


def test_two_links_pass_and_three_are_refused_on_the_first_day(clock, acme):
    newbie = make_user("newbie")
    question = make_question(acme)
    clock.move(hours=5)
    _ask(newbie, acme, 1, body="See https://a.example.com and [the guide](https://b.example.com).")
    _answer(
        newbie, question, 1, body="Links: <https://a.example.com>, b.example.org. `c.example.com`"
    )
    before = snapshot()

    with pytest.raises(ValidationError) as asked:
        _ask(
            newbie,
            acme,
            2,
            body="Three: https://a.example.com, b.example.org, ![x](https://c.com/x.png)",
        )
    with pytest.raises(ValidationError) as answered:
        _answer(newbie, question, 2, body=FIVE_LINKS)

    assert snapshot() == before
    assert asked.value.fields == {
        "body": "New accounts can include at most 2 links (or images) in a post in their "
        "first day; this one has 3. Remove one, or post it in 19 hours."
    }
    assert answered.value.fields["body"].startswith(
        "New accounts can include at most 2 links (or images) in a post in their first day; "
        "this one has 5. Remove 3,"
    )
    clock.move(hours=19)  # day two
    _ask(newbie, acme, 2, body=FIVE_LINKS)


# The same text twice -----------------------------------------------------------------------


def test_the_same_text_within_ten_minutes_is_refused(clock):
    ada = _old("ada", clock)
    first, second, third = make_question(), make_question(), make_question()
    _answer(ada, first, 1, body="Restart the router, then wait a minute.")
    clock.move(minutes=9, seconds=59)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        # The same words, whatever the case, spacing and invisible characters.
        _answer(ada, second, 2, body="  restart the\u200b ROUTER,\n\nthen   wait a minute. ")

    assert snapshot() == before
    assert refused.value.fields == {
        "body": "You posted this same text 9 minutes ago. Change it, or post it again in a minute."
    }
    clock.move(seconds=2)  # 10:00:01 after the first
    _answer(ada, second, 2, body="Restart the router, then wait a minute.")
    _answer(ada, third, 3, body="Restart the router, then wait two minutes.")


def test_the_same_text_as_a_question_and_an_answer_counts_as_the_same(clock, acme):
    ada = _old("ada", clock)
    _ask(ada, acme, 1, body="Cheap watches at spam.example")

    with pytest.raises(ValidationError) as refused:
        _answer(ada, make_question(acme), 1, body="Cheap watches at spam.example")

    assert refused.value.fields["body"].startswith("You posted this same text less than")


def test_someone_else_may_post_the_same_text(clock):
    question = make_question()
    _answer(_old("ada", clock), question, 1, body="Same here.")
    _answer(_old("bea", clock), question, 2, body="Same here.")


def test_a_refused_repeat_takes_no_place(clock, acme):
    ada = _old("ada", clock)
    _ask(ada, acme, 0, body="The same.")
    for n in range(1, 4):
        with pytest.raises(ValidationError):
            _ask(ada, acme, n, body="The same.")
    for n in range(4, 8):
        _ask(ada, acme, n)


# Who is exempt, and switching them off ------------------------------------------------------


def test_site_admins_are_not_limited(clock, from_address, acme):
    keeper = make_user("keeper", is_admin=True)  # and on their first day
    question = make_question(acme)
    with from_address(OFFICE):
        for n in range(7):
            _ask(keeper, acme, n, body=FIVE_LINKS if n else "Announcement.")
        for n in range(12):
            _answer(keeper, question, n, body="Announcement.")


def test_staff_are_limited_like_everyone_else(clock, acme):
    from tests.factories import make_staff

    agent = make_user("agent", created_at=clock.now - timedelta(days=30))
    make_staff(acme, agent)
    question = make_question(acme)
    for n in range(20):
        assert _answer(agent, question, n).is_official
    with pytest.raises(RateLimited):
        _answer(agent, question, 20)


def test_ratelimit_enabled_false_turns_every_limit_on_writing_off(
    app, clock, from_address, acme, monkeypatch
):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    newbie = make_user("newbie")
    question = make_question(acme)
    with from_address(OFFICE):
        for n in range(7):
            _ask(newbie, acme, n, body=FIVE_LINKS)
        for n in range(25):
            _answer(newbie, question, n, body="The same text.")


def test_the_numbers_are_settings(app, clock, acme, monkeypatch):
    monkeypatch.setitem(app.config, "QUESTION_LIMITS", "1 per 10 minutes")
    ada = _old("ada", clock)
    _ask(ada, acme, 0)
    clock.move(minutes=3)

    refused = _refused_question(ada, acme, 1)

    assert refused.message == (
        "You have asked 1 question in the last 10 minutes, the most Helpsquare allows. "
        "You can ask another question in 7 minutes."
    )
