"""Atom feeds for the site, each company, each product and each question."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.questions.models import Kind
from tests.factories import (
    make_answer,
    make_company,
    make_product,
    make_question,
    make_staff,
    make_user,
)
from tests.feeds.helpers import ATOM, check_atom, entries, entry_titles


@pytest.fixture
def forum():
    acme = make_company("Acme")
    globex = make_company("Globex")
    drive = make_product(acme, "Drive")
    alice = make_user("alice", display_name="Alice Moreau")
    old = make_question(acme, title="Old question", age=timedelta(days=3), author=alice)
    new = make_question(
        acme, title="Drive sync stops", product=drive, kind=Kind.PROBLEM, age=timedelta(hours=1),
        body="It **stops** after the update.",
    )  # fmt: skip
    other = make_question(globex, title="Globex printer jams", age=timedelta(hours=2))
    db.session.commit()
    return acme, globex, drive, alice, old, new, other


def test_the_site_feed_lists_the_newest_questions(client, forum):
    *_, old, new, other = forum

    response = client.get("/feeds/questions.atom")

    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = check_atom(response.data)
    assert entry_titles(feed) == [
        "Problem: Drive sync stops",
        "Question: Globex printer jams",
        "Question: Old question",
    ]
    first = entries(feed)[0]
    assert first.findtext(f"{ATOM}id") == f"http://helpsquare.test/questions/{new.id}"
    link = first.find(f"{ATOM}link").get("href")
    assert link == f"http://helpsquare.test/questions/{new.id}/{new.slug}"
    assert first.findtext(f"{ATOM}content") == new.body_html
    assert "<strong>stops</strong>" in first.findtext(f"{ATOM}content")
    assert first.findtext(f"{ATOM}summary") == "It stops after the update."
    assert feed.findtext(f"{ATOM}updated") == new.created_at.isoformat()


def test_the_company_feed_lists_only_its_questions(client, forum):
    acme, _, _, alice, old, new, _ = forum

    feed = check_atom(client.get("/companies/acme/feed.atom").data)

    assert entry_titles(feed) == ["Problem: Drive sync stops", "Question: Old question"]
    assert feed.findtext(f"{ATOM}title") == "Acme on Helpsquare"
    author = entries(feed)[1].find(f"{ATOM}author")
    assert author.findtext(f"{ATOM}name") == "Alice Moreau (@alice)"
    assert author.findtext(f"{ATOM}uri") == "http://helpsquare.test/users/alice"


def test_the_product_feed_lists_only_its_questions(client, forum):
    feed = check_atom(client.get("/companies/acme/products/drive/feed.atom").data)

    assert entry_titles(feed) == ["Problem: Drive sync stops"]
    assert feed.findtext(f"{ATOM}title") == "Drive (Acme) on Helpsquare"


def test_the_question_feed_lists_its_answers_newest_first_and_the_question(client, forum):
    acme, *_, old, _, _ = forum
    staff = make_staff(acme, make_user("sam", display_name="Sam")).user
    one_hour, two_hours = (old.created_at + timedelta(hours=h) for h in (1, 2))
    peer = make_answer(old, body="Peer *help*.", created_at=one_hour, updated_at=one_hour)
    official = make_answer(
        old, author=staff, body="Official help.", is_official=True,
        created_at=two_hours, updated_at=two_hours,
    )  # fmt: skip
    db.session.commit()

    feed = check_atom(client.get(f"/questions/{old.id}/feed.atom").data)

    assert entry_titles(feed) == [
        "Official answer from Acme by Sam (@sam)",
        f"Answer by {peer.author.label}",
        "Question: Old question",
    ]
    first = entries(feed)[0]
    assert first.findtext(f"{ATOM}id") == (
        f"http://helpsquare.test/questions/{old.id}#answer-{official.id}"
    )
    assert feed.findtext(f"{ATOM}updated") == official.created_at.isoformat()
    assert "<em>help</em>" in entries(feed)[1].findtext(f"{ATOM}content")


def test_an_empty_feed_is_still_valid(client):
    make_company("Quiet")
    db.session.commit()

    feed = check_atom(client.get("/companies/quiet/feed.atom").data)

    assert entries(feed) == []


@pytest.mark.parametrize(
    "path",
    [
        "/companies/nobody/feed.atom",
        "/companies/acme/products/anvil/feed.atom",
        "/questions/999999/feed.atom",
        "/questions/99999999999999999999/feed.atom",
    ],
)
def test_unknown_things_have_no_feed(client, forum, path):
    assert client.get(path).status_code == 404


def test_hostile_text_stays_text_and_the_feed_stays_xml(client):
    acme = make_company("Acme")
    question = make_question(
        acme,
        title="]]> <![CDATA[ </title><script>alert(1)</script> \x01\x0b bell",
        body="Text with \x02 control & <b>tags</b> ]]>",
    )
    make_answer(question, author=make_user("evil", display_name="<Evil> \x03 & Co"))
    db.session.commit()

    for path in ("/feeds/questions.atom", f"/questions/{question.id}/feed.atom"):
        feed = check_atom(client.get(path).data)
        titles = entry_titles(feed)
        assert any("</title><script>alert(1)</script>" in title for title in titles)
        assert all("\x01" not in title for title in titles)
    names = [e.findtext(f"{ATOM}author/{ATOM}name") for e in entries(feed)]
    assert "<Evil> & Co (@evil)" in names


def test_pages_link_to_their_feeds_in_the_head(client, forum):
    *_, old, _, _ = forum

    pages = {
        "/": "http://helpsquare.test/feeds/questions.atom",
        "/companies/acme": "http://helpsquare.test/companies/acme/feed.atom",
        "/companies/acme/products/drive": (
            "http://helpsquare.test/companies/acme/products/drive/feed.atom"
        ),
        f"/questions/{old.id}/{old.slug}": f"http://helpsquare.test/questions/{old.id}/feed.atom",
    }
    for path, feed in pages.items():
        head = client.get(path).get_data(as_text=True).split("</head>")[0]
        assert 'type="application/atom+xml"' in head
        assert f'href="{feed}"' in head, path
        assert client.get(feed.removeprefix("http://helpsquare.test")).status_code == 200
