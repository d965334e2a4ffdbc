"""Each kind speaks its own language (issue 13, item 7): an idea is supported, praise is
agreed with, a question or a problem keeps "Me too"; ideas and praise take replies; a list
row shows one badge with the kind and its most important state, and its counts in words."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.i18n import in_language
from app.questions.models import Kind, Status, state_badge
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_question, make_staff, make_user
from tests.questions.helpers import text
from tests.search.helpers import indexed

DANISH = {"Accept-Language": "da"}
ROW = re.compile(r'<li class="question-item">(.*?)</li>', re.S)
BADGE = re.compile(r'<span class="badge[ "][^>]*>(.*?)</span>(?:</span>)?', re.S)
ME_TOO_BUTTON = re.compile(
    r'<form[^>]*action="/questions/\d+/me-too"[^>]*>.*?<button[^>]*>(.*?)</button>', re.S
)


def url(question) -> str:
    return f"/questions/{question.id}/{question.slug}"


def _question(kind: Kind, me_toos: int = 0):
    question = make_question(make_company(), kind=kind, me_too_count=me_toos)
    db.session.commit()
    return question


# The question page ---------------------------------------------------------------------

BUTTON = {
    Kind.QUESTION: "Me too",
    Kind.PROBLEM: "Me too",
    Kind.IDEA: "Support",
    Kind.PRAISE: "Agree",
}
BUTTON_DA = {
    Kind.QUESTION: "Også mig",
    Kind.PROBLEM: "Også mig",
    Kind.IDEA: "Støt",
    Kind.PRAISE: "Enig",
}
COUNT = {
    Kind.QUESTION: "12 people have this question too",
    Kind.PROBLEM: "12 people have this problem",
    Kind.IDEA: "12 people support this",
    Kind.PRAISE: "12 people agree",
}
COUNT_DA = {
    Kind.QUESTION: "12 har også dette spørgsmål",
    Kind.PROBLEM: "12 har samme problem",
    Kind.IDEA: "12 støtter denne idé",
    Kind.PRAISE: "12 er enige i denne ros",
}


def _me_too_button(page: str) -> str:
    found = ME_TOO_BUTTON.search(page)
    assert found, "no me-too button"
    return re.sub(r"<[^>]+>", "", found[1]).strip()


@pytest.mark.parametrize("kind", list(Kind))
def test_the_me_too_button_and_count_speak_the_kinds_language(client, kind):
    question = _question(kind, me_toos=12)
    login_as(client, make_user())

    page = text(client.get(url(question)))

    assert _me_too_button(page) == BUTTON[kind]
    assert f'<span class="meta me-too-count">{COUNT[kind]}</span>' in page


@pytest.mark.parametrize("kind", list(Kind))
def test_the_me_too_button_and_count_in_danish(client, kind):
    question = _question(kind, me_toos=12)
    login_as(client, make_user())

    page = text(client.get(url(question), headers=DANISH))

    assert _me_too_button(page) == BUTTON_DA[kind]
    assert f'<span class="meta me-too-count">{COUNT_DA[kind]}</span>' in page


@pytest.mark.parametrize(
    ("kind", "added", "removed", "added_da"),
    [
        (
            Kind.PROBLEM,
            "Thanks. You are counted among the people this affects.",
            "You are no longer counted for this problem.",
            "Tak. Du er talt med blandt dem, det berører.",
        ),
        (
            Kind.IDEA,
            "Thanks: you support this idea.",
            "You no longer support this idea.",
            "Tak: du støtter denne idé.",
        ),
        (
            Kind.PRAISE,
            "Thanks: you agree with this praise.",
            "You no longer agree with this praise.",
            "Tak: du er enig i denne ros.",
        ),
    ],
)
def test_pressing_me_too_says_so_in_the_kinds_words(client, kind, added, removed, added_da):
    question = _question(kind)
    login_as(client, make_user())
    me_too = f"/questions/{question.id}/me-too"

    page = text(client.post(me_too, data={"action": "add"}, follow_redirects=True))
    assert added in page
    page = text(client.post(me_too, data={"action": "remove"}, follow_redirects=True))
    assert removed in page
    page = text(client.post(me_too, data={"action": "add"}, headers=DANISH, follow_redirects=True))
    assert added_da in page


@pytest.mark.parametrize(
    ("kind", "english", "danish"),
    [
        (Kind.QUESTION, "1 person has this question too", "1 har også dette spørgsmål"),
        (Kind.IDEA, "1 person supports this", "1 støtter denne idé"),
        (Kind.PRAISE, "1 person agrees", "1 er enig i denne ros"),
    ],
)
def test_one_me_too_is_counted_in_the_singular(client, kind, english, danish):
    question = _question(kind, me_toos=1)

    assert english in text(client.get(url(question)))
    assert danish in text(client.get(url(question), headers=DANISH))


@pytest.mark.parametrize(
    ("kind", "english", "danish"),
    [
        (Kind.QUESTION, "Sign in to say me too", "Log ind for at sige også mig"),
        (Kind.IDEA, "Sign in to support this idea", "Log ind for at støtte idéen"),
        (Kind.PRAISE, "Sign in to agree", "Log ind for at erklære dig enig"),
    ],
)
def test_a_signed_out_reader_is_invited_in_the_kinds_words(client, kind, english, danish):
    question = _question(kind)

    assert english in text(client.get(url(question)))
    assert danish in text(client.get(url(question), headers=DANISH))


@pytest.mark.parametrize(
    ("kind", "heading", "label", "button"),
    [
        (Kind.QUESTION, "Add an answer", "Your answer", "Post your answer"),
        (Kind.PROBLEM, "Add an answer", "Your answer", "Post your answer"),
        (Kind.IDEA, "Reply", "Your reply", "Post your reply"),
        (Kind.PRAISE, "Reply", "Your reply", "Post your reply"),
    ],
)
def test_ideas_and_praise_take_replies(client, kind, heading, label, button):
    question = _question(kind)
    make_answer(question)
    make_answer(question)
    db.session.commit()
    login_as(client, make_user())

    page = text(client.get(url(question)))

    assert f'<h2 id="answer-form-heading">{heading}</h2>' in page
    assert f'for="body">{label}</label>' in page
    assert f'<button type="submit">{button}</button>' in page
    counted = "2 replies" if kind.takes_replies else "2 answers"
    assert f'<h2 id="answers-heading">{counted}</h2>' in page


def test_replies_in_danish(client):
    question = _question(Kind.IDEA)
    login_as(client, make_user())

    page = text(client.get(url(question), headers=DANISH))

    assert '<h2 id="answer-form-heading">Svar</h2>' in page
    assert 'for="body">Dit svar</label>' in page


def test_a_signed_out_reader_is_invited_to_reply_to_an_idea(client):
    idea = _question(Kind.IDEA)
    question = _question(Kind.QUESTION)

    assert "Sign in to reply</a>" in text(client.get(url(idea)))
    assert "Sign in to answer</a>" in text(client.get(url(question)))
    assert "Log ind for at svare</a>" in text(client.get(url(idea), headers=DANISH))


# One badge per row -----------------------------------------------------------------------


def _rows(page: str) -> list[str]:
    return ROW.findall(page)


def _badges(row: str) -> list[str]:
    return re.findall(r'<span class="badge\b', row)


def _badge_text(row: str) -> str:
    """What the row's badge says, without its icon (hidden from screen readers)."""
    row = re.sub(r'<span aria-hidden="true">[^<]*</span>', "", row)
    found = re.search(r'<span class="badge\b[^>]*>([^<]*)</span>', row)
    assert found
    return found[1].strip()


def _row_of(page: str, question) -> str:
    (row,) = [row for row in _rows(page) if f'href="/questions/{question.id}/' in row]
    return row


@pytest.fixture
def forum():
    """One of each state: open, best answer, official answer, answered by the company,
    a company status, a solved problem with a version."""
    company = make_company("Acme")
    staff = make_user()
    make_staff(company, staff)
    open_idea = make_question(company, kind=Kind.IDEA, title="Open idea")
    planned = make_question(company, kind=Kind.IDEA, title="Planned idea", status=Status.PLANNED)
    solved = make_question(
        company, kind=Kind.PROBLEM, title="Solved problem", status=Status.SOLVED, fixed_in="4.2.1"
    )
    best = make_question(company, title="Question with a best answer")
    best.best_answer_id = make_answer(best).id
    official = make_question(
        company, kind=Kind.PROBLEM, title="Problem answered officially", has_official_answer=True
    )
    answered = make_question(company, title="Question answered", status=Status.ANSWERED)
    # A status beats the answers: a planned idea with an official answer says "Planned".
    planned.has_official_answer = True
    indexed(open_idea, planned, solved, best, official, answered)
    db.session.commit()
    return {
        "open": open_idea,
        "planned": planned,
        "solved": solved,
        "best": best,
        "official": official,
        "answered": answered,
    }


EXPECTED = {
    "open": ("Idea", "open"),
    "planned": ("Idea · Planned", "planned"),
    "solved": ("Problem · Solved in 4.2.1", "solved"),
    "best": ("Question · Best answer", "best"),
    "official": ("Problem · Official answer", "official"),
    "answered": ("Question · Answered", "answered"),
}


@pytest.mark.parametrize("path", ["/questions", "/companies/acme"])
def test_each_row_shows_one_badge_saying_its_most_important_state(client, forum, path):
    page = text(client.get(path))

    for name, question in forum.items():
        row = _row_of(page, question)
        wanted, state = EXPECTED[name]
        assert len(_badges(row)) == 1, (name, row)
        assert _badge_text(row) == wanted, name
        assert f"badge--state-{state}" in row
        assert f"badge--{question.kind.value} " in row


def test_the_badges_icon_is_hidden_from_screen_readers(client, forum):
    page = text(client.get("/questions"))

    row = _row_of(page, forum["best"])
    assert '<span aria-hidden="true"> ★</span>' in row
    assert "aria-hidden" not in _row_of(page, forum["planned"])


def test_the_badges_in_danish(client, forum):
    page = text(client.get("/questions", headers=DANISH))

    assert _badge_text(_row_of(page, forum["planned"])) == "Idé · Planlagt"
    assert _badge_text(_row_of(page, forum["best"])) == "Spørgsmål · Bedste svar"
    assert _badge_text(_row_of(page, forum["open"])) == "Idé"


def _badge_html(row: str) -> str:
    found = re.search(r'<span class="badge\b.*?</span>(?:</span>)?', row, re.S)
    assert found
    return found[0]


@pytest.mark.parametrize("headers", [{}, DANISH], ids=["english", "danish"])
@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_search_result_shows_the_badge_its_list_row_shows(client, forum, name, headers):
    question = forum[name]
    listed = _row_of(text(client.get("/questions", headers=headers)), question)

    found = _row_of(text(client.get(f"/search?q={question.title}", headers=headers)), question)

    assert len(_badges(found)) == 1
    assert _badge_html(found) == _badge_html(listed)
    if not headers:
        assert _badge_text(found) == EXPECTED[name][0]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_similar_question_has_the_badge_and_answered_mark_of_its_question(client, forum, name):
    question = forum[name]

    response = client.get(f"/search/similar?title={question.title}")

    (found,) = [q for q in response.get_json()["items"] if q["id"] == question.id]
    badge = question.state_badge
    assert found["badge"] == {"state": badge.state, "text": badge.text, "icon": badge.icon}
    assert found["answered"] is (question.is_answered or question.status is Status.ANSWERED)
    # The planned idea has an official answer too (its badge says "Planned").
    assert found["answered"] is (name in ("planned", "best", "official", "answered"))


def test_the_state_badge_priority():
    assert state_badge(Kind.IDEA, Status.OPEN).text == "Idea"
    assert state_badge(Kind.IDEA, Status.DECLINED, has_best_answer=True).state == "declined"
    assert (
        state_badge(
            Kind.QUESTION, Status.OPEN, has_best_answer=True, has_official_answer=True
        ).state
        == "best"
    )
    assert state_badge(Kind.PROBLEM, Status.OPEN, has_official_answer=True).icon == "◆"
    assert state_badge(Kind.QUESTION, Status.ANSWERED).text == "Question · Answered"


def test_a_badge_is_worded_in_the_language_of_each_request(app):
    """Badges are kept once worded (``state_badge``): each language keeps its own."""
    with app.test_request_context():
        english = state_badge(Kind.IDEA, Status.PLANNED).text
        with in_language("da"):
            danish = state_badge(Kind.IDEA, Status.PLANNED).text
            solved = state_badge(Kind.PROBLEM, Status.SOLVED, fixed_in="4.2.1").text
        again = state_badge(Kind.IDEA, Status.PLANNED).text

    assert (english, danish, again) == ("Idea · Planned", "Idé · Planlagt", "Idea · Planned")
    assert solved.endswith("4.2.1") and solved != "Problem · Solved in 4.2.1"


def test_similar_questions_json_carries_the_one_badge(client, forum):
    response = client.get("/search/similar?title=Planned idea&company=acme")

    assert response.status_code == 200
    (found,) = [q for q in response.get_json()["items"] if q["id"] == forum["planned"].id]
    assert found["badge"] == {"state": "planned", "text": "Idea · Planned", "icon": ""}


# Counts on the rows ---------------------------------------------------------------------


def test_a_rows_counts_are_words_in_the_kinds_language(client):
    company = make_company("Acme")
    idea = make_question(company, kind=Kind.IDEA, title="An idea", me_too_count=4)
    make_answer(idea)
    problem = make_question(company, kind=Kind.PROBLEM, title="A problem", me_too_count=1)
    db.session.commit()

    page = text(client.get("/questions"))
    danish = text(client.get("/questions", headers=DANISH))

    idea_row, problem_row = _row_of(page, idea), _row_of(page, problem)
    assert '<span class="question-item__count">1 reply</span>' in idea_row
    assert '<span class="question-item__count">4 people support this</span>' in idea_row
    assert '<span class="question-item__count">0 answers</span>' in problem_row
    assert '<span class="question-item__count">1 person has this problem</span>' in problem_row
    assert "4 støtter denne idé" in _row_of(danish, idea)


def test_similar_questions_say_the_version_a_problem_was_solved_in(client, forum):
    response = client.get("/search/similar?title=Solved problem&company=acme")

    (found,) = [q for q in response.get_json()["items"] if q["id"] == forum["solved"].id]
    assert found["badge"]["text"] == "Problem · Solved in 4.2.1"
