"""Question pages carry schema.org QAPage JSON-LD that no user text can break out of."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.feeds.structured_data import SUGGESTED_MAX
from tests.factories import make_answer, make_company, make_question, make_staff, make_user

BASE = "http://helpsquare.test"
HOSTILE_TITLE = "</script><script>alert(1)</script> <!-- sync & 'quotes'"


def ld_blocks(client, question) -> tuple[str, list[str]]:
    page = client.get(f"/questions/{question.id}/{question.slug}").get_data(as_text=True)
    blocks = re.findall(
        r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', page, flags=re.S
    )
    return page, blocks


def ld_json(client, question) -> tuple[str, dict]:
    page, blocks = ld_blocks(client, question)
    assert len(blocks) == 1
    return page, json.loads(blocks[0])


@pytest.fixture
def acme():
    return make_company("Acme")


def test_the_question_is_the_main_entity_with_the_best_answer_accepted(client, acme):
    asker = make_user("asker", display_name="Ann Asker")
    question = make_question(
        acme, author=asker, title="Sync stops", body="It *stops*.", me_too_count=4
    )
    best = make_answer(question, body="Restart it.", helpful_count=3)
    staff = make_staff(acme).user
    official = make_answer(question, author=staff, body="Update to 4.3.", is_official=True)
    question.best_answer_id = best.id
    db.session.commit()

    _, data = ld_json(client, question)

    assert data["@context"] == "https://schema.org" and data["@type"] == "QAPage"
    main = data["mainEntity"]
    assert main["@type"] == "Question"
    assert main["name"] == "Sync stops" and main["text"] == "It stops."
    assert main["answerCount"] == 2 and main["upvoteCount"] == 4
    assert main["dateCreated"] == question.created_at.isoformat()
    assert main["datePublished"] == question.created_at.isoformat()
    assert main["author"] == {
        "@type": "Person",
        "name": "Ann Asker (@asker)",
        "url": f"{BASE}/users/asker",
    }
    accepted = main["acceptedAnswer"]
    assert accepted["text"] == "Restart it." and accepted["upvoteCount"] == 3
    assert accepted["datePublished"] == best.created_at.isoformat()
    assert accepted["url"] == f"{BASE}/questions/{question.id}/{question.slug}#answer-{best.id}"
    assert [a["text"] for a in main["suggestedAnswer"]] == ["Update to 4.3."]
    assert main["suggestedAnswer"][0]["author"]["name"] == staff.label
    assert official.id != best.id


def test_without_a_best_answer_nothing_is_accepted_and_official_answers_come_first(client, acme):
    # Only the asker accepts: an official answer is suggested, first, but not accepted.
    question = make_question(acme)
    staff = make_staff(acme).user
    make_answer(question, body="A peer, first on the page.", helpful_count=9)
    make_answer(question, author=staff, is_official=True, body="Old official.")
    make_answer(
        question, author=staff, is_official=True, body="New official.",
        created_at=question.created_at + timedelta(days=1),
    )  # fmt: skip
    db.session.commit()

    _, data = ld_json(client, question)

    main = data["mainEntity"]
    assert "acceptedAnswer" not in main
    texts = [answer["text"] for answer in main["suggestedAnswer"]]
    assert sorted(texts[:2]) == ["New official.", "Old official."]
    assert texts[2:] == ["A peer, first on the page."]


def test_text_keeps_its_line_breaks_and_list_items_apart(client, acme):
    question = make_question(
        acme, body="It stops.\n\nOn these:\n\n- laptop\n- phone\n\n```\nerror 42\ncode 7\n```"
    )
    make_answer(question, body="First *this*.\n\nThen that.")
    db.session.commit()

    _, data = ld_json(client, question)

    main = data["mainEntity"]
    assert main["text"] == "It stops.\nOn these:\n- laptop\n- phone\nerror 42\ncode 7"
    assert main["suggestedAnswer"][0]["text"] == "First this.\nThen that."


def test_peer_answers_only_are_suggested_and_capped(client, acme):
    question = make_question(acme)
    for n in range(SUGGESTED_MAX + 3):
        make_answer(question, body=f"Peer answer {n}.")
    db.session.commit()

    _, data = ld_json(client, question)

    main = data["mainEntity"]
    assert "acceptedAnswer" not in main
    assert len(main["suggestedAnswer"]) == SUGGESTED_MAX
    assert main["answerCount"] == SUGGESTED_MAX + 3


def test_an_unanswered_question_has_no_qapage(client, acme):
    question = make_question(acme)
    hidden_only = make_question(acme)
    make_answer(hidden_only, hidden_at=hidden_only.created_at)
    db.session.commit()

    for each in (question, hidden_only):
        page, blocks = ld_blocks(client, each)

        assert blocks == [] and "QAPage" not in page


def test_a_title_that_closes_the_script_stays_inside_the_json(client, acme):
    question = make_question(acme, title=HOSTILE_TITLE, body=HOSTILE_TITLE)
    make_answer(question, body="</script><!--")
    db.session.commit()

    page, data = ld_json(client, question)

    assert data["mainEntity"]["name"] == HOSTILE_TITLE
    assert data["mainEntity"]["suggestedAnswer"][0]["text"] == "</script><!--"
    block = page.split('type="application/ld+json"')[1].split("</script>")[0]
    assert "<" not in block.split(">", 1)[1] and "&" not in block.split(">", 1)[1]
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in block
    # The page's only <script> elements are ours: this data block and our one static script
    # (the preview's, issue 13).
    assert page.lower().count("<script") == 2
    assert page.lower().count('<script src="/static/js/helpsquare.js?v=') == 1
