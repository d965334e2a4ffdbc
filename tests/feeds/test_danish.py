"""Feeds follow the reader's language for their own words (issue 17); the posts in them do
not change, and the feed says which language it speaks."""

from __future__ import annotations

from app.extensions import db
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.feeds.helpers import ATOM, check_atom

DANISH = {"Accept-Language": "da"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_a_question_feed_in_danish(client):
    company = make_company("Acme")
    question = make_question(company, title="Sync stops")
    staff = make_staff(company, make_user("sam", display_name="Sam")).user
    make_answer(question, author=staff, is_official=True, body="Update to 4.3.")
    db.session.commit()

    response = client.get(f"/questions/{question.id}/feed.atom", headers=DANISH)

    feed = check_atom(response.data)
    assert feed.get(XML_LANG) == "da"
    assert feed.findtext(f"{ATOM}title") == "Svar på: Sync stops"
    assert feed.findtext(f"{ATOM}subtitle") == "Svar på et spørgsmål om Acme."
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert titles[0].startswith("Officielt svar fra Acme af Sam")
    assert titles[-1] == "Spørgsmål: Sync stops"
    assert "Accept-Language" in response.headers["Vary"]


def test_the_site_feed_stays_english_without_a_danish_reader(client):
    make_question(make_company("Acme"), title="Sync stops")
    db.session.commit()

    feed = check_atom(client.get("/feeds/questions.atom").data)
    danish = check_atom(client.get("/feeds/questions.atom", headers=DANISH).data)

    assert feed.get(XML_LANG) == "en"
    assert feed.findtext(f"{ATOM}title") == "Helpsquare: new questions"
    assert danish.findtext(f"{ATOM}title") == "Helpsquare: nye spørgsmål"
    assert danish.find(f"{ATOM}entry/{ATOM}title").text == "Spørgsmål: Sync stops"
