"""Deleting one's own post (product.md, "Delete your own"): it is hidden with the reason
"deleted by its author" and leaves the site for everyone else; a question someone else has
answered stays (409, with a sentence saying why); deleting twice finds nothing (404)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.answers.models import Answer
from app.errors import Conflict, NotFound, PermissionDenied
from app.extensions import db
from app.moderation.deleting import ANSWERED_BY_OTHERS, BY_AUTHOR, BY_MODERATOR, delete_post
from app.moderation.models import ModerationAction, ModerationLogEntry, TargetType
from app.questions.models import Question
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user
from tests.questions.helpers import is_sign_in_redirect, text


@pytest.fixture
def scene() -> Any:
    """Ann asked a question that Bob answered; Ann also asked one nobody else answered."""
    acme = make_company("Acme", domain="acme.example")
    ann, bob = make_user("ann"), make_user("bob")
    answered = make_question(acme, author=ann, title="The widget beeps", age=timedelta(days=1))
    answer = make_answer(answered, author=bob, body="Replace the battery.")
    answered.answer_count = 1
    lonely = make_question(acme, author=ann, title="The widget hums")
    save()
    return acme, ann, bob, answered, answer, lonely


def _fresh(model: type, row_id: int) -> Any:
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_an_author_deletes_their_answer_and_it_is_gone_for_everyone_else(client, scene):
    _, ann, bob, answered, answer, _ = scene

    delete_post(bob, answer)

    answer, question = _fresh(Answer, answer.id), _fresh(Question, answered.id)
    assert answer.hidden_at is not None and answer.hidden_reason == BY_AUTHOR
    assert question.answer_count == 0
    entry = db.session.scalars(sa.select(ModerationLogEntry)).one()
    assert (entry.action, entry.target_type, entry.target_id, entry.moderator_id) == (
        ModerationAction.DELETE,
        TargetType.ANSWER,
        answer.id,
        bob.id,
    )
    assert "Replace the battery." not in text(client.get(f"/questions/{answered.id}/x",
                                                         follow_redirects=True))  # fmt: skip
    login_as(client, ann)
    assert "Replace the battery." not in text(
        client.get(f"/questions/{answered.id}", follow_redirects=True)
    )


def test_an_author_deletes_a_question_nobody_else_answered(client, scene):
    _, ann, _, _, _, lonely = scene
    make_answer(lonely, author=ann, body="Mine, an update.")  # their own answer is no obstacle
    save()

    delete_post(ann, lonely)

    assert _fresh(Question, lonely.id).hidden_reason == BY_AUTHOR
    assert client.get(f"/questions/{lonely.id}").status_code == 404


def test_a_question_someone_else_answered_stays_with_a_sentence_saying_why(scene):
    _, ann, _, answered, _, _ = scene
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        delete_post(ann, answered)

    assert refused.value.status == 409
    assert "Others have answered" in refused.value.message
    assert snapshot() == before


def test_an_answer_no_longer_shown_does_not_keep_the_question(scene):
    _, ann, bob, answered, answer, _ = scene
    delete_post(bob, answer)

    delete_post(ann, _fresh(Question, answered.id))

    assert _fresh(Question, answered.id).hidden_at is not None


def test_a_moderator_deletes_anybodys_post_even_an_answered_question(scene):
    _, _, _, answered, answer, _ = scene
    moderator = make_user("mod", is_moderator=True)

    delete_post(moderator, answered)

    question = _fresh(Question, answered.id)
    assert question.hidden_reason == BY_MODERATOR and question.hidden_by_id == moderator.id


def test_nobody_else_deletes_a_post(scene):
    _, ann, bob, answered, answer, lonely = scene
    stranger = make_user("stranger")
    save()
    before = snapshot()

    for who, post in ((ann, answer), (bob, lonely), (stranger, answered)):
        with pytest.raises(PermissionDenied):
            delete_post(who, post)

    assert snapshot() == before


def test_deleting_twice_finds_nothing_the_second_time(scene):
    _, _, bob, _, answer, _ = scene
    delete_post(bob, answer)
    before = snapshot()

    with pytest.raises(NotFound):
        delete_post(bob, _fresh(Answer, answer.id))

    assert snapshot() == before


def test_an_unverified_author_may_still_delete(scene):
    _, _, _, _, _, lonely = scene
    author = make_user("newbie", email_verified=False)
    answer = make_answer(lonely, author=author, body="Oops, wrong question.")
    save()

    delete_post(author, answer)

    assert _fresh(Answer, answer.id).hidden_at is not None


# The pages ------------------------------------------------------------------------------------


def test_the_delete_button_asks_first_and_only_the_author_has_it(client, scene):
    _, ann, bob, answered, answer, lonely = scene
    login_as(client, bob)

    page = text(client.get(f"/questions/{answered.id}", follow_redirects=True))

    assert page.count("<summary>Delete answer</summary>") == 1
    assert f'action="/answers/{answer.id}/delete"' in page
    assert "Yes, delete this answer" in page and 'name="csrf_token"' in page
    assert "Delete question" not in page
    login_as(client, ann)
    own = text(client.get(f"/questions/{lonely.id}", follow_redirects=True))
    assert f'action="/questions/{lonely.id}/delete"' in own


def test_deleting_an_answer_on_the_page_goes_back_to_the_question(client, scene):
    _, _, bob, answered, answer, _ = scene
    login_as(client, bob)

    response = client.post(f"/answers/{answer.id}/delete")

    assert response.status_code == 303
    assert f"/questions/{answered.id}/" in response.location
    landed = text(client.get(response.location))
    assert "The answer is deleted" in landed
    assert _fresh(Answer, answer.id).hidden_at is not None


def test_deleting_a_question_on_the_page_lands_on_the_company(client, scene):
    acme, ann, _, _, _, lonely = scene
    login_as(client, ann)

    response = client.post(f"/questions/{lonely.id}/delete")

    assert response.status_code == 303
    assert response.location.endswith(f"/companies/{acme.slug}")
    assert "The question is deleted" in text(client.get(response.location))


def test_the_page_refuses_an_answered_question_with_the_sentence(client, scene):
    _, ann, _, answered, _, _ = scene
    login_as(client, ann)
    before = snapshot()

    response = client.post(f"/questions/{answered.id}/delete")

    assert response.status_code == 409
    assert "Others have answered" in text(response)
    assert snapshot() == before


def test_the_page_refuses_others_and_sends_visitors_to_sign_in(client, scene):
    _, ann, _, _, answer, _ = scene
    before = snapshot()

    anonymous = client.post(f"/answers/{answer.id}/delete")
    login_as(client, ann)
    stranger = client.post(f"/answers/{answer.id}/delete")

    assert is_sign_in_redirect(anonymous)
    assert stranger.status_code == 403
    assert snapshot() == before


def test_the_page_needs_the_csrf_token(app, scene):
    _, _, bob, _, answer, _ = scene
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        login_as(client, bob)
        before = snapshot()

        response = client.post(f"/answers/{answer.id}/delete")

        assert response.status_code == 400
        assert snapshot() == before
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# The API --------------------------------------------------------------------------------------


def test_the_api_deletes_an_answer_with_204_and_a_second_time_is_404(client, scene):
    _, _, bob, answered, answer, _ = scene
    api = Api(client, bob)

    first = api.delete(f"/answers/{answer.id}")
    second = api.delete(f"/answers/{answer.id}")

    assert first.status_code == 204 and first.get_data() == b""
    assert second.status_code == 404 and error_of(second)["code"] == "not_found"
    listed = Api(client).get(f"/questions/{answered.id}/answers").get_json()["items"]
    assert listed == []


def test_the_api_deletes_a_question_and_refuses_an_answered_one_with_409(client, scene):
    _, ann, _, answered, _, lonely = scene
    api = Api(client, ann)
    before = snapshot()

    refused = api.delete(f"/questions/{answered.id}")

    assert refused.status_code == 409
    assert error_of(refused)["message"] == ANSWERED_BY_OTHERS
    assert snapshot() == before
    assert api.delete(f"/questions/{lonely.id}").status_code == 204
    assert Api(client).get(f"/questions/{lonely.id}").status_code == 404


def test_the_api_refuses_someone_elses_post_and_anonymous_callers(client, scene):
    _, ann, _, _, answer, _ = scene
    api = Api(client, ann)
    before = snapshot()

    assert api.delete(f"/answers/{answer.id}").status_code == 403
    assert Api(client).delete(f"/answers/{answer.id}").status_code == 401
    assert snapshot() == before
