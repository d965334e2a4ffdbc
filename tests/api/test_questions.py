"""Questions through the API: lists and filters, asking, editing, status, best answer, me too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.questions.models import Kind, MeToo, Question, Status
from tests.api.helpers import Api, count, error_of, save
from tests.checks import snapshot
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)

QUESTION_FIELDS = {
    "id", "kind", "title", "body", "body_html", "feeling", "status", "author", "company",
    "product", "me_too_count", "answer_count", "best_answer_id", "has_official_answer",
    "locked", "lock_reason", "hidden", "hidden_reason", "created_at", "updated_at",
    "last_activity_at", "url",
    "merged_into",  # issue 12
    "fixed_in", "still_broken_count",  # issue 14
}  # fmt: skip
USER_FIELDS = {
    "id", "username", "display_name", "created_at", "is_admin", "is_moderator",
    "reputation", "suspended_until", "url",
}  # fmt: skip


# Lists -------------------------------------------------------------------------------------


@pytest.fixture
def forum():
    acme, globex = make_company("Acme"), make_company("Globex")
    rocket = make_product(acme, "Rocket")
    make_question(acme, title="Old rocket question", product=rocket, age=timedelta(days=3))
    make_question(acme, title="An idea for Acme", kind=Kind.IDEA, age=timedelta(days=2))
    make_question(
        acme, title="A solved problem", kind=Kind.PROBLEM, status=Status.SOLVED,
        age=timedelta(days=1), me_too_count=4, answer_count=1,
    )  # fmt: skip
    make_question(globex, title="Newest about ovens", me_too_count=2)
    save()


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [q["title"] for q in response.get_json()["items"]]


@pytest.mark.parametrize(
    "query, titles",
    [
        ("", ["Newest about ovens", "A solved problem", "An idea for Acme", "Old rocket question"]),
        ("?company=acme", ["A solved problem", "An idea for Acme", "Old rocket question"]),
        ("?company=acme&product=rocket", ["Old rocket question"]),
        ("?kind=idea", ["An idea for Acme"]),
        ("?status=solved", ["A solved problem"]),
        ("?sort=me_too", ["A solved problem", "Newest about ovens", "An idea for Acme",
                          "Old rocket question"]),
        ("?sort=unanswered&company=acme", ["An idea for Acme", "Old rocket question"]),
        ("?sort=newest&limit=1", ["Newest about ovens"]),
    ],
)  # fmt: skip
def test_questions_are_filtered_and_sorted(client, forum, query, titles):
    assert _titles(Api(client).get("/questions" + query)) == titles


def test_a_question_in_a_list_has_every_field(client, forum):
    item = Api(client).get("/questions?company=acme&product=rocket").get_json()["items"][0]

    assert set(item) == QUESTION_FIELDS
    assert (item["company"], item["product"], item["kind"], item["status"]) == (
        "acme", "rocket", "question", "open",
    )  # fmt: skip
    assert set(item["author"]) == USER_FIELDS
    assert item["url"].startswith(f"http://helpsquare.test/questions/{item['id']}/")


def test_question_pages_follow_the_cursor(client, forum):
    api = Api(client)
    first = api.get("/questions?limit=3").get_json()
    second = api.get(f"/questions?limit=3&cursor={first['next_cursor']}").get_json()

    assert len(first["items"]) == 3
    assert [q["title"] for q in second["items"]] == ["Old rocket question"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    "query, status, field",
    [
        ("?product=rocket", 422, "product"),
        ("?kind=rant", 422, "kind"),
        ("?status=closed", 422, "status"),
        ("?sort=random", 422, "sort"),
        ("?company=nobody", 404, None),
        ("?company=acme&product=nothing", 404, None),
    ],
)
def test_bad_filters_are_refused(client, forum, query, status, field):
    response = Api(client).get("/questions" + query)

    assert response.status_code == status
    error = error_of(response)
    if field:
        assert field in error["fields"]


# Asking -------------------------------------------------------------------------------------


def test_anyone_signed_in_asks_and_the_defaults_apply(client):
    acme = make_company("Acme")
    ada = make_user("ada")
    save()

    response = Api(client, ada).post(
        "/companies/acme/questions",
        {"title": "  Why does the   rocket drift? ", "body": "It *drifts* left."},
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["title"] == "Why does the rocket drift?"
    assert (body["kind"], body["status"], body["feeling"], body["product"]) == (
        "question", "open", None, None,
    )  # fmt: skip
    assert body["body_html"] == "<p>It <em>drifts</em> left.</p>\n"
    assert body["author"]["username"] == "ada"
    assert count(Question, Question.company_id == acme.id) == 1


def test_asking_about_a_product_with_a_kind_and_a_feeling(client):
    make_product(make_company("Acme"), "Rocket")
    api = Api(client, make_user())
    save()

    response = api.post(
        "/companies/acme/questions",
        {
            "title": "The rocket exploded",
            "body": "Boom.",
            "kind": "problem",
            "product": "rocket",
            "feeling": "frustrated",
        },
    )

    assert response.status_code == 201
    body = response.get_json()
    assert (body["kind"], body["product"], body["feeling"]) == ("problem", "rocket", "frustrated")


def test_server_decided_fields_are_ignored_when_asking(client):
    make_company("Acme")
    ada = make_user("ada")
    api = Api(client, ada)
    save()

    response = api.post(
        "/companies/acme/questions",
        {
            "title": "Fields I may not set",
            "body": "Try.",
            "status": "solved",
            "me_too_count": 99,
            "has_official_answer": True,
            "author": 1,
            "locked": True,
        },
    )

    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["me_too_count"], body["has_official_answer"]) == ("open", 0, False)
    assert body["locked"] is False and body["author"]["id"] == ada.id


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": "Tiny"}, "title"),
        ({"title": "T" * 201}, "title"),
        ({"title": "     ab     "}, "title"),
        ({"body": ""}, "body"),
        ({"body": "b" * 20_001}, "body"),
        ({"body": "nul \x00 here"}, "body"),
        ({"kind": "rant"}, "kind"),
        ({"feeling": "angry"}, "feeling"),
        ({"product": "no-such-product"}, "product"),
        ({"title": 12345}, "title"),
        ({"title": None}, "title"),
    ],
)
def test_a_question_that_breaks_the_rules_is_422(client, fields, field):
    make_company("Acme")
    api = Api(client, make_user())
    save()
    before = snapshot()

    response = api.post(
        "/companies/acme/questions", {"title": "A fine title", "body": "Fine.", **fields}
    )

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert snapshot() == before


def test_asking_needs_a_token_and_a_company(client):
    make_company("Acme")
    api = Api(client, make_user())
    save()
    before = snapshot()

    anonymous = Api(client).post("/companies/acme/questions", {"title": "Hello there", "body": "x"})
    nowhere = api.post("/companies/nobody/questions", {"title": "Hello there", "body": "x"})

    assert anonymous.status_code == 401
    assert nowhere.status_code == 404
    assert snapshot() == before


# One question -------------------------------------------------------------------------------


def test_a_question_is_read_by_id(client):
    question = make_question(make_company("Acme"), title="Where is it?")
    save()

    response = Api(client).get(f"/questions/{question.id}")

    assert response.status_code == 200
    assert response.get_json()["title"] == "Where is it?"
    assert Api(client).get(f"/questions/{question.id + 1}").status_code == 404
    assert Api(client).get("/questions/99999999999999").status_code == 404


def test_the_author_edits_the_title_and_keeps_the_body(client):
    ada = make_user("ada")
    question = make_question(make_company("Acme"), author=ada, body="The body.")
    api = Api(client, ada)
    save()

    response = api.patch(f"/questions/{question.id}", {"title": "A better title"})

    assert response.status_code == 200
    assert (response.get_json()["title"], response.get_json()["body"]) == (
        "A better title", "The body.",
    )  # fmt: skip


@pytest.mark.parametrize(
    "who, status", [("anonymous", 401), ("user", 403), ("other_staff", 403), ("staff", 422)]
)
def test_others_may_not_edit_a_question(client, who, status):
    acme = make_company("Acme")
    question = make_question(acme)
    users = {
        "user": make_user(),
        "other_staff": make_staff(make_company("Globex"), role="admin").user,
        # May change the kind and the product (api.md Part 2): the title is a field error.
        "staff": make_staff(acme, role="admin").user,
    }
    api = Api(client, users.get(who))
    save()
    before = snapshot()

    response = api.patch(f"/questions/{question.id}", {"title": "Taken over"})

    assert response.status_code == status
    if status == 422:
        assert set(error_of(response)["fields"]) == {"title"}
    assert snapshot() == before


def test_a_site_admin_edits_any_question_within_the_bounds(client):
    question = make_question(make_company("Acme"))
    api = Api(client, make_user(is_admin=True))
    save()

    assert api.patch(f"/questions/{question.id}", {"body": "Tidied."}).status_code == 200
    short = api.patch(f"/questions/{question.id}", {"title": "abc"})
    assert short.status_code == 422 and "title" in error_of(short)["fields"]


# Status ------------------------------------------------------------------------------------


def test_staff_of_a_claimed_company_set_a_problems_status(client):
    acme = make_company("Acme")
    agent = make_staff(acme, role="agent").user
    question = make_question(acme, kind=Kind.PROBLEM)
    api = Api(client, agent)
    save()

    response = api.put(f"/questions/{question.id}/status", {"status": "in_progress"})
    wrong = api.put(f"/questions/{question.id}/status", {"status": "planned"})

    assert response.status_code == 200
    assert response.get_json()["status"] == "in_progress"
    assert wrong.status_code == 422
    assert "problem can be" in error_of(wrong)["fields"]["status"]


def test_not_even_a_site_admin_sets_a_status_on_an_unclaimed_company(client):
    question = make_question(make_company("Initech"), kind=Kind.PROBLEM)
    api = Api(client, make_user(is_admin=True))
    save()
    before = snapshot()

    response = api.put(f"/questions/{question.id}/status", {"status": "solved"})

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    "who, status", [("anonymous", 401), ("author", 403), ("other_staff", 403), ("unclaimed", 403)]
)
def test_others_may_not_set_a_status(client, who, status):
    acme = make_company("Acme")
    make_staff(acme)
    author = make_user()
    question = make_question(acme, kind=Kind.PROBLEM, author=author)
    users = {"author": author, "other_staff": make_staff(make_company("Globex")).user}
    if who == "unclaimed":
        initech = make_company("Initech")
        question = make_question(initech, kind=Kind.PROBLEM)
        users["unclaimed"] = make_user()
    api = Api(client, users.get(who))
    save()
    before = snapshot()

    response = api.put(f"/questions/{question.id}/status", {"status": "solved"})

    assert response.status_code == status
    assert snapshot() == before


# Best answer ---------------------------------------------------------------------------------


def test_the_asker_chooses_and_clears_the_best_answer(client):
    ada = make_user("ada")
    question = make_question(make_company("Acme"), author=ada)
    answer = make_answer(question)
    api = Api(client, ada)
    save()

    chosen = api.put(f"/questions/{question.id}/best-answer", {"answer_id": answer.id})
    cleared = api.put(f"/questions/{question.id}/best-answer", {"answer_id": None})

    assert chosen.status_code == 200
    assert (chosen.get_json()["best_answer_id"], chosen.get_json()["status"]) == (
        answer.id, "answered",
    )  # fmt: skip
    assert cleared.status_code == 200
    assert (cleared.get_json()["best_answer_id"], cleared.get_json()["status"]) == (None, "open")


@pytest.mark.parametrize(
    "answer_id",
    ["other", 2**31, 2**40, -1, 0, "12", 1.5, True, "missing"],
)
def test_a_best_answer_that_is_not_one_of_the_questions_answers_is_422(client, answer_id):
    ada = make_user("ada")
    question = make_question(make_company("Acme"), author=ada)
    other = make_answer(make_question(make_company("Globex")))
    api = Api(client, ada)
    save()
    before = snapshot()
    body = (
        {}
        if answer_id == "missing"
        else {"answer_id": other.id if answer_id == "other" else answer_id}
    )

    response = api.put(f"/questions/{question.id}/best-answer", body)

    assert response.status_code == 422
    assert "answer_id" in error_of(response)["fields"]
    assert snapshot() == before


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("user", 403), ("staff", 403)])
def test_others_may_not_choose_the_best_answer(client, who, status):
    acme = make_company("Acme")
    question = make_question(acme)
    answer = make_answer(question)
    users = {"user": make_user(), "staff": make_staff(acme, role="admin").user}
    api = Api(client, users.get(who))
    save()
    before = snapshot()

    response = api.put(f"/questions/{question.id}/best-answer", {"answer_id": answer.id})
    unknown = api.put(f"/questions/{question.id}/best-answer", {"answer_id": answer.id + 100})

    assert response.status_code == status
    assert unknown.status_code == status  # an id says nothing to those who may not choose
    assert snapshot() == before


# Me too ----------------------------------------------------------------------------------------


def test_me_too_is_counted_once_and_withdrawn_once(client):
    question = make_question(make_company("Acme"))
    api = Api(client, make_user())
    save()

    counts = [api.post(f"/questions/{question.id}/me-too").get_json()["me_too_count"] for _ in "ab"]
    withdrawn = [
        api.delete(f"/questions/{question.id}/me-too").get_json()["me_too_count"] for _ in "ab"
    ]

    assert counts == [1, 1]
    assert withdrawn == [0, 0]
    assert count(MeToo) == 0


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("author", 403)])
def test_me_too_is_refused_to_the_author_and_anonymous(client, who, status):
    author = make_user()
    question = make_question(make_company("Acme"), author=author)
    api = Api(client, author if who == "author" else None)
    save()
    before = snapshot()

    assert api.post(f"/questions/{question.id}/me-too").status_code == status
    assert api.delete(f"/questions/{question.id}/me-too").status_code == status
    assert snapshot() == before
