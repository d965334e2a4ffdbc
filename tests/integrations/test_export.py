"""The export (issue 15): everything of a company as JSON Lines, streamed; hidden and merged
posts left out; its admin staff and site admins only."""

from __future__ import annotations

import json

import pytest

from app.answers import services as answer_services
from app.moderation import hiding, merging
from app.questions import services as question_services
from tests.api.helpers import Api, save
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)


def _lines(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/x-ndjson"
    text = response.get_data(as_text=True)
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def company_world():
    """A claimed company with a product, staff, questions (one hidden, one merged away), an
    answer hidden and a status change; and another company that must not show."""
    company = make_company("Acme Cloud", slug="acme-cloud", domain="acme-cloud.com")
    admin = make_user("acme-admin")
    make_staff(company, admin, role="admin")
    moderator = make_user("mod", is_admin=True)
    drive = make_product(company, "Drive", slug="drive")
    listed = make_question(company, product=drive, title="Drive stops syncing")
    kept = answer_services.post_answer(
        admin,
        listed,
        body="Update to 4.3, it is fixed there.",
        private_details="Your licence key is ANSWER-SECRET-7731.",
    )
    question_services.edit_question(
        listed.author, listed, private_details="My order number is QUESTION-SECRET-4410."
    )
    gone = make_answer(listed, body="Buy our rival's product instead, it is much better.")
    question_services.set_status(admin, listed, "answered")
    hidden = make_question(company, title="Spam spam spam spam")
    duplicate = make_question(company, title="Drive does not sync")
    question_services.edit_question(
        hidden.author, hidden, private_details="Hidden post's detail HIDDEN-SECRET-9"
    )
    hiding.hide_post(moderator, hidden, reason="Spam.")
    hiding.hide_post(moderator, gone, reason="Off topic.")
    merging.merge_question(moderator, duplicate, into=listed)
    make_question(make_company("Other Co", slug="other-co"), title="Not Acme's question")
    save()
    return {
        "company": company,
        "admin": admin,
        "listed": listed,
        "kept": kept,
        "gone": gone,
        "hidden": hidden,
        "duplicate": duplicate,
    }


def test_the_admin_downloads_everything_but_hidden_posts(client, company_world):
    world = company_world
    login_as(client, world["admin"])

    response = client.get("/companies/acme-cloud/export")

    assert "Content-Length" not in response.headers  # streamed, not built whole
    assert "attachment" in response.headers["Content-Disposition"]
    lines = _lines(response)
    types = [line["type"] for line in lines]
    assert types[0] == "company" and lines[0]["slug"] == "acme-cloud"
    assert types.count("product") == 1 and types.count("staff") == 1
    questions = {line["id"] for line in lines if line["type"] == "question"}
    answers = {line["id"] for line in lines if line["type"] == "answer"}
    assert questions == {world["listed"].id}
    assert answers == {world["kept"].id}
    changes = [line for line in lines if line["type"] == "status_change"]
    assert changes and all(change["question_id"] == world["listed"].id for change in changes)
    # The company's own: the private details of what it exports go with it.
    by_id = {(line["type"], line["id"]): line for line in lines if "id" in line}
    assert "QUESTION-SECRET-4410" in by_id["question", world["listed"].id]["private_details"]
    assert "ANSWER-SECRET-7731" in by_id["answer", world["kept"].id]["private_details"]
    assert "HIDDEN-SECRET-9" not in response.get_data(as_text=True)
    assert "Spam spam" not in response.get_data(as_text=True)
    assert "rival" not in response.get_data(as_text=True)
    assert "Not Acme" not in response.get_data(as_text=True)


def test_each_line_is_the_object_as_the_api_shows_it(client, company_world):
    world = company_world
    api = Api(client, world["admin"])
    question = api.get(f"/questions/{world['listed'].id}").get_json()
    answer = api.get(f"/questions/{world['listed'].id}/answers").get_json()["items"][0]
    company = api.get("/companies/acme-cloud").get_json()

    lines = _lines(api.get("/companies/acme-cloud/export"))

    by_type = {line["type"]: line for line in lines}
    assert by_type["question"] == {"type": "question", **question}
    assert by_type["answer"] == {"type": "answer", **answer}
    assert by_type["company"] == {"type": "company", **company}


def test_a_site_admin_exports_too(client, company_world):
    login_as(client, make_user("keeper", is_admin=True))

    assert _lines(client.get("/companies/acme-cloud/export"))[0]["type"] == "company"


@pytest.mark.parametrize("who", ["agent", "stranger", "asker"])
def test_nobody_else_exports(client, company_world, who):
    user = make_user(who)
    if who == "agent":
        make_staff(company_world["company"], user)
    if who == "asker":
        user = company_world["listed"].author
    api = Api(client, user)
    save()
    login_as(client, user)
    before = snapshot()

    page = client.get("/companies/acme-cloud/export")
    through_api = api.get("/companies/acme-cloud/export")

    assert (page.status_code, through_api.status_code) == (403, 403)
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, company_world):
    assert client.get("/companies/acme-cloud/export").status_code == 302
    assert client.get("/api/v1/companies/acme-cloud/export").status_code == 401


def test_the_export_runs_a_fixed_number_of_statements(client, company_world, count_queries):
    world = company_world
    login_as(client, world["admin"])
    with count_queries() as few:
        _lines(client.get("/companies/acme-cloud/export"))
    for n in range(8):
        question = make_question(world["company"], title=f"Another question {n}")
        make_answer(question)
    save()

    with count_queries() as more:
        _lines(client.get("/companies/acme-cloud/export"))

    assert len(more) == len(few)


def test_exports_are_limited_per_company(app, client, company_world, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_LIMITS_PER_COMPANY", "2 per hour")
    login_as(client, company_world["admin"])

    statuses = [client.get("/companies/acme-cloud/export").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
