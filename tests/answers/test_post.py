"""Posting and editing answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.answers import services
from app.answers.models import Answer
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.questions.models import Kind, Status
from tests.checks import person
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.questions.helpers import assert_counters_match_rows, count, is_sign_in_redirect, text


@pytest.fixture
def question():
    return make_question(
        make_company("Acme"), author=make_user("asker"), slug="sync", age=timedelta(days=1)
    )


def _answers(question) -> int:
    return count(Answer, Answer.question_id == question.id)


def test_posting_an_answer_shows_it_and_bumps_the_question(client, question):
    peer = make_user("peer", display_name="Pat Peer")
    db.session.commit()
    login_as(client, peer)
    before = question.last_activity_at

    response = client.post(
        f"/questions/{question.id}/answers", data={"body": "Turn *sync* off and on."}
    )

    answer = db.session.scalars(sa.select(Answer)).one()
    assert response.status_code == 303
    assert response.location == f"/questions/{question.id}/sync#answer-{answer.id}"
    page = text(client.get(response.location))
    assert "Thanks, your answer is posted." in page
    assert f'id="answer-{answer.id}"' in page
    assert "<p>Turn <em>sync</em> off and on.</p>" in page
    assert f"{person('peer', 'Pat Peer')}</a>" in page
    assert "1 answer</h2>" in page
    db.session.refresh(question)
    assert question.answer_count == 1
    assert question.last_activity_at > before
    assert answer.is_official is False
    assert_counters_match_rows()


def test_a_client_cannot_make_its_answer_official_or_helpful(client, question):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    client.post(
        f"/questions/{question.id}/answers",
        data={"body": "Trust me.", "is_official": "1", "helpful_count": "99", "author_id": "1"},
    )

    answer = db.session.scalars(sa.select(Answer)).one()
    assert (answer.is_official, answer.helpful_count, answer.author_id) == (False, 0, peer.id)
    assert "Official</span>" not in text(client.get(f"/questions/{question.id}/sync"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Please write your answer first."),
        ("   \n  ", "Please write your answer first."),
        ("a" * 20_001, "at most 20,000 characters"),
        ("Nul \x00 here", "NUL characters"),
    ],
)
def test_a_bad_answer_is_refused_on_the_question_page_and_kept(client, question, body, message):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    response = client.post(f"/questions/{question.id}/answers", data={"body": body})

    assert response.status_code == 422
    page = text(response)
    assert question.title in page  # the question page, again
    error = page[page.index('id="body-error"') :]
    assert message in error[: error.index("</p>")]
    if body.strip() and "\x00" not in body:
        assert body in page  # the typed text is kept
    assert _answers(question) == 0
    assert_counters_match_rows()


def test_a_nul_answer_is_kept_without_the_nul_breaking_the_page(client, question):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    response = client.post(
        f"/questions/{question.id}/answers", data={"body": "Keep this text \x00 please"}
    )

    assert response.status_code == 422
    assert "Keep this text" in text(response)


def test_anonymous_answers_go_to_sign_in(client, question):
    db.session.commit()

    response = client.post(f"/questions/{question.id}/answers", data={"body": "Hi"})

    assert is_sign_in_redirect(response)
    assert _answers(question) == 0


def test_a_locked_question_refuses_answers(client, question):
    question.locked = True
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    page = text(client.get(f"/questions/{question.id}/sync"))
    response = client.post(f"/questions/{question.id}/answers", data={"body": "Let me in"})
    empty = client.post(f"/questions/{question.id}/answers", data={"body": ""})

    assert "This question is locked" in page
    assert "Post your answer" not in page
    assert response.status_code == 403
    assert empty.status_code == 403
    assert _answers(question) == 0
    db.session.refresh(question)
    assert question.answer_count == 0


def test_a_site_admin_may_still_answer_a_locked_question(client, question):
    question.locked = True
    admin = make_user("keeper", is_admin=True)
    db.session.commit()
    login_as(client, admin)

    response = client.post(f"/questions/{question.id}/answers", data={"body": "Closing note."})

    assert response.status_code == 303
    assert _answers(question) == 1


def test_answering_an_unknown_question_is_not_found(client):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    assert client.post("/questions/77777/answers", data={"body": "Hi"}).status_code == 404


# Official answers: decided by the server when posting. ------------------------------------


def test_staff_answers_are_official_and_answer_the_question(question):
    staff = make_user("rep")
    make_staff(question.company, staff)

    answer = services.post_answer(staff, question, body="We fixed it in 4.3.")

    assert answer.is_official is True
    assert question.has_official_answer is True
    assert question.status == Status.ANSWERED
    assert question.is_answered


def test_an_official_answer_leaves_a_problems_status_to_the_staff():
    problem = make_question(make_company("Beta"), kind=Kind.PROBLEM)
    staff = make_user("rep")
    make_staff(problem.company, staff)

    services.post_answer(staff, problem, body="We are looking into it.")

    assert problem.has_official_answer is True
    assert problem.status == Status.OPEN


def test_staff_of_another_company_answer_as_peers(question):
    staff = make_user("rep")
    make_staff(make_company("Other"), staff)

    answer = services.post_answer(staff, question, body="Not my company, but try this.")

    assert answer.is_official is False
    assert question.status == Status.OPEN


def test_the_official_badge_is_shown(client, question):
    answer = make_answer(
        question, author=make_user("rep", display_name="Rae Rep"), is_official=True, body="Hi."
    )
    db.session.commit()

    page = text(client.get(f"/questions/{question.id}/sync"))

    # The badge names the author and the company (the title, when any: tests/company_tools).
    assert (
        f'<span class="badge badge--official" id="answer-{answer.id}-official">'
        '<span aria-hidden="true">◆ </span>Official answer · '
        f'<span class="person">{person("rep", "Rae Rep")}</span> at Acme</span>'
    ) in page


# Editing. ------------------------------------------------------------------------------------


@pytest.fixture
def answer(question):
    return make_answer(question, author=make_user("helper"), body="First version.")


def test_the_author_edits_their_answer(client, answer):
    db.session.commit()
    login_as(client, answer.author)
    question_page = text(client.get(f"/questions/{answer.question_id}/sync"))

    form = client.get(f"/answers/{answer.id}/edit")
    response = client.post(f"/answers/{answer.id}/edit", data={"body": "Second **version**."})

    assert f'href="/answers/{answer.id}/edit">Edit answer</a>' in question_page
    assert form.status_code == 200
    assert "First version.</textarea>" in text(form)
    assert response.status_code == 303
    assert response.location == f"/questions/{answer.question_id}/sync#answer-{answer.id}"
    page = text(client.get(response.location))
    assert "<p>Second <strong>version</strong>.</p>" in page
    assert "(edited)" in page


def test_someone_else_cannot_edit_an_answer(client, answer):
    stranger = make_user("stranger")
    db.session.commit()
    login_as(client, stranger)

    page = text(client.get(f"/questions/{answer.question_id}/sync"))
    form = client.get(f"/answers/{answer.id}/edit")
    post = client.post(f"/answers/{answer.id}/edit", data={"body": "Vandalised"})

    assert "Edit answer" not in page
    assert (form.status_code, post.status_code) == (403, 403)
    db.session.refresh(answer)
    assert answer.body == "First version."


def test_a_site_admin_may_edit_any_answer(client, answer):
    admin = make_user("keeper", is_admin=True)
    db.session.commit()
    login_as(client, admin)

    response = client.post(f"/answers/{answer.id}/edit", data={"body": "Tidied up."})

    assert response.status_code == 303
    db.session.refresh(answer)
    assert answer.body == "Tidied up."


def test_a_bad_edit_is_refused_at_the_field(client, answer):
    db.session.commit()
    login_as(client, answer.author)

    response = client.post(f"/answers/{answer.id}/edit", data={"body": "   "})

    assert response.status_code == 422
    assert 'id="body-error"' in text(response)
    db.session.refresh(answer)
    assert answer.body == "First version."


def test_anonymous_answer_editing_goes_to_sign_in(client, answer):
    db.session.commit()

    assert is_sign_in_redirect(client.get(f"/answers/{answer.id}/edit"))
    assert is_sign_in_redirect(client.post(f"/answers/{answer.id}/edit", data={"body": "x"}))


def test_editing_an_unknown_answer_is_not_found(client):
    user = make_user()
    db.session.commit()
    login_as(client, user)

    assert client.get("/answers/55555/edit").status_code == 404
    assert client.get(f"/answers/{2**31}/edit").status_code == 404


def test_the_services_refuse_what_the_pages_refuse(question):
    stranger = make_user()
    answer = make_answer(question)

    with pytest.raises(PermissionDenied):
        services.edit_answer(stranger, answer, body="Mine now")
    with pytest.raises(ValidationError) as refused:
        services.post_answer(stranger, question, body="x" * 20_001)
    assert set(refused.value.fields) == {"body"}
