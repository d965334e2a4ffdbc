"""Answers through the API: their order, posting (official decided by the server), editing,
helpful votes and endorsements."""

from __future__ import annotations

import pytest

from app.answers.models import Answer, HelpfulVote
from app.extensions import db
from tests.api.helpers import Api, count, error_of, save
from tests.checks import snapshot
from tests.factories import make_answer, make_company, make_question, make_staff, make_user

ANSWER_FIELDS = {
    "id", "question_id", "body", "body_html", "author", "is_official", "is_endorsed",
    "helpful_count", "is_best", "by_champion", "hidden", "hidden_reason", "created_at",
    "updated_at", "url",
}  # fmt: skip


def test_answers_come_best_first_then_official_then_most_helpful(client):
    acme = make_company("Acme")
    question = make_question(acme)
    plain = make_answer(question, body="Plain.")
    helpful = make_answer(question, body="Helpful.", helpful_count=5)
    official = make_answer(question, body="Official.", is_official=True)
    best = make_answer(question, body="Best.")
    also_plain = make_answer(question, body="Also plain.")
    question.best_answer_id = best.id
    save()
    api = Api(client)

    everything = api.get(f"/questions/{question.id}/answers").get_json()
    pages, cursor = [], ""
    while cursor is not None:
        page = api.get(f"/questions/{question.id}/answers?limit=2&cursor={cursor}").get_json()
        pages.append([a["body"] for a in page["items"]])
        cursor = page["next_cursor"]

    expected = [best, official, helpful, plain, also_plain]
    assert [a["id"] for a in everything["items"]] == [a.id for a in expected]
    assert pages == [["Best.", "Official."], ["Helpful.", "Plain."], ["Also plain."]]
    first = everything["items"][0]
    assert set(first) == ANSWER_FIELDS
    assert first["is_best"] is True and everything["items"][1]["is_best"] is False
    assert first["url"] == f"http://helpsquare.test/answers/{best.id}"
    assert client.get(first["url"]).location.endswith(f"#answer-{best.id}")


def test_the_answers_of_an_unknown_question_are_404(client):
    assert Api(client).get("/questions/12345/answers").status_code == 404


def test_a_peer_answer_is_not_official_whatever_the_client_says(client):
    question = make_question(make_company("Acme"))
    ada = make_user("ada")
    api = Api(client, ada)
    save()

    response = api.post(
        f"/questions/{question.id}/answers",
        {"body": "Try **this**.", "is_official": True, "helpful_count": 50, "is_endorsed": True},
    )

    assert response.status_code == 201
    body = response.get_json()
    assert (body["is_official"], body["helpful_count"], body["is_endorsed"]) == (False, 0, False)
    assert body["body_html"] == "<p>Try <strong>this</strong>.</p>\n"
    assert body["author"]["id"] == ada.id and body["question_id"] == question.id


def test_an_answer_from_the_companys_staff_is_official(client):
    acme = make_company("Acme")
    question = make_question(acme)
    api = Api(client, make_staff(acme, role="agent").user)
    save()

    response = api.post(f"/questions/{question.id}/answers", {"body": "We fixed it."})

    assert response.status_code == 201
    assert response.get_json()["is_official"] is True
    shown = Api(client).get(f"/questions/{question.id}").get_json()
    assert (shown["has_official_answer"], shown["status"], shown["answer_count"]) == (
        True, "answered", 1,
    )  # fmt: skip


def test_a_locked_question_takes_no_answers(client):
    question = make_question(make_company("Acme"), locked=True)
    api = Api(client, make_user())
    admin = Api(client, make_user(is_admin=True))
    save()
    before = snapshot()

    refused = api.post(f"/questions/{question.id}/answers", {"body": "Hello?"})
    assert refused.status_code == 403
    assert snapshot() == before
    assert admin.post(f"/questions/{question.id}/answers", {"body": "Noted."}).status_code == 201


@pytest.mark.parametrize(
    "body, status",
    [({"body": ""}, 422), ({"body": "x" * 20_001}, 422), ({"body": "a\x00b"}, 422), ({}, 422)],
)
def test_an_answer_that_breaks_the_bounds_is_422(client, body, status):
    question = make_question(make_company("Acme"))
    api = Api(client, make_user())
    save()
    before = snapshot()

    response = api.post(f"/questions/{question.id}/answers", body)

    assert response.status_code == status
    assert "body" in error_of(response)["fields"]
    assert snapshot() == before


def test_answering_needs_a_token(client):
    question = make_question(make_company("Acme"))
    save()
    before = snapshot()

    assert Api(client).post(f"/questions/{question.id}/answers", {"body": "Hi"}).status_code == 401
    assert snapshot() == before


def test_the_author_edits_an_answer(client):
    ada = make_user("ada")
    answer = make_answer(author=ada, body="Old.")
    api = Api(client, ada)
    save()

    response = api.patch(f"/answers/{answer.id}", {"body": "New."})

    assert response.status_code == 200
    assert response.get_json()["body"] == "New."
    assert api.patch(f"/answers/{answer.id}", {"body": ""}).status_code == 422


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("user", 403), ("staff", 403)])
def test_others_may_not_edit_an_answer(client, who, status):
    acme = make_company("Acme")
    answer = make_answer(make_question(acme))
    users = {"user": make_user(), "staff": make_staff(acme, role="admin").user}
    api = Api(client, users.get(who))
    save()
    before = snapshot()

    assert api.patch(f"/answers/{answer.id}", {"body": "Mine."}).status_code == status
    assert snapshot() == before


def test_a_helpful_vote_counts_once_and_is_withdrawn_once(client):
    answer = make_answer()
    api = Api(client, make_user())
    save()

    votes = [api.post(f"/answers/{answer.id}/helpful").get_json()["helpful_count"] for _ in "ab"]
    withdrawn = [
        api.delete(f"/answers/{answer.id}/helpful").get_json()["helpful_count"] for _ in "ab"
    ]

    assert votes == [1, 1]
    assert withdrawn == [0, 0]
    assert count(HelpfulVote) == 0


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("author", 403)])
def test_the_author_and_anonymous_may_not_vote(client, who, status):
    author = make_user()
    answer = make_answer(author=author)
    api = Api(client, author if who == "author" else None)
    save()
    before = snapshot()

    assert api.post(f"/answers/{answer.id}/helpful").status_code == status
    assert api.delete(f"/answers/{answer.id}/helpful").status_code == status
    assert snapshot() == before


def test_staff_endorse_a_peer_answer_but_not_an_official_one(client):
    acme = make_company("Acme")
    staff = make_staff(acme, role="agent").user
    question = make_question(acme)
    peer = make_answer(question)
    official = make_answer(question, author=staff, is_official=True)
    api = Api(client, staff)
    save()

    endorsed = api.post(f"/answers/{peer.id}/endorse")
    again = api.post(f"/answers/{peer.id}/endorse")
    refused = api.post(f"/answers/{official.id}/endorse")
    withdrawn = api.delete(f"/answers/{peer.id}/endorse")

    assert endorsed.status_code == again.status_code == 200
    assert endorsed.get_json()["is_endorsed"] is True
    assert refused.status_code == 422
    assert "official answer" in error_of(refused)["message"]
    assert withdrawn.status_code == 200 and withdrawn.get_json()["is_endorsed"] is False


@pytest.mark.parametrize(
    "who, status", [("anonymous", 401), ("user", 403), ("other_staff", 403), ("unclaimed", 403)]
)
def test_others_may_not_endorse(client, who, status):
    acme = make_company("Acme")
    make_staff(acme)
    answer = make_answer(make_question(acme))
    users = {"user": make_user(), "other_staff": make_staff(make_company("Globex")).user}
    if who == "unclaimed":
        answer = make_answer(make_question(make_company("Initech")))
        users["unclaimed"] = make_user()
    api = Api(client, users.get(who))
    save()
    before = snapshot()

    assert api.post(f"/answers/{answer.id}/endorse").status_code == status
    assert api.delete(f"/answers/{answer.id}/endorse").status_code == status
    assert snapshot() == before


def test_an_unknown_answer_is_404_everywhere(client):
    api = Api(client, make_user(is_admin=True))
    save()

    for method, path in [
        ("PATCH", "/answers/4242"),
        ("POST", "/answers/4242/helpful"),
        ("DELETE", "/answers/4242/helpful"),
        ("POST", "/answers/4242/endorse"),
        ("DELETE", "/answers/4242/endorse"),
    ]:
        response = api.call(method, path, {"body": "x"} if method == "PATCH" else None)
        assert response.status_code == 404, (method, path)
        assert error_of(response)["code"] == "not_found"
    db.session.expire_all()
    assert count(Answer) == 0


def test_not_even_a_site_admin_endorses_on_an_unclaimed_company(client):
    answer = make_answer(make_question(make_company("Initech")))
    api = Api(client, make_user(is_admin=True))
    save()
    before = snapshot()

    endorsed = api.post(f"/answers/{answer.id}/endorse")
    withdrawn = api.delete(f"/answers/{answer.id}/endorse")

    assert (endorsed.status_code, withdrawn.status_code) == (403, 403)
    assert snapshot() == before
