"""Official answers: the badge with name, title and company, and whether the company takes part."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.answers import services as answer_services
from app.answers.models import Answer
from app.companies import staff
from app.errors import PermissionDenied
from app.extensions import db
from app.policy import Permission, can
from app.questions.models import Status
from tests.api.helpers import API, Api, auth, token_for
from tests.checks import person, snapshot
from tests.company_tools.helpers import make_acme, revoke
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.questions.helpers import text

BADGE = "Official answer · "


@pytest.fixture
def acme():
    return make_acme()


@pytest.fixture
def question(acme):
    return make_question(
        acme.company,
        author=acme.asker,
        title="Sync stops after the update",
        slug="sync",
        age=timedelta(days=2),
    )


def _post(client, question, body: str):
    return client.post(f"/questions/{question.id}/answers", data={"body": body})


def _page(client, question) -> str:
    return text(client.get(f"/questions/{question.id}/sync"))


def _answer(body: str) -> Answer:
    return db.session.scalars(sa.select(Answer).where(Answer.body == body)).one()


def test_a_staff_answer_carries_the_official_badge_with_name_title_and_company(
    client, acme, question
):
    db.session.commit()
    login_as(client, acme.jane)

    response = _post(client, question, "Fixed in 4.3, please update.")

    answer = _answer("Fixed in 4.3, please update.")
    assert response.status_code == 303
    assert answer.is_official is True
    page = _page(client, question)
    badge = (
        f'<span class="badge badge--official" id="answer-{answer.id}-official">'
        '<span aria-hidden="true">◆ </span>'
        f'Official answer · <span class="person">{person("jane", "Jane Doe")}</span>, '
        "Head of Support at Acme</span>"
    )
    assert badge in page
    # Screen readers name the answer by its badge and its author.
    assert f'aria-labelledby="answer-{answer.id}-official answer-{answer.id}-by"' in page
    # The question reads as answered.
    assert "Answered</span>" in page
    db.session.refresh(question)
    assert (question.has_official_answer, question.status) == (True, Status.ANSWERED)


def test_staff_without_a_title_are_named_with_the_company(client, acme, question):
    db.session.commit()
    login_as(client, acme.boss)

    _post(client, question, "We are on it.")

    assert (
        f'Official answer · <span class="person">{person("boss", "Bo Boss")}</span> at Acme</span>'
        in _page(client, question)
    )


def test_the_badge_survives_a_later_revoke_and_later_answers_are_not_official(
    client, acme, question
):
    db.session.commit()
    login_as(client, acme.jane)
    _post(client, question, "Official, while on staff.")
    revoke(acme.jane_membership)
    db.session.commit()

    response = _post(client, question, "Posted after leaving Acme.")

    assert response.status_code == 303
    assert _answer("Official, while on staff.").is_official is True
    assert _answer("Posted after leaving Acme.").is_official is False
    page = _page(client, question)
    assert page.count(BADGE) == 1
    assert f"{person('jane', 'Jane Doe')}</span>, Head of Support at Acme</span>" in page
    later = _answer("Posted after leaving Acme.")
    card = page[page.index(f'id="answer-{later.id}"') :]
    card = card[: card.index("</article>")]
    assert BADGE not in card and "badge--official" not in card


def test_staff_of_another_company_answer_as_peers(client, acme, question):
    db.session.commit()
    login_as(client, acme.rival)

    _post(client, question, "Not my company, but this worked for me.")

    assert _answer("Not my company, but this worked for me.").is_official is False
    page = _page(client, question)
    assert BADGE not in page
    assert "Rita Rival" in page and "CEO" not in page
    assert "Acme staff have not answered yet." in page
    db.session.refresh(question)
    assert question.status == Status.OPEN


def test_a_staff_member_of_two_companies_shows_the_title_of_the_questions_company(
    client, acme, question
):
    make_staff(make_company("Initech", domain="initech.com"), acme.jane, title="Consultant")
    db.session.commit()
    login_as(client, acme.jane)

    _post(client, question, "Answering for Acme.")

    page = _page(client, question)
    assert f"{person('jane', 'Jane Doe')}</span>, Head of Support at Acme</span>" in page
    assert "Consultant" not in page


# Whether the company takes part. -------------------------------------------------------------


def test_the_page_counts_the_staff_who_answered(client, acme, question):
    make_answer(question, author=acme.jane, is_official=True)
    make_answer(question, author=acme.jane, is_official=True)
    make_answer(question, author=acme.boss, is_official=True)
    make_answer(question, author=acme.peer)
    question.has_official_answer = True
    db.session.commit()

    page = _page(client, question)

    assert "Acme takes part in this community: 2 of its staff answered here." in page
    assert page.count(BADGE) == 3


def test_a_claimed_company_whose_staff_have_not_answered_says_so(client, acme, question):
    make_answer(question, author=acme.peer)
    db.session.commit()

    page = _page(client, question)

    assert "Acme staff have not answered yet." in page
    assert "takes part" not in page
    assert "has not joined Helpsquare yet" not in page


def test_an_unclaimed_company_keeps_the_neutral_wording(client):
    company = make_company("Umbrella", domain="umbrella.com")
    question = make_question(company, slug="sync")
    make_answer(question)
    db.session.commit()

    page = _page(client, question)

    assert "Umbrella has not joined Helpsquare yet: these answers come from fellow customers." in (
        page
    )
    assert "staff have not answered" not in page and "takes part" not in page


# The page's cost in SQL stays fixed with official answers. -----------------------------------


def _question_with_answers(acme, n: int):
    question = make_question(acme.company, product=acme.product, title=f"Question with {n} answers")
    staff = [acme.jane, acme.boss]
    for i in range(3):
        member = make_user()
        make_staff(acme.company, member, title=f"Agent {i}")
        staff.append(member)
    answers = [
        make_answer(
            question,
            author=staff[i % len(staff)] if i % 3 == 0 else make_user(),
            is_official=i % 3 == 0,
            is_endorsed=i % 3 == 1,
            created_at=question.created_at + timedelta(minutes=i),
        )
        for i in range(n)
    ]
    question.has_official_answer = True
    question.best_answer_id = answers[1].id
    return question


def _statements(client, count_queries, url: str) -> int:
    db.session.commit()
    db.session.expunge_all()  # the page must load all it shows itself
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        # question (1) + answers with authors and staff titles (1)
        ("anonymous", 3),
        # + the user (1), their helpful votes, me-too and following (1) as before, + the
        # viewer's staff roles (1): on a claimed company's page the policy asks whether the
        # viewer may endorse and set the status; once per request, whatever the answers.
        ("reader", 6),
        ("jane", 6),
        # A site admin may do both anyway: the policy never needs their staff roles.
        ("keeper", 5),
    ],
)
def test_the_question_page_runs_a_fixed_number_of_statements(
    client, count_queries, acme, viewer, expected
):
    small = _question_with_answers(acme, 3)
    large = _question_with_answers(acme, 60)
    users = {"reader": make_user("reader"), "jane": acme.jane, "keeper": acme.keeper}
    db.session.commit()
    if viewer != "anonymous":
        login_as(client, users[viewer])
    urls = [f"/questions/{q.id}/{q.slug}" for q in (small, large)]

    with_3 = _statements(client, count_queries, urls[0])
    with_60 = _statements(client, count_queries, urls[1])

    assert with_3 == with_60 == expected


def test_the_large_page_shows_every_badge(client, acme):
    """60 answers: the best, then the 20 official ones, on the first page of 30; the
    endorsed peer answers on both pages."""
    question = _question_with_answers(acme, 60)
    db.session.commit()

    page = text(client.get(f"/questions/{question.id}/{question.slug}"))
    more = re.search(r'<a rel="next"[^>]* href="([^"#]+)', page)[1].replace("&amp;", "&")
    second = text(client.get(more))

    assert page.count(BADGE) == 20 and second.count(BADGE) == 0
    assert page.count("Acme endorsed</span>") + second.count("Acme endorsed</span>") == 20
    assert "Acme takes part in this community: 5 of its staff answered here." in page


# Power ends when the role ends (security.md) -------------------------------------------------


def _official_by_jane(acme, question) -> Answer:
    return make_answer(question, author=acme.jane, body="Reset the sync token.", is_official=True)


def _edit_everywhere(client, answer: Answer, user) -> tuple[int, int, int]:  # noqa: ANN001
    """The edit form, its POST and the API's PATCH, as ``user``: their three statuses."""
    api = Api(client, user)
    login_as(client, user)
    form = client.get(f"/answers/{answer.id}/edit").status_code
    posted = client.post(f"/answers/{answer.id}/edit", data={"body": "Rewritten."}).status_code
    patched = api.patch(f"/answers/{answer.id}", {"body": "Rewritten."}).status_code
    return form, posted, patched


def test_staff_edit_their_official_answer_while_on_the_staff(client, acme, question):
    answer = _official_by_jane(acme, question)
    db.session.commit()

    assert _edit_everywhere(client, answer, acme.jane) == (200, 303, 200)
    db.session.refresh(answer)
    assert (answer.body, answer.is_official) == ("Rewritten.", True)


def test_a_removed_staff_member_can_no_longer_edit_their_official_answer(client, acme, question):
    answer = _official_by_jane(acme, question)
    own_peer_answer = make_answer(make_question(make_company("Initech")), author=acme.jane)
    staff.revoke_staff(acme.boss, acme.company, acme.jane)
    token = token_for(acme.jane)  # before the snapshot: the token is the test's arrangement
    db.session.commit()
    login_as(client, acme.jane)
    before = snapshot()

    form = client.get(f"/answers/{answer.id}/edit")
    posted = client.post(f"/answers/{answer.id}/edit", data={"body": "Rewritten."})
    patched = client.patch(
        f"{API}/answers/{answer.id}", json={"body": "Rewritten."}, headers=auth(token)
    )

    assert (form.status_code, posted.status_code, patched.status_code) == (403, 403, 403)
    assert snapshot() == before
    card = _page(client, question)
    badge = f'Official answer · <span class="person">{person("jane", "Jane Doe")}</span>, '
    assert badge + "Head of Support at Acme</span>" in card  # the badge stays
    assert "Edit answer" not in card
    with pytest.raises(PermissionDenied):
        answer_services.edit_answer(acme.jane, answer, body="Rewritten.")
    # Her own answers as a peer stay hers to edit.
    assert can(acme.jane, Permission.ANSWER_EDIT, own_peer_answer)


def test_a_moderator_still_edits_the_official_answer_of_someone_who_left(client, acme, question):
    answer = _official_by_jane(acme, question)
    staff.revoke_staff(acme.boss, acme.company, acme.jane)
    db.session.commit()

    assert _edit_everywhere(client, answer, acme.keeper) == (200, 303, 200)
    db.session.refresh(answer)
    assert (answer.body, answer.author_id, answer.is_official) == ("Rewritten.", acme.jane.id, True)
