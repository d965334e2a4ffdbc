"""The notifications page, marking read, and the bell in the header."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app.answers import services as answers
from app.db import utcnow
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import NotificationKind
from app.questions import services as questions
from tests.checks import snapshot
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_user
from tests.notifications.helpers import (
    assert_counters_match_rows,
    notifications_of,
    save,
    text,
    unread_counter,
)

K = NotificationKind


def _notify(user, n: int, *, title: str = "Why does it beep?") -> list:  # noqa: ANN001
    """``n`` answers on a question ``user`` asked, a minute apart (newest last)."""
    question = questions.ask_question(user, make_company(), title=title, body="It beeps.")
    start = utcnow() - timedelta(hours=1)
    made = []
    for i in range(n):
        answer = make_answer(question, author=make_user(display_name=f"Answerer {i}"))
        notifications.notify(
            notifications.Event(
                K.ANSWER,
                actor_id=answer.author_id,
                question_id=question.id,
                answer_id=answer.id,
                occurred_at=start + timedelta(minutes=i),
            )
        )
        made.append(answer)
    save()
    return made


def test_the_page_lists_newest_first_with_links_to_the_answers(client):
    alice = make_user("alice")
    made = _notify(alice, 3, title="Why does it beep?")
    login_as(client, alice)

    page = text(client.get("/notifications"))

    assert page.index("Answerer 2 (@") < page.index("Answerer 1 (@")
    assert page.index("Answerer 1 (@") < page.index("Answerer 0 (@")
    question_id = made[0].question_id
    for answer in made:
        assert f'href="/answers/{answer.id}"' in page
        assert re.fullmatch(
            rf"/questions/{question_id}/[^#]+#answer-{answer.id}",
            client.get(f"/answers/{answer.id}").location,
        )
    # Unread is said in words, not only shown in colour.
    assert page.count(">New</strong>") == 3
    # Opening the page read them (tests/notifications/test_read_on_view.py).
    assert "3 new notifications, now marked as read." in page


def test_the_bell_shows_the_unread_count_by_name_and_visibly(client):
    alice = make_user("alice")
    _notify(alice, 3)
    login_as(client, alice)

    page = text(client.get("/"))

    assert 'aria-label="Notifications, 3 unread"' in page
    assert '<span class="bell__count">3</span>' in page


def test_the_bell_of_someone_with_nothing_unread_shows_no_number(client):
    login_as(client, make_user())

    page = text(client.get("/"))

    assert 'aria-label="Notifications, none unread"' in page
    assert "bell__count" not in page


def test_the_bell_costs_no_statement(client, count_queries):
    """The count is a column of the signed-in user's row: a page with the bell runs what it
    ran before it (the signed-in user, the companies and the questions of the home page)."""
    alice = make_user("alice")
    _notify(alice, 3)
    login_as(client, alice)
    db.session.expunge_all()

    with count_queries() as statements:
        page = text(client.get("/"))

    assert "Notifications, 3 unread" in page
    assert not [s for s in statements if "notifications" in s]
    assert len(statements) == 3


def test_marking_one_read_lowers_the_count(client):
    alice = make_user("alice")
    _notify(alice, 2)
    first, second = notifications_of(alice)
    login_as(client, alice)

    response = client.post(f"/notifications/{first.id}/read")

    assert response.status_code == 303
    assert urlsplit(response.location).path == "/notifications"
    assert [n.is_unread for n in notifications_of(alice)] == [False, True]
    assert unread_counter(alice) == 1
    # Twice is harmless: the count does not go down again.
    client.post(f"/notifications/{first.id}/read")
    assert unread_counter(alice) == 1
    assert 'aria-label="Notifications, 1 unread"' in text(client.get("/"))
    assert_counters_match_rows()


def test_mark_all_as_read(client):
    alice = make_user("alice")
    _notify(alice, 4)
    login_as(client, alice)

    response = client.post("/notifications/read-all", follow_redirects=True)

    assert "Marked 4 notifications as read." in text(response)
    assert unread_counter(alice) == 0
    assert all(not n.is_unread for n in notifications_of(alice))
    assert "Mark all as read" not in text(response)


def test_nobody_marks_someone_elses_notification_read(client):
    alice, mallory = make_user("alice"), make_user("mallory")
    _notify(alice, 1)
    (note,) = notifications_of(alice)
    login_as(client, mallory)
    before = snapshot()

    response = client.post(f"/notifications/{note.id}/read")

    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/notifications"),
        ("GET", "/notifications/settings"),
        ("POST", "/notifications/settings"),
        ("POST", "/notifications/read-all"),
        ("POST", "/notifications/1/read"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    alice = make_user("alice")
    _notify(alice, 1)
    before = snapshot()

    response = client.open(url, method=method)

    assert response.status_code in (302, 303)
    assert urlsplit(response.location).path == "/sign-in"
    assert snapshot() == before


def test_the_list_pages_by_keyset(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    alice = make_user("alice")
    _notify(alice, 5)
    login_as(client, alice)

    first = text(client.get("/notifications"))
    next_link = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    second = text(client.get(next_link.replace("&amp;", "&")))

    assert "Answerer 4 (@" in first and "Answerer 3 (@" in first
    assert "Answerer 2 (@" in second and "Answerer 1 (@" in second
    assert "Answerer 4 (@" not in second


@pytest.mark.parametrize("cursor", ["bm9wZQ", "padded"])
def test_a_cursor_we_did_not_issue_is_a_clear_error(client, cursor):
    login_as(client, make_user())
    if cursor == "padded":  # well formed, but far longer than any cursor this server issues
        padded = f'[{" " * 300}"{utcnow().isoformat()}",1]'.encode()
        cursor = base64.urlsafe_b64encode(padded).decode()

    response = client.get("/notifications", query_string={"cursor": cursor})

    assert response.status_code == 400
    assert "Start again from the first page" in text(response)


def _page_statements(client, count_queries, user) -> int:  # noqa: ANN001
    login_as(client, db.session.merge(user))
    db.session.expunge_all()  # the page must load all it shows itself
    with count_queries() as statements:
        response = client.get("/notifications")
    assert response.status_code == 200
    return len(statements)


def test_the_page_runs_the_same_statements_for_5_and_50(client, count_queries):
    few, many = make_user("few"), make_user("many")
    _notify(few, 5)
    _notify(many, 50)
    # Each kind names other things (company, product, actor): one of each on the page.
    acme = make_company("Acme")
    answer = make_answer(make_question(acme), author=many)
    answers.vote_helpful(make_user(), answer)
    save()

    # The signed-in user (1), the page with everything its sentences name (1), and reading
    # what it shows: one UPDATE of those notifications, one of the user's counter (2).
    assert _page_statements(client, count_queries, few) == 4
    assert _page_statements(client, count_queries, many) == 4
    # Opened again, nothing it shows is unread: nothing to write.
    assert _page_statements(client, count_queries, few) == 2
    assert _page_statements(client, count_queries, many) == 2


def test_a_user_without_notifications_sees_an_invitation_to_follow(client):
    login_as(client, make_user())

    page = text(client.get("/notifications"))

    assert "No notifications yet." in page
    assert "You are all caught up." in page


def test_marking_read_needs_the_forms_csrf_token(app, client, monkeypatch):
    alice = make_user("alice")
    _notify(alice, 1)
    (note,) = notifications_of(alice)
    login_as(client, alice)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post(f"/notifications/{note.id}/read")

    assert response.status_code == 400
    assert unread_counter(alice) == 1


def test_the_profile_links_to_the_email_settings(client):
    alice = make_user("alice")
    save()
    login_as(client, alice)

    page = text(client.get("/users/alice"))

    assert 'href="/notifications/settings"' in page


def test_the_demo_gives_alice_unread_notifications_and_mails_none(app, client):
    import sqlalchemy as sa

    from app.accounts.models import User
    from app.mail.models import OutboxMessage

    app.test_cli_runner().invoke(args=["seed-demo"])

    alice = db.session.scalar(sa.select(User).where(User.username == "alice"))
    assert unread_counter(alice) > 0
    kinds = {n.kind for n in notifications_of(alice)}
    assert {K.OFFICIAL_ANSWER, K.STATUS_CHANGED, K.NEW_QUESTION} <= kinds
    assert_counters_match_rows()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
