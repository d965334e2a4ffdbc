"""Badges: each rule, awarded once, told once (a notification on the page, never e-mailed),
shown on the profile and explained on the badges page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.answers import services as answers
from app.extensions import db
from app.notifications.models import EmailChoice, Notification, NotificationKind
from app.reputation import champions
from app.reputation.models import Badge, BadgeCode
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user


def badges_of(user) -> list[BadgeCode]:  # noqa: ANN001
    return list(
        db.session.scalars(
            sa.select(Badge.code).where(Badge.user_id == user.id).order_by(Badge.code)
        )
    )


def badge_notes(user) -> list[Notification]:  # noqa: ANN001
    return list(
        db.session.scalars(
            sa.select(Notification).where(
                Notification.user_id == user.id, Notification.kind == NotificationKind.BADGE
            )
        )
    )


@pytest.fixture
def acme():
    company = make_company("Acme", domain="acme.example")
    make_staff(company, make_user("agent"), role="admin")
    return company


def _agent(company):  # noqa: ANN001, ANN202
    from app.companies.models import Membership

    return (
        db.session.scalars(sa.select(Membership).where(Membership.company_id == company.id))
        .first()
        .user
    )


def test_a_first_answer_to_someone_elses_question_earns_a_badge_once(acme):
    peer = make_user("peer")
    first, second = make_question(acme), make_question(acme)
    own = make_question(acme, author=peer)
    db.session.commit()

    answers.post_answer(peer, own, body="Answering myself does not count.")
    assert badges_of(peer) == []

    answers.post_answer(peer, first, body="Take the battery out.")
    answers.post_answer(peer, second, body="Update the firmware.")

    assert badges_of(peer) == [BadgeCode.FIRST_ANSWER]
    (note,) = badge_notes(peer)
    assert note.sentence == (
        "You earned the badge “First answer”: answered someone else's question as a fellow "
        "customer for the first time."
    )
    assert note.email is EmailChoice.OFF  # told on the page, never e-mailed
    assert note.target == ("reputation.badges", {"_anchor": "badge-first_answer"})


def test_an_official_answer_earns_no_badge(acme):
    question = make_question(acme)
    db.session.commit()

    answers.post_answer(_agent(acme), question, body="We are on it.")

    assert badges_of(_agent(acme)) == []


def test_the_first_best_answer_and_the_first_endorsement(acme):
    asker, peer = make_user("asker"), make_user("peer")
    question = make_question(acme, author=asker)
    answer = make_answer(question, author=peer)
    other = make_answer(make_question(acme, author=asker), author=peer)
    db.session.commit()

    answers.choose_best_answer(asker, question, answer)
    answers.choose_best_answer(asker, other.question, other)
    answers.endorse_answer(_agent(acme), answer)
    answers.endorse_answer(_agent(acme), other)

    assert badges_of(peer) == [BadgeCode.FIRST_BEST_ANSWER, BadgeCode.FIRST_ENDORSEMENT]
    assert len(badge_notes(peer)) == 2


def test_ten_answers_found_helpful_earn_the_helpful_badge(acme):
    peer, voter = make_user("peer"), make_user("voter")
    posted = [make_answer(make_question(acme), author=peer) for _ in range(10)]
    db.session.commit()

    for answer in posted[:9]:
        answers.vote_helpful(voter, answer)
    answers.vote_helpful(make_user("second"), posted[0])  # a second vote on one counts once
    assert badges_of(peer) == []

    answers.vote_helpful(voter, posted[9])

    assert badges_of(peer) == [BadgeCode.HELPFUL_ANSWERS]


def test_a_hidden_answer_does_not_count_toward_a_badge(acme):
    peer, voter = make_user("peer"), make_user("voter")
    moderator = make_user("mod", is_admin=True)
    posted = [make_answer(make_question(acme), author=peer) for _ in range(10)]
    db.session.commit()
    for answer in posted[:9]:
        answers.vote_helpful(voter, answer)
    from app.moderation import hiding

    hiding.hide_post(moderator, posted[0], reason="Spam.")

    answers.vote_helpful(voter, posted[9])

    assert badges_of(peer) == []


def test_a_hundred_helpful_votes_earn_the_trusted_voice_badge(acme):
    peer = make_user("peer")
    posted = [make_answer(make_question(acme), author=peer) for _ in range(4)]
    voters = [make_user(f"voter{n}") for n in range(25)]
    db.session.commit()

    for answer in posted:
        for voter in voters:
            if (answer, voter) != (posted[-1], voters[-1]):
                answers.vote_helpful(voter, answer)
    assert BadgeCode.HELPFUL_VOTES not in badges_of(peer)  # 99 votes

    answers.vote_helpful(voters[-1], posted[-1])

    assert BadgeCode.HELPFUL_VOTES in badges_of(peer)


def test_answering_in_five_companies_earns_the_well_travelled_badge():
    peer = make_user("peer")
    companies = [make_company(f"Company {n}") for n in range(5)]
    questions = [make_question(company) for company in companies]
    db.session.commit()

    for question in questions[:4]:
        answers.post_answer(peer, question, body=f"Answer about {question.company.name}.")
        answers.post_answer(peer, questions[0], body=f"Another one, {question.id}.")
    assert BadgeCode.FIVE_COMPANIES not in badges_of(peer)

    answers.post_answer(peer, questions[4], body="The fifth company.")

    assert BadgeCode.FIVE_COMPANIES in badges_of(peer)


def test_being_named_a_champion_earns_the_champion_badge_once(acme):
    peer = make_user("peer")
    make_answer(make_question(acme), author=peer)
    nimbus = make_company("Nimbus", domain="nimbus.example")
    make_staff(nimbus, make_user("nimbusadmin"), role="admin")
    make_answer(make_question(nimbus), author=peer)
    db.session.commit()

    champions.name_champion(_agent(acme), acme, peer)
    champions.name_champion(_agent(nimbus), nimbus, peer)

    assert badges_of(peer) == [BadgeCode.CHAMPION]
    assert len(badge_notes(peer)) == 1


def test_the_profile_shows_points_and_badges_and_the_badges_page_explains_them(client, acme):
    peer, asker = make_user("peer", display_name="Pat"), make_user("asker")
    question = make_question(acme, author=asker)
    db.session.commit()
    answer = answers.post_answer(peer, question, body="Take the battery out.")
    answers.choose_best_answer(asker, question, answer)

    profile = client.get("/users/peer").get_data(as_text=True)

    assert "<strong>25</strong> points for helping others" in profile
    assert 'href="/badges#badge-first_answer"' in profile
    assert "First answer</span>" in profile and "Solved it</span>" in profile

    login_as(client, peer)
    page = client.get("/badges").get_data(as_text=True)
    assert 'id="badge-helpful_votes"' in page
    assert "Your answers received 100 helpful votes." in page
    assert page.count("You earned it") == 2


def test_a_profile_without_badges_says_nothing_of_them(client):
    make_user("newbie")

    profile = client.get("/users/newbie").get_data(as_text=True)

    assert "<strong>0</strong> points" in profile
    assert 'id="badges-heading"' not in profile
