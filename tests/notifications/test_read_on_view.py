"""Opening the notifications page reads what it shows (issue 13): only those, only on a
GET a person made (not HEAD, not a browser's prefetch), and the bell's count drops."""

from __future__ import annotations

from tests.conftest import login_as
from tests.factories import make_user
from tests.notifications.helpers import (
    answered,
    assert_counters_match_rows,
    notifications_of,
    text,
    unread_counter,
)


def _bell(page: str) -> str:
    return page.split('<a class="bell')[1].split(">")[0]


def test_opening_the_page_reads_what_it_shows_and_the_bell_drops(client):
    alice = make_user("alice")
    answered(alice, 3)
    login_as(client, alice)
    assert 'aria-label="Notifications, 3 unread"' in _bell(text(client.get("/")))

    page = text(client.get("/notifications"))

    # Shown as they were when opened ("New"), counted no more: the bell says none.
    assert page.count(">New</strong>") == 3
    assert "Mark as read" not in page and "Mark all as read" not in page
    assert 'aria-label="Notifications, none unread"' in _bell(page)
    assert unread_counter(alice) == 0
    assert all(not n.is_unread for n in notifications_of(alice))
    assert_counters_match_rows()
    # The next visit has nothing new.
    again = text(client.get("/notifications"))
    assert ">New</strong>" not in again and "You are all caught up." in again


def test_only_the_page_shown_is_read_the_next_page_stays_unread(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    alice = make_user("alice")
    answered(alice, 5)
    login_as(client, alice)

    first = text(client.get("/notifications"))

    assert first.count(">New</strong>") == 2
    assert unread_counter(alice) == 3
    # Oldest first: the three older ones, on the pages not opened yet, are unread still.
    assert [n.is_unread for n in notifications_of(alice)] == [True, True, True, False, False]
    assert "3 unread." in first and "Mark all as read" in first
    assert 'aria-label="Notifications, 3 unread"' in _bell(first)
    assert_counters_match_rows()


def test_head_and_prefetch_read_nothing(client):
    alice = make_user("alice")
    answered(alice, 2)
    login_as(client, alice)

    head = client.head("/notifications")
    prefetch = client.get("/notifications", headers={"Sec-Purpose": "prefetch"})
    old_prefetch = client.get("/notifications", headers={"Purpose": "prefetch"})

    assert head.status_code == prefetch.status_code == old_prefetch.status_code == 200
    assert unread_counter(alice) == 2
    assert all(n.is_unread for n in notifications_of(alice))
    # A prefetched page that is shown later still offers to mark each one read.
    assert text(prefetch).count("Mark as read") == 2


def test_a_notification_arriving_meanwhile_stays_counted(client):
    """The counter goes down by the rows read, not to zero: one that came after the page
    was read stays unread and counted."""
    alice = make_user("alice")
    answered(alice, 2)
    login_as(client, alice)
    client.get("/notifications")

    answered(alice, 1, title="And why does it whistle?")

    assert unread_counter(alice) == 1
    assert_counters_match_rows()
