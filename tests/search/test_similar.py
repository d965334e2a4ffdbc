"""Search before you ask: similar questions while asking (with and without JavaScript),
and related questions on a question page."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.questions.models import Question, Status
from app.search.queries import similar_questions
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_staff, make_user
from tests.questions.helpers import count, text
from tests.search.helpers import answer, ask

GOOD = {"title": "Drive sync stops after update", "body": "Nothing uploads.", "kind": "question"}


@pytest.fixture
def acme():
    return make_company("Acme")


@pytest.fixture
def asker():
    return make_user("asker")


@pytest.fixture
def forum(acme):
    """Acme questions about syncing: one with a best answer, one official, one unanswered."""
    best = ask(acme, "Sync stopped working on my phone", "Since yesterday.")
    chosen = answer(best, "Sign out and in again.")
    best.best_answer_id = chosen.id
    best.status = Status.ANSWERED
    staff = make_staff(acme).user
    official = ask(acme, "Drive does not sync large files", "Over 2 GB.")
    answer(official, "Files over 2 GB sync from version 4.3.", author=staff, is_official=True)
    official.has_official_answer = True
    official.status = Status.ANSWERED
    waiting = ask(acme, "Sync icon spins forever", "It never finishes.")
    ask(acme, "Invoices show the wrong currency")
    ask(make_company("Globex"), "Globex sync stops after update")
    db.session.commit()
    return best, official, waiting


def test_similar_questions_share_the_telling_words_of_the_title(acme, forum):
    best, official, waiting = forum

    found = similar_questions("How do I make Drive sync again?", company_id=acme.id)

    assert {q.id for q in found} == {best.id, official.id, waiting.id}
    assert found[0].id == official.id  # "drive" and "sync" both in its title
    assert similar_questions("the and of to", company_id=acme.id) == []


def test_at_most_five_are_offered(acme):
    for n in range(8):
        ask(acme, f"Sync problem number {n}")

    assert len(similar_questions("sync problem", company_id=acme.id)) == 5


def test_the_similar_endpoint_gives_state_and_links(client, acme, forum):
    best, official, waiting = forum

    response = client.get("/search/similar", query_string={"title": "sync", "company": "acme"})

    assert response.status_code == 200
    items = {item["id"]: item for item in response.get_json()["items"]}
    assert set(items) == {best.id, official.id, waiting.id}
    assert items[best.id]["has_best_answer"] and items[best.id]["answered"]
    assert items[official.id]["has_official_answer"] and not items[official.id]["has_best_answer"]
    assert not items[waiting.id]["answered"]
    assert items[waiting.id]["url"] == f"/questions/{waiting.id}/{waiting.slug}"
    assert items[waiting.id]["status_label"] == "Open"


def test_the_similar_endpoint_without_a_company_searches_everywhere(client, forum):
    items = client.get("/search/similar", query_string={"title": "sync stops"}).get_json()["items"]

    assert "Globex sync stops after update" in [item["title"] for item in items]


def test_an_unknown_company_finds_nothing(client, forum):
    response = client.get("/search/similar", query_string={"title": "sync", "company": "nobody"})

    assert response.status_code == 404
    assert response.get_json() == {"items": []}


# The ask flow without JavaScript ---------------------------------------------------------


def test_the_first_post_shows_similar_questions_and_keeps_everything_typed(
    client, acme, asker, forum
):
    best, official, waiting = forum
    login_as(client, asker)

    response = client.post("/companies/acme/ask", data={**GOOD, "kind": "problem"})

    page = text(response)
    assert response.status_code == 200
    assert count(Question) == 5  # nothing posted yet
    assert "Is your question already here?" in page
    similar = page.split('id="similar"')[1].split("</section>")[0]
    for question in (best, official, waiting):
        assert f'href="/questions/{question.id}/{question.slug}">{question.title}</a>' in similar
    # One badge each: "Problem · Best answer ★", "Problem · Official answer ◆" (issue 13).
    assert "· Best answer<span" in similar and "· Official answer<span" in similar
    assert "Globex" not in similar  # only the company being asked
    assert '<button type="submit" form="ask-form">None of these — continue</button>' in page
    assert '<input type="hidden" name="seen_similar" value="1">' in page
    assert 'value="Drive sync stops after update"' in page
    assert "Nothing uploads.</textarea>" in page
    assert '<input checked id="kind-1" name="kind" type="radio" value="problem">' in page


def test_none_of_these_continue_posts_the_question(client, acme, asker, forum):
    login_as(client, asker)

    response = client.post("/companies/acme/ask", data={**GOOD, "seen_similar": "1"})

    assert response.status_code == 303
    posted = db.session.scalars(db.select(Question).where(Question.title == GOOD["title"])).one()
    assert response.location == f"/questions/{posted.id}/{posted.slug}"


def test_with_nothing_similar_the_question_is_posted_at_once(client, acme, asker, forum):
    login_as(client, asker)

    response = client.post(
        "/companies/acme/ask", data={**GOOD, "title": "Where do I change my avatar?"}
    )

    assert response.status_code == 303


def test_bad_input_is_refused_before_similar_questions_are_shown(client, acme, asker, forum):
    login_as(client, asker)

    response = client.post("/companies/acme/ask", data={**GOOD, "body": ""})

    assert response.status_code == 422
    assert "Please write a few words." in text(response)
    assert "Is your question already here?" not in text(response)


def test_the_ask_page_loads_the_script_that_shows_matches_while_typing(client, acme, asker):
    db.session.commit()
    login_as(client, asker)

    page = text(client.get("/companies/acme/ask"))

    assert 'id="ask-form" data-similar-url="/search/similar?company=acme"' in page
    assert '<div id="similar-live" class="similar-live" aria-live="polite"></div>' in page
    assert '<input type="hidden" name="seen_similar" value="">' in page
    assert '<script src="/static/js/helpsquare.js?v=' in page and "defer nonce=" in page
    script = client.get("/static/js/helpsquare.js")
    script.close()
    assert script.status_code == 200


# Related questions on the question page -------------------------------------------------


def test_the_question_page_lists_related_questions_of_its_company(client, acme, forum):
    best, official, waiting = forum

    page = text(client.get(f"/questions/{waiting.id}/{waiting.slug}"))

    related = page.split('id="related-heading"')[1].split("</section>")[0]
    assert best.title in related and official.title in related
    assert waiting.title not in related and "Globex" not in related
    assert "Invoices" not in related


def test_a_question_with_nothing_related_shows_no_section(client, acme):
    lonely = ask(acme, "Invoices show the wrong currency")
    make_answer(lonely)
    db.session.commit()

    page = text(client.get(f"/questions/{lonely.id}/{lonely.slug}"))

    assert "Related questions" not in page


def test_the_company_name_alone_makes_no_question_similar(acme):
    ask(acme, "Acme invoices show the wrong currency")

    assert similar_questions("Acme app crashes", company_id=acme.id, ignore="Acme") == []
    assert len(similar_questions("Acme app crashes", company_id=acme.id)) == 1


def test_similar_questions_are_matched_on_their_titles(acme):
    """A word only in a question's text does not make it similar: titles say what a
    question is about, and matching every text made the search slow on a large forum."""
    titled = ask(acme, "Battery drains overnight")
    ask(acme, "Screen flickers", "Also the battery drains faster since then.")

    found = similar_questions("Why does my battery drain so fast?", company_id=acme.id)

    assert [q.id for q in found] == [titled.id]
