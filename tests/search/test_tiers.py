"""Search reads the titles first and the text only when the titles' matches do not fill the
page; each tier ranks at most its newest ``CANDIDATES`` matches."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.search import backends
from app.search.queries import search_questions
from tests.factories import make_company
from tests.search.helpers import answer, ask


@pytest.fixture
def forum():
    """Three questions with "modem" in the title, two with it in the text only, one in an
    answer only, and one whose title says modem but whose text says "windows"."""
    acme = make_company("Acme")
    made = {
        "title 1": ask(acme, "Modem drops at night", "Every night."),
        "title 2": ask(acme, "Modem lights blink orange", "Since Tuesday."),
        "title 3": ask(acme, "New modem will not pair", "The app hangs."),
        "text 1": ask(acme, "Internet slow upstairs", "The modem is in the cellar."),
        "text 2": ask(acme, "Calls drop", "Only when the modem restarts."),
        "answer": ask(acme, "Wifi gone after the storm", "Nothing works."),
        "windows": ask(acme, "Modem driver missing", "On windows 11 only."),
    }
    answer(made["answer"], "Unplug the modem for a minute.")
    db.session.commit()
    return {name: question.title for name, question in made.items()}


def page(text: str, number: int, per_page: int) -> list[str]:
    return [
        hit.question.title for hit in search_questions(text, page=number, per_page=per_page).hits
    ]


def test_title_matches_come_first_then_the_text_then_answers(forum):
    found = page("modem", 1, 20)

    assert set(found[:4]) == {forum["title 1"], forum["title 2"], forum["title 3"],
                              forum["windows"]}  # fmt: skip
    assert set(found[4:6]) == {forum["text 1"], forum["text 2"]}
    assert found[6:] == [forum["answer"]]


def test_the_text_fills_a_page_the_titles_leave_short_and_pages_continue_across(forum):
    pages = [page("modem", number, 3) for number in (1, 2, 3)]

    titled = {forum["title 1"], forum["title 2"], forum["title 3"], forum["windows"]}
    assert set(pages[0]) <= titled and len(pages[0]) == 3
    # The fourth title match, then the text begins on the same page.
    assert pages[1][0] in titled and set(pages[1][1:]) == {forum["text 1"], forum["text 2"]}
    assert pages[2] == [forum["answer"]]
    assert len({title for found in pages for title in found}) == 7


def test_a_page_the_titles_fill_has_no_text_matches(forum):
    assert set(page("modem", 1, 2)) <= {forum["title 1"], forum["title 2"], forum["title 3"],
                                       forum["windows"]}  # fmt: skip


def test_an_exclusion_holds_for_title_matches_whose_text_has_the_word(forum):
    found = page("modem -windows", 1, 20)

    assert forum["windows"] not in found
    assert forum["title 1"] in found and forum["text 1"] in found


def test_each_tier_ranks_only_its_newest_candidates(forum, monkeypatch):
    monkeypatch.setattr(backends, "CANDIDATES", 2)

    found = page("modem", 1, 20)

    # The two newest title matches, then the two newest others.
    assert set(found[:2]) == {forum["windows"], forum["title 3"]}
    assert set(found[2:]) == {forum["answer"], forum["text 2"]}


def test_no_title_match_still_finds_the_text(forum):
    assert page("cellar", 1, 20) == [forum["text 1"]]
    assert page("unplug", 1, 20) == [forum["answer"]]
