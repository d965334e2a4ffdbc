"""``GET /api/v1/companies/{slug}/insights``: the same figures as the page, for the same
people (the company's staff and moderators), through the API."""

from __future__ import annotations

import pytest

from app.companies import staff as staff_services
from app.extensions import db
from tests.api.helpers import API, Api, error_of
from tests.checks import snapshot
from tests.factories import make_company, make_staff, make_user

PATH = "/companies/acme/insights"


def test_staff_read_the_insights(client, acme_data):
    api = Api(client, acme_data.dee)

    response = api.get(PATH)

    assert response.status_code == 200
    body = response.get_json()
    assert body["days"] == 30
    assert body["since"] == "2026-02-16T12:00:00+00:00"
    assert body["until"] == "2026-03-18T12:00:00+00:00"
    assert body["response"] == {
        "questions": 6,
        "answered_officially": 4,
        "answered_officially_share": pytest.approx(4 / 6),
        "answered_officially_within_24h": 3,
        "answered_officially_within_24h_share": 0.5,
        "best_answers": 2,
        "best_answer_share": pytest.approx(2 / 6),
        "median_first_official_answer_seconds": 14400,
        "p90_first_official_answer_seconds": 126360,
    }
    assert [w["week"] for w in body["weeks"]] == [
        "2026-02-16",
        "2026-02-23",
        "2026-03-02",
        "2026-03-09",
        "2026-03-16",
    ]
    assert body["weeks"][2] == {
        "week": "2026-03-02",
        "kinds": {"question": 1, "problem": 0, "idea": 1, "praise": 0},
        "feelings": {
            "happy": 0,
            "excited": 1,
            "confused": 0,
            "frustrated": 0,
            "sad": 0,
            "none": 1,
        },
        "total": 2,
    }


def test_the_problems_products_and_staff(client, acme_data):
    body = Api(client, acme_data.ann).get(PATH).get_json()

    q2 = acme_data.q["q2"]
    assert body["top_problems"][0] == {
        "id": q2.id,
        "title": q2.title,
        "status": "open",
        "affected_users": 5,
        "created_at": "2026-03-15T12:00:00+00:00",
        "url": f"http://helpsquare.test/questions/{q2.id}/{q2.slug}",
    }
    assert len(body["top_problems"]) == 2
    assert [(p["product"], p["name"], p["response"]["questions"]) for p in body["products"]] == [
        ("drive", "Drive", 3),
        ("vault", "Vault", 2),
        (None, None, 1),
    ]
    assert body["products"][1]["response"]["p90_first_official_answer_seconds"] == 157320
    assert body["products"][2]["response"]["median_first_official_answer_seconds"] is None
    staff = [
        (
            m["user"]["username"],
            m["role"],
            m["active"],
            m["official_answers"],
            m["first_official_answers"],
            m["median_first_official_answer_seconds"],
            m["best_answers"],
        )
        for m in body["staff"]
    ]
    assert staff == [
        ("ann", "admin", True, 2, 2, 88200, 0),
        ("bob", "agent", True, 2, 1, 10800, 1),
        ("cy", "agent", False, 1, 1, 18000, 0),
        ("dee", "agent", True, 0, 0, None, 0),
    ]
    assert body["staff"][0]["user"]["url"] == "http://helpsquare.test/users/ann"


@pytest.mark.parametrize(("days", "questions"), [(30, 6), (90, 7), (365, 8)])
def test_the_window(client, acme_data, days, questions):
    body = Api(client, acme_data.ann).get(f"{PATH}?days={days}").get_json()
    assert (body["days"], body["response"]["questions"]) == (days, questions)


@pytest.mark.parametrize("bad", ["7", "abc", "30.0", "", "-30", "1e2"])
def test_another_window_is_a_422_naming_days(client, acme_data, bad):
    response = Api(client, acme_data.ann).get(PATH, query_string={"days": bad})

    assert response.status_code == 422
    assert "days" in error_of(response)["fields"]


def test_a_moderator_reads_them(client, acme_data):
    assert Api(client, make_user("mod", is_moderator=True)).get(PATH).status_code == 200


@pytest.mark.parametrize("who", ["stranger", "asker", "other staff", "former staff"])
def test_everyone_else_is_refused_whatever_they_ask(client, acme_data, who):
    users = {
        "stranger": lambda: make_user("stranger"),
        "asker": lambda: acme_data.q["q1"].author,
        "other staff": lambda: make_staff(make_company("Two", domain="two.example")).user,
        "former staff": lambda: acme_data.cy,
    }
    api = Api(client, users[who]())
    db.session.commit()
    before = snapshot()

    refused = api.get(PATH)
    still_refused = api.get(f"{PATH}?days=7")

    assert refused.status_code == still_refused.status_code == 403
    assert error_of(refused)["code"] == "forbidden"
    assert snapshot() == before


def test_a_revoked_member_is_refused_at_once(client, acme_data):
    api = Api(client, acme_data.bob)
    assert api.get(PATH).status_code == 200

    staff_services.revoke_staff(acme_data.ann, acme_data.company, acme_data.bob)

    assert api.get(PATH).status_code == 403


def test_without_a_token_it_is_a_401_and_an_unknown_company_a_404(client, acme_data):
    assert client.get(f"{API}{PATH}").status_code == 401
    assert Api(client, acme_data.ann).get("/companies/nobody/insights").status_code == 404
