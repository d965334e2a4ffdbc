"""Editing a question: the author or a site admin, nobody else."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_user
from tests.questions.helpers import is_sign_in_redirect, text

NEW = {"title": "Sync stops after the 4.3 update", "body": "Still **broken**."}


@pytest.fixture
def question():
    return make_question(
        make_company("Acme"),
        author=make_user("asker"),
        title="Sync stops after the 4.2 update",
        slug="sync-stops-after-the-4-2-update",
        body="Original body.",
    )


def test_the_author_edits_their_question_and_the_slug_follows(client, question):
    db.session.commit()
    login_as(client, question.author)
    old_url = f"/questions/{question.id}/sync-stops-after-the-4-2-update"

    form = client.get(f"/questions/{question.id}/edit")
    response = client.post(f"/questions/{question.id}/edit", data=NEW)

    assert form.status_code == 200
    assert 'value="Sync stops after the 4.2 update"' in text(form)
    assert "\nOriginal body.</textarea>" in text(form)
    assert response.status_code == 303
    new_url = f"/questions/{question.id}/sync-stops-after-the-4-3-update"
    assert response.location == new_url
    page = text(client.get(new_url))
    assert "Sync stops after the 4.3 update</h1>" in page
    assert "<p>Still <strong>broken</strong>.</p>" in page
    assert "(edited)" in page
    assert "Your changes are saved." in page
    # The old link still leads to the question.
    old = client.get(old_url)
    assert (old.status_code, old.location) == (301, new_url)
    db.session.refresh(question)
    assert question.updated_at > question.created_at


def test_someone_else_cannot_edit_and_nothing_changes(client, question):
    stranger = make_user("stranger")
    db.session.commit()
    login_as(client, stranger)

    form = client.get(f"/questions/{question.id}/edit")
    post = client.post(f"/questions/{question.id}/edit", data=NEW)
    page = text(client.get(f"/questions/{question.id}/{question.slug}"))

    assert form.status_code == 403
    assert post.status_code == 403
    db.session.refresh(question)
    assert question.title == "Sync stops after the 4.2 update"
    assert question.body == "Original body."
    assert question.slug == "sync-stops-after-the-4-2-update"
    assert "Edit question" not in page


def test_a_site_admin_may_edit_any_question(client, question):
    admin = make_user("keeper", is_admin=True)
    db.session.commit()
    login_as(client, admin)

    page = text(client.get(f"/questions/{question.id}/{question.slug}"))
    response = client.post(f"/questions/{question.id}/edit", data=NEW)

    assert "Edit question" in page
    assert response.status_code == 303
    db.session.refresh(question)
    assert question.title == NEW["title"]
    assert question.author.username == "asker"


def test_anonymous_editing_goes_to_sign_in(client, question):
    db.session.commit()

    assert is_sign_in_redirect(client.get(f"/questions/{question.id}/edit"))
    assert is_sign_in_redirect(client.post(f"/questions/{question.id}/edit", data=NEW))
    db.session.refresh(question)
    assert question.title == "Sync stops after the 4.2 update"


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"title": "Hey"}, "title"), ({"body": ""}, "body"), ({"body": "z" * 20_001}, "body")],
)
def test_bad_edits_are_refused_at_the_field_and_kept(client, question, fields, field):
    db.session.commit()
    login_as(client, question.author)

    response = client.post(f"/questions/{question.id}/edit", data={**NEW, **fields})

    assert response.status_code == 422
    page = text(response)
    assert f'id="{field}-error"' in page
    if field == "title":
        assert 'value="Hey"' in page
        assert "Still **broken**." in page
    db.session.refresh(question)
    assert question.title == "Sync stops after the 4.2 update"


def test_editing_an_unknown_question_is_not_found(client):
    user = make_user()
    db.session.commit()
    login_as(client, user)

    assert client.get("/questions/987654/edit").status_code == 404
    assert client.post("/questions/987654/edit", data=NEW).status_code == 404
