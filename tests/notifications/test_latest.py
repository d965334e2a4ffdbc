"""The bell's list (``GET /notifications/latest``): the newest few of the viewer's own
notifications as JSON, through the notifications page's query, marking nothing read."""

from __future__ import annotations

from app.db import utcnow
from tests.conftest import login_as
from tests.factories import make_user
from tests.notifications.helpers import notifications_of, save, unread_counter
from tests.notifications.test_pages import _notify

URL = "/notifications/latest"
DA = {"Accept-Language": "da"}


def test_signed_out_it_is_refused(client):
    response = client.get(URL)

    assert response.status_code == 401
    assert response.is_json
    assert "items" not in response.get_json()


def test_it_lists_the_newest_few_with_links_and_marks_nothing_read(client):
    alice = make_user("alice")
    made = _notify(alice, 8, title="Why does it beep?")
    login_as(client, alice)

    response = client.get(URL)

    assert response.status_code == 200
    data = response.get_json()
    items = data["items"]
    assert len(items) == 6  # the newest six; the page has the rest
    assert [item["url"] for item in items] == [f"/answers/{a.id}" for a in reversed(made[2:])]
    assert items[0]["text"].startswith("Answerer 7 (@")
    assert "“Why does it beep?”" in items[0]["text"]
    assert all(item["unread"] for item in items)
    assert items[0]["when"] and items[0]["when_iso"]
    assert data["all_url"] == "/notifications"
    assert data["labels"]["all"] == "All notifications"
    # Private: never stored by a cache on the way.
    assert "no-store" in response.headers["Cache-Control"]
    # Looking at the list marks nothing read.
    assert unread_counter(alice) == 8
    assert all(n.read_at is None for n in notifications_of(alice))


def test_it_holds_only_the_viewer_s_own_notifications(client):
    alice, bruno = make_user("alice"), make_user("bruno")
    _notify(alice, 2, title="Alice's question")
    login_as(client, bruno)

    data = client.get(URL).get_json()

    assert data["items"] == []
    assert data["labels"]["empty"] == "No notifications yet."


def test_a_hidden_question_s_notifications_are_left_out(client):
    alice = make_user("alice")
    made = _notify(alice, 2, title="Soon hidden")
    made[0].question.hidden_at = utcnow()
    save()
    login_as(client, alice)

    data = client.get(URL).get_json()

    assert data["items"] == []


def test_a_fixed_number_of_statements_whatever_the_count(client, count_queries):
    alice, bruno = make_user("alice"), make_user("bruno")
    _notify(alice, 1)
    _notify(bruno, 8)

    counts = []
    for user in (alice, bruno):
        login_as(client, user)
        client.get(URL)  # warm up
        with count_queries() as statements:
            assert len(client.get(URL).get_json()["items"]) in (1, 6)
        counts.append(len(statements))

    assert counts == [2, 2]  # the signed-in user, the notifications


def test_head_answers_without_a_body(client):
    alice = make_user("alice")
    _notify(alice, 1)
    login_as(client, alice)

    response = client.head(URL)

    assert response.status_code == 200
    assert response.get_data() == b""


def test_it_speaks_danish(client):
    alice = make_user("alice")
    (answer,) = _notify(alice, 1)
    login_as(client, alice)

    data = client.get(URL, headers=DA).get_json()

    assert data["labels"]["all"] == "Alle notifikationer"
    assert data["labels"]["heading"] == "Seneste notifikationer"
    assert data["labels"]["new"] == "Ny"
    assert data["items"][0]["text"] == (
        f"Answerer 0 (@{answer.author.username}) svarede på “Why does it beep?”"
    )
    assert "siden" in data["items"][0]["when"] or data["items"][0]["when"] == "lige nu"


def test_signed_out_in_danish(client):
    response = client.get(URL, headers=DA)

    assert response.status_code == 401
    assert response.get_json()["error"] == "Log ind for at se dine notifikationer."
