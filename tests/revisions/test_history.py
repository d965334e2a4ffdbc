"""Edit history: every edit keeps the version it replaced; n edits read as n + 1 versions,
the original first written, the newest the post as it is now. Through the services and
the JSON API."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from app.answers import services as answer_services
from app.extensions import db
from app.questions import services
from tests.api.helpers import Api, error_of, save
from tests.checks import snapshot
from tests.factories import make_answer, make_company, make_product, make_question, make_user
from tests.revisions.helpers import answer_revision_rows, revision_rows

USER_FIELDS = {
    "id", "username", "display_name", "created_at", "is_admin", "is_moderator",
    "reputation", "suspended_until", "url",
}  # fmt: skip
QUESTION_REVISION_FIELDS = {
    "number", "title", "body", "kind", "product", "editor", "created_at", "url",
}  # fmt: skip
ANSWER_REVISION_FIELDS = {"number", "body", "editor", "created_at", "url"}


@pytest.fixture
def asker():
    return make_user("asker")


@pytest.fixture
def question(clock, asker):
    acme = make_company("Acme")
    return make_question(
        acme, author=asker, title="Sync stops after the update", body="Version one."
    )


def _edit_three_times(clock, question, editors):
    for n, editor in enumerate(editors, start=2):
        clock.move(minutes=10)
        services.edit_question(editor, question, body=f"Version {n}.")


def test_n_edits_read_as_n_plus_1_versions_the_newest_the_question_now(
    client, clock, asker, question
):
    admin = make_user("keeper", is_admin=True)
    _edit_three_times(clock, question, [asker, admin, asker])
    clock.move(minutes=10)
    services.edit_question(asker, question, title="Sync stops after the 4.3 update")
    save()

    response = Api(client).get(f"/questions/{question.id}/revisions")

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "next_cursor"} and body["next_cursor"] is None
    items = body["items"]
    assert [item["number"] for item in items] == [5, 4, 3, 2, 1]
    assert all(set(item) == QUESTION_REVISION_FIELDS for item in items)
    assert all(set(item["editor"]) == USER_FIELDS for item in items)
    newest = Api(client).get(f"/questions/{question.id}").get_json()
    assert (items[0]["title"], items[0]["body"]) == (newest["title"], newest["body"])
    assert [(i["title"], i["body"]) for i in items[1:]] == [
        ("Sync stops after the update", "Version 4."),
        ("Sync stops after the update", "Version 3."),
        ("Sync stops after the update", "Version 2."),
        ("Sync stops after the update", "Version one."),
    ]
    # Each version says who made it and when: the original is the asker's, at asking time.
    assert [i["editor"]["username"] for i in items] == [
        "asker",
        "asker",
        "keeper",
        "asker",
        "asker",
    ]
    assert [i["created_at"][11:16] for i in items] == ["09:40", "09:30", "09:20", "09:10", "09:00"]
    assert items[-1]["created_at"] == newest["created_at"]
    assert items[0]["created_at"] == newest["updated_at"]
    assert {(i["kind"], i["product"]) for i in items} == {("question", None)}


def test_a_question_never_edited_is_one_version_without_any_stored_row(client, question):
    save()

    items = Api(client).get(f"/questions/{question.id}/revisions").get_json()["items"]

    assert [(i["number"], i["body"], i["editor"]["username"]) for i in items] == [
        (1, "Version one.", "asker")
    ]
    assert revision_rows() == 0


def test_saving_without_a_change_keeps_no_version_and_changes_nothing(client, clock, question):
    save()
    clock.move(minutes=5)  # an edit now would show in updated_at
    api = Api(client, question.author)
    save()
    before = snapshot()

    services.edit_question(question.author, question, title=" Sync  stops after the update ")
    services.edit_question(question.author, question, body="  Version one.\n")
    services.edit_question(question.author, question, kind="question", product=None)
    response = api.patch(
        f"/questions/{question.id}", {"title": question.title, "body": question.body}
    )

    assert response.status_code == 200
    db.session.expire_all()
    assert snapshot() == before
    assert revision_rows() == 0


def test_an_answer_keeps_its_versions_and_a_save_without_change_keeps_none(client, clock):
    author = make_user("helper")
    answer = make_answer(author=author, body="Restart it.")
    clock.move(minutes=1)
    answer_services.edit_answer(author, answer, body="Restart it twice.")
    clock.move(minutes=1)
    answer_services.edit_answer(author, answer, body="  Restart it twice.  ")
    clock.move(minutes=1)
    answer_services.edit_answer(author, answer, body="Restart it, then update it.")
    save()

    response = Api(client).get(f"/answers/{answer.id}/revisions")

    assert response.status_code == 200
    items = response.get_json()["items"]
    assert all(set(item) == ANSWER_REVISION_FIELDS for item in items)
    assert [(i["number"], i["body"]) for i in items] == [
        (3, "Restart it, then update it."),
        (2, "Restart it twice."),
        (1, "Restart it."),
    ]
    assert answer_revision_rows() == 2
    current = Api(client).get(f"/questions/{answer.question_id}/answers").get_json()["items"][0]
    assert items[0]["body"] == current["body"]


def test_versions_come_in_pages_that_follow_the_cursor(client, clock, asker, question):
    for n in range(2, 8):
        clock.move(minutes=1)
        services.edit_question(asker, question, body=f"Version {n}.")
    save()
    api = Api(client)

    numbers, cursor, pages = [], None, 0
    while True:
        query = f"?limit=3&cursor={cursor}" if cursor else "?limit=3"
        page = api.get(f"/questions/{question.id}/revisions{query}").get_json()
        numbers += [item["number"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert numbers == [7, 6, 5, 4, 3, 2, 1]
    assert pages == 3


def test_each_version_links_to_the_history_page_that_shows_it(client, clock, asker, question):
    for n in range(2, 5):
        clock.move(minutes=1)
        services.edit_question(asker, question, body=f"Version {n}.")
    save()

    items = Api(client).get(f"/questions/{question.id}/revisions?limit=4").get_json()["items"]

    for item in items:
        url = urlsplit(item["url"])
        assert url.fragment == f"version-{item['number']}"
        page = client.get(f"{url.path}?{url.query}")
        assert page.status_code == 200
        assert f'id="version-{item["number"]}"' in page.get_data(as_text=True)
    assert "cursor" not in parse_qs(urlsplit(items[0]["url"]).query)


@pytest.mark.parametrize(
    "query, status, field",
    [
        ("?limit=0", 422, "limit"),
        ("?limit=101", 422, "limit"),
        ("?cursor=not-a-cursor", 400, "cursor"),
        ("?cursor=" + "A" * 300, 400, "cursor"),
    ],
)
def test_bad_page_arguments_are_refused(client, question, query, status, field):
    save()

    response = Api(client).get(f"/questions/{question.id}/revisions{query}")

    assert response.status_code == status
    assert field in error_of(response)["fields"]


def test_a_cursor_of_another_history_or_past_the_newest_is_refused(client, clock, asker):
    acme = make_company("Acme")
    first = make_question(acme, author=asker, body="One.")
    second = make_question(acme, author=asker, body="One.")
    for n in range(2, 5):
        services.edit_question(asker, first, body=f"Edit {n}.")
        services.edit_question(asker, second, body=f"Edit {n}.")
    save()
    api = Api(client)
    cursor = api.get(f"/questions/{first.id}/revisions?limit=1").get_json()["next_cursor"]
    from app.moderation.revision_queries import version_cursor

    elsewhere = api.get(f"/questions/{second.id}/revisions?cursor={cursor}")
    beyond = api.get(f"/questions/{first.id}/revisions?cursor={version_cursor(9, first.id)}")
    newest = api.get(f"/questions/{first.id}/revisions?cursor={version_cursor(5, first.id)}")

    assert elsewhere.status_code == 400
    assert beyond.status_code == 400
    assert [i["number"] for i in newest.get_json()["items"]] == [4, 3, 2, 1]


def test_the_history_of_a_post_that_does_not_exist_is_not_found(client):
    api = Api(client)

    assert api.get("/questions/987654/revisions").status_code == 404
    assert api.get("/answers/987654/revisions").status_code == 404
    assert client.get("/questions/987654/revisions").status_code == 404
    assert client.get("/answers/987654/revisions").status_code == 404


def test_kind_and_product_are_kept_in_each_version(client, asker):
    acme = make_company("Acme")
    rocket = make_product(acme, "Rocket")
    question = make_question(acme, author=asker, product=rocket)
    services.edit_question(asker, question, kind="problem", product=None)
    save()

    items = Api(client).get(f"/questions/{question.id}/revisions").get_json()["items"]

    assert [(i["number"], i["kind"], i["product"]) for i in items] == [
        (2, "problem", None),
        (1, "question", "rocket"),
    ]
