"""``GET /api/v1/companies/{slug}/scorecard``: anyone reads it; no company can switch it off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from tests.api.helpers import API, Api
from tests.factories import make_answer, make_company, make_question, make_staff, make_user

FIELDS = {
    "window_days",
    "claimed",
    "questions",
    "answered_officially_share",
    "median_first_official_answer_seconds",
    "problems_solved",
    "active_staff_30d",
    "customers_answered",
}


def test_anyone_reads_a_claimed_company_s_scorecard(client):
    acme = make_company("Acme")
    staff = make_staff(acme).user
    question = make_question(acme, age=timedelta(days=3))
    make_answer(
        question,
        author=staff,
        is_official=True,
        created_at=question.created_at + timedelta(minutes=90),
    )
    make_question(acme, age=timedelta(days=1))
    db.session.commit()

    response = client.get(f"{API}/companies/acme/scorecard")

    assert response.status_code == 200
    assert response.get_json() == {
        "window_days": 90,
        "claimed": True,
        "questions": 2,
        "answered_officially_share": 0.5,
        "median_first_official_answer_seconds": 5400,
        "problems_solved": 0,
        "active_staff_30d": 1,
        "customers_answered": 0,
    }


def test_an_unclaimed_company_s_scorecard_has_nulls_for_the_official_figures(client):
    beta = make_company("Beta")
    make_answer(make_question(beta))
    db.session.commit()

    body = client.get(f"{API}/companies/beta/scorecard").get_json()

    assert set(body) == FIELDS
    assert body["claimed"] is False
    assert body["answered_officially_share"] is None
    assert body["median_first_official_answer_seconds"] is None
    assert (body["questions"], body["customers_answered"], body["active_staff_30d"]) == (1, 1, 0)


def test_an_unknown_company_is_a_404(client):
    assert client.get(f"{API}/companies/nobody/scorecard").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("admin", 422), ("agent", 403)])
def test_staff_cannot_switch_the_scorecard_off_through_the_api(client, role, status):
    """There is no field for it: the company's PATCH refuses one, and the scorecard stays."""
    acme = make_company("Acme")
    staff = make_staff(acme, role=role).user
    db.session.commit()
    api = Api(client, staff)

    refused = api.patch("/companies/acme", {"scorecard": False})

    assert refused.status_code == status  # admins: no such field; agents: not theirs to edit
    assert api.get("/companies/acme/scorecard").status_code == 200


def test_a_site_admin_cannot_switch_it_off_either(client):
    make_company("Acme")
    admin = make_user(is_admin=True)
    db.session.commit()
    api = Api(client, admin)
    assert api.patch("/companies/acme", {"scorecard": False}).status_code == 422
    assert api.get("/companies/acme/scorecard").status_code == 200
