"""A question page shows at most 30 answers; the rest are on keyset pages of their own,
plain links that work without JavaScript, in the same order as the API's list."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from app import content
from app.answers.models import Answer
from app.answers.queries import ANSWERS_PER_PAGE, answers_page, page_cursor_for
from app.extensions import db
from tests.api.helpers import Api
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.questions.helpers import text

CARD = re.compile(r'<article class="answer[^"]*" id="answer-(\d+)"')
NEXT = re.compile(r'<a rel="next"[^>]* href="([^"]+)"')


def url(question) -> str:
    return f"/questions/{question.id}/{question.slug}"


def card_ids(page: str) -> list[int]:
    return [int(found) for found in CARD.findall(page)]


def next_link(page: str) -> str | None:
    found = NEXT.search(page)
    return unescape(found[1]).split("#")[0] if found else None


def walk(client, start: str) -> list[str]:
    """Every page of answers, from ``start`` through its "More answers" links."""
    pages, link = [], start
    while link is not None:
        response = client.get(link)
        assert response.status_code == 200, link
        pages.append(text(response))
        link = next_link(pages[-1])
        assert len(pages) < 100
    return pages


def make_thread(n: int, *, company=None):
    """A question with ``n`` answers: one best, a few official, helpful counts that tie."""
    company = company or make_company(f"Company {n}")
    staff = make_user()
    make_staff(company, staff)
    question = make_question(company, title=f"A question with {n} answers", age=timedelta(days=1))
    start = question.created_at
    answers = [
        make_answer(
            question,
            body=f"Answer number {i}.",
            author=staff if i % 17 == 3 else None,
            is_official=i % 17 == 3,
            helpful_count=(i * 7) % 5,
            created_at=start + timedelta(minutes=i // 2),  # pairs share a time: id breaks ties
        )
        for i in range(n)
    ]
    question.best_answer_id = answers[n // 2].id
    db.session.commit()
    return question, answers


def test_a_thousand_long_answers_make_one_page_of_thirty(client):
    """The attack: a question with 1,000 long answers was a 21 MB page."""
    question = make_question(title="A question with a thousand long answers")
    body = "Long answer. " * 800  # 10,400 characters
    rendered = content.render(body)
    author = make_user()
    db.session.execute(
        sa.insert(Answer),
        [
            {
                "question_id": question.id,
                "author_id": author.id,
                "body": body,
                "body_html": rendered.html,
                "body_renderer_version": rendered.version,
            }
            for _ in range(1000)
        ],
    )
    question.answer_count = 1000
    db.session.commit()

    response = client.get(url(question))

    page = text(response)
    assert len(card_ids(page)) == ANSWERS_PER_PAGE == 30
    assert "1000 answers</h2>" in page
    assert "Answers 1–30 of 1000" in page and "More answers (31–60 of 1000)" in page
    assert len(response.data) < 600_000  # 30 answers and the structured data of 11


def test_the_more_answers_links_lead_through_every_answer_once_in_reading_order(client):
    question, _ = make_thread(75)

    pages = walk(client, url(question))

    assert len(pages) == 3
    ids = [card_ids(page) for page in pages]
    assert [len(page) for page in ids] == [30, 30, 15]
    expected = [a.id for a in _in_reading_order(question)]
    assert sum(ids, []) == expected
    assert ids[0][0] == question.best_answer_id
    # Plainly labelled, each with a way back to the question.
    assert "Answers 31–60 of 75</h2>" in pages[1] and "Answers 61–75 of 75</h2>" in pages[2]
    assert "More answers (61–75 of 75)" in pages[1] and 'rel="next"' not in pages[2]
    back = f'href="{url(question)}#answers-heading">Back to the question'
    assert back not in pages[0] and back in pages[1] and back in pages[2]
    assert '<ol class="answers" start="31">' in pages[1]


def _in_reading_order(question) -> list:
    answers = db.session.scalars(sa.select(Answer).where(Answer.question_id == question.id))
    return sorted(
        answers,
        key=lambda a: (
            0 if a.id == question.best_answer_id else 1 if a.is_official else 2,
            -a.helpful_count,
            a.created_at,
            a.id,
        ),
    )


def test_only_the_first_page_has_the_question_forms_and_structured_data(client):
    question, _ = make_thread(40)
    login_as(client, make_user("reader"))
    db.session.commit()

    first, second = walk(client, url(question))

    assert 'type="application/ld+json"' in first and 'id="answer-form"' in first
    assert "Related questions" not in second  # (none here; nor asked for on later pages)
    assert 'type="application/ld+json"' not in second and 'id="answer-form"' not in second
    assert f'<h1><a href="{url(question)}">{question.title}</a></h1>' in second
    # A signed-in reader still votes on a later page, and comes back to it.
    assert "Helpful</button>" in second


def _second_page(client, question) -> str:
    return text(client.get(next_link(text(client.get(url(question))))))


def test_a_vote_that_lifts_an_answer_to_the_first_page_leads_there(client):
    """Seen in the browser: a first helpful vote lifts the last answer of page 2 above the
    unvoted ones at the end of page 1; the reader is taken to where it now is."""
    question, _ = make_thread(40)
    reader = make_user("reader")
    db.session.commit()
    login_as(client, reader)
    answer_id = card_ids(_second_page(client, question))[-1]

    response = client.post(f"/answers/{answer_id}/helpful", data={"action": "add"})

    assert response.status_code == 303
    landed = text(client.get(response.location))
    assert response.location.endswith(f"#answer-{answer_id}")
    assert answer_id in card_ids(landed)


def test_an_action_on_an_answer_that_stays_on_a_later_page_comes_back_to_it(client):
    company = make_company("Acme")
    question, _ = make_thread(40, company=company)
    agent = make_user("agent")
    make_staff(company, agent)
    db.session.commit()
    login_as(client, agent)
    answer_id = card_ids(_second_page(client, question))[-1]

    # An endorsement moves no answer: the page starts with it, further down the list.
    response = client.post(f"/answers/{answer_id}/endorse", data={"action": "add"})

    assert response.status_code == 303 and "cursor=" in response.location
    landed = text(client.get(response.location))
    assert card_ids(landed)[0] == answer_id
    assert "Answers 40–40 of 40</h2>" in landed
    assert "Acme endorsed" in landed


def test_a_new_answer_past_the_first_thirty_is_shown_where_it_lands(client):
    question, _ = make_thread(30)
    login_as(client, make_user("reader"))

    response = client.post(f"/questions/{question.id}/answers", data={"body": "Number 31."})

    landed = text(client.get(response.location))
    assert "<p>Number 31.</p>" in landed and "Answers 31–31 of 31</h2>" in landed


@pytest.mark.parametrize("position", [0, 29, 30, 74])
def test_an_answers_own_address_leads_to_the_page_that_holds_it(client, count_queries, position):
    question, _ = make_thread(75)
    answer_id = _in_reading_order(question)[position].id

    with count_queries() as statements:
        response = client.get(f"/answers/{answer_id}")

    assert response.status_code == 302 and len(statements) == 2  # the answer, a count
    assert ("cursor=" in response.location) is (position >= ANSWERS_PER_PAGE)
    landed = text(client.get(response.location))
    assert answer_id in card_ids(landed)
    if position >= ANSWERS_PER_PAGE:
        assert card_ids(landed)[0] == answer_id
        assert f"Answers {position + 1}–" in landed


def test_the_first_answer_ever_has_an_address_too():
    """Ids start at 1: a page starting with answer 1 cannot say "after id 0"."""
    question, answers = make_thread(31)
    latest = max(answer.created_at for answer in answers)
    first_ever = Answer(
        id=1, helpful_count=0, is_official=False, created_at=latest + timedelta(minutes=1)
    )

    cursor = page_cursor_for(question, first_ever)
    page = answers_page(question, cursor=cursor)

    assert cursor is not None and page.start == 32


def test_the_api_lists_answers_in_the_page_order(client):
    question, _ = make_thread(45)

    html = sum((card_ids(page) for page in walk(client, url(question))), [])
    api, cursor, listed = Api(client), "", []
    while cursor is not None:
        page = api.get(f"/questions/{question.id}/answers?limit=7&cursor={cursor}").get_json()
        listed += [answer["id"] for answer in page["items"]]
        cursor = page["next_cursor"]

    assert listed == html and len(listed) == 45


def test_a_page_past_the_last_answer_says_so(client):
    """The 31st answer is gone (deleted) by the time its page is opened."""
    question, _ = make_thread(31)
    link = next_link(text(client.get(url(question))))
    db.session.delete(_in_reading_order(question)[-1])
    db.session.commit()

    page = text(client.get(link))

    assert "No more answers" in page and "Back to the question" in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_later_pages_run_a_fixed_number_of_statements(client, count_queries, signed_in):
    small, _ = make_thread(35)
    large, _ = make_thread(200)
    viewer = make_user("reader")
    db.session.commit()
    if signed_in:
        login_as(client, viewer)
    links = [next_link(text(client.get(url(question)))) for question in (small, large)]

    counts = []
    for link in links:
        db.session.expunge_all()
        with count_queries() as statements:
            assert client.get(link).status_code == 200
        counts.append(len(statements))

    # The question (1) and its page of answers (1); for a viewer also the user (1), their
    # marks (1) and, on this claimed company's page, their staff roles (1).
    assert counts == [5, 5] if signed_in else counts == [2, 2]


@pytest.mark.parametrize(
    "cursor", ["nonsense", "3.0.30.abc", "0.0.30", "0.99999999999.30.eyJ4Ijox", "0." * 150]
)
def test_a_cursor_the_server_did_not_issue_is_a_clear_400(client, cursor):
    question, _ = make_thread(3)

    response = client.get(f"{url(question)}?cursor={cursor}")

    assert response.status_code == 400
    assert "That page link is not valid" in text(response)
