""" "Me too": once per user, never on one's own question, can be withdrawn."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.questions import services
from app.questions.models import MeToo
from tests.conftest import login_as
from tests.factories import make_company, make_question, make_user
from tests.questions.helpers import assert_counters_match_rows, count, is_sign_in_redirect, text


@pytest.fixture
def question():
    return make_question(make_company("Acme"), author=make_user("asker"), slug="sync")


def _me_toos(question) -> int:
    return count(MeToo, MeToo.question_id == question.id)


def _press(client, question, action: str):
    return client.post(f"/questions/{question.id}/me-too", data={"action": action})


def test_saying_me_too_counts_once_and_shows_as_pressed(client, question):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    first = _press(client, question, "add")
    second = _press(client, question, "add")  # a duplicate click

    assert first.status_code == second.status_code == 303
    assert first.location == f"/questions/{question.id}/sync#me-too"
    page = text(client.get(f"/questions/{question.id}/sync"))
    assert 'aria-pressed="true">Me too</button>' in page
    assert '<input type="hidden" name="action" value="remove">' in page
    assert "1 person has this question too" in page
    assert _me_toos(question) == 1
    db.session.refresh(question)
    assert question.me_too_count == 1
    assert_counters_match_rows()


def test_me_too_can_be_withdrawn_and_withdrawing_twice_is_harmless(client, question):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)
    _press(client, question, "add")

    first = _press(client, question, "remove")
    second = _press(client, question, "remove")

    assert first.status_code == second.status_code == 303
    page = text(client.get(f"/questions/{question.id}/sync"))
    assert 'aria-pressed="false">Me too</button>' in page
    assert "0 people have this question too" in page
    assert _me_toos(question) == 0
    assert_counters_match_rows()


def test_no_me_too_on_ones_own_question(client, question):
    db.session.commit()
    login_as(client, question.author)

    page = text(client.get(f"/questions/{question.id}/sync"))
    response = _press(client, question, "add")

    assert "Me too</button>" not in page
    assert response.status_code == 403
    assert _me_toos(question) == 0
    db.session.refresh(question)
    assert question.me_too_count == 0


def test_anonymous_me_too_goes_to_sign_in(client, question):
    db.session.commit()

    response = _press(client, question, "add")

    assert is_sign_in_redirect(response)
    assert f"next=/questions/{question.id}/sync" in response.location
    assert _me_toos(question) == 0


@pytest.mark.parametrize("data", [{}, {"action": "toggle"}, {"action": ""}])
def test_a_malformed_me_too_is_a_bad_request(client, question, data):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    response = client.post(f"/questions/{question.id}/me-too", data=data)

    assert response.status_code == 400
    assert _me_toos(question) == 0


def test_me_too_on_an_unknown_question_is_not_found(client):
    peer = make_user("peer")
    db.session.commit()
    login_as(client, peer)

    assert client.post("/questions/424242/me-too", data={"action": "add"}).status_code == 404


def test_me_too_is_a_post_only(client, question):
    db.session.commit()

    response = client.get(f"/questions/{question.id}/me-too")

    # A GET on the action's URL is just the question (a wrong slug): it changes nothing.
    assert response.status_code == 301
    assert _me_toos(question) == 0


def test_the_services_report_whether_anything_changed(question):
    peers = [make_user() for _ in range(3)]

    added = [services.add_me_too(peer, question) for peer in peers]
    again = services.add_me_too(peers[0], question)
    removed = services.remove_me_too(peers[1], question)
    removed_again = services.remove_me_too(peers[1], question)

    assert added == [True, True, True]
    assert (again, removed, removed_again) == (False, True, False)
    db.session.refresh(question)
    assert question.me_too_count == 2
    assert_counters_match_rows()
