"""Search and similar questions through the API (questions asked through the API as well)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import utcnow
from tests.api.helpers import Api, error_of, save
from tests.factories import make_company, make_product, make_user

QUESTIONS = [
    ("acme", None, "The rocket engine stalls at launch", "It stalls every time."),
    ("acme", "skates", "Rocket skates drift to the left", "Left, always left."),
    ("acme", None, "How do I reset my password?", "The e-mail never comes."),
    ("globex", None, "The oven stalls when preheating", "A rocket would be faster."),
]


@pytest.fixture
def asked(client) -> tuple[Api, dict[str, int]]:
    make_product(make_company("Acme"), "Skates")
    make_company("Globex")
    # Past its first day: a new account may ask only 3 questions on its first day.
    api = Api(client, make_user("ada", created_at=utcnow() - timedelta(days=7)))
    save()
    ids = {}
    for company, product, title, body in QUESTIONS:
        response = api.post(
            f"/companies/{company}/questions", {"title": title, "body": body, "product": product}
        )
        assert response.status_code == 201
        ids[title] = response.get_json()["id"]
    return api, ids


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


def test_search_finds_questions_with_every_field(asked):
    api, _ = asked

    response = api.get("/search?q=stalls")

    assert set(_titles(response)) == {
        "The rocket engine stalls at launch",
        "The oven stalls when preheating",
    }
    item = response.get_json()["items"][0]
    assert {"id", "title", "body_html", "author", "company", "url"} <= set(item)
    assert response.get_json()["next_cursor"] is None


def test_search_filters_by_company_and_product(asked):
    api, _ = asked

    assert _titles(api.get("/search?q=stalls&company=globex")) == [
        "The oven stalls when preheating"
    ]
    assert _titles(api.get("/search?q=rocket&company=acme&product=skates")) == [
        "Rocket skates drift to the left"
    ]


def test_search_pages_follow_the_cursor_with_the_same_limit(asked):
    api, _ = asked

    first = api.get("/search?q=rocket&limit=1").get_json()
    second = api.get(f"/search?q=rocket&limit=1&cursor={first['next_cursor']}").get_json()
    other_limit = api.get(f"/search?q=rocket&limit=5&cursor={first['next_cursor']}")

    assert len(first["items"]) == len(second["items"]) == 1
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert other_limit.status_code == 400
    assert error_of(other_limit)["code"] == "bad_cursor"


@pytest.mark.parametrize(
    "query, status, field",
    [
        ("", 422, "q"),
        ("q=" + "x" * 501, 422, "q"),
        ("q=rocket&product=skates", 422, "product"),
        ("q=rocket&company=nobody", 404, None),
        ("q=rocket&cursor=garbage", 400, "cursor"),
    ],
)
def test_bad_searches_are_refused(asked, query, status, field):
    api, _ = asked

    response = api.get(f"/search?{query}")

    assert response.status_code == status
    error = error_of(response)
    if field:
        assert field in error["fields"]


@pytest.mark.parametrize(
    "q", ['"unclosed', "a AND OR NOT", "(((", "-", "%00", "*", "NEAR(a b)", "x" * 500]
)
def test_hostile_search_text_is_answered(asked, q):
    api, _ = asked

    response = api.get("/search", query_string={"q": q})

    assert response.status_code == 200
    assert response.get_json()["next_cursor"] is None or response.get_json()["items"]


def test_similar_questions_are_full_questions(asked):
    api, ids = asked

    response = api.get("/questions/similar?title=rocket engine stalls")
    within = api.get("/questions/similar?title=stalls&company=globex")

    assert response.status_code == 200
    body = response.get_json()
    assert body["items"][0]["id"] == ids["The rocket engine stalls at launch"]
    assert len(body["items"]) <= 5 and body["next_cursor"] is None
    assert {"id", "title", "status", "answer_count", "url"} <= set(body["items"][0])
    assert _titles(within) == ["The oven stalls when preheating"]


def test_similar_needs_a_title(asked):
    api, _ = asked

    assert api.get("/questions/similar").status_code == 422
    assert api.get("/questions/similar?title=x&company=nobody").status_code == 404
    assert api.get("/questions/similar?title=the").get_json()["items"] == []
