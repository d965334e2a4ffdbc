"""Answers sorted on the question page (issue 13, item 8): best first (the default), newest,
oldest — plain links (``?sort=``), keyset pages whose cursors carry their order, and an
unknown order shown as the default, never an error."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app.answers.queries import ANSWERS_PER_PAGE, AnswerSort, answers_page, cursor_sort
from app.extensions import db
from app.pagination import BadCursor
from tests.conftest import login_as
from tests.factories import make_answer, make_question, make_user
from tests.questions.helpers import text
from tests.questions.test_answer_pages import card_ids, make_thread, next_link, url, walk

SORT_LINKS = re.compile(r'<nav class="tabs answer-sort"[^>]*>(.*?)</nav>', re.S)


def _by_time(answers, *, newest: bool) -> list[int]:
    ordered = sorted(answers, key=lambda a: (a.created_at, a.id), reverse=newest)
    return [answer.id for answer in ordered]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_every_page_of_answers_in_time_order(client, sort):
    question, answers = make_thread(2 * ANSWERS_PER_PAGE + 5)
    expected = _by_time(answers, newest=sort == "newest")

    pages = walk(client, f"{url(question)}?sort={sort}")

    assert len(pages) == 3
    seen = [answer_id for page in pages for answer_id in card_ids(page)]
    assert seen == expected  # each answer once, in order, across the pages
    assert [len(card_ids(page)) for page in pages] == [ANSWERS_PER_PAGE, ANSWERS_PER_PAGE, 5]


def test_best_first_stays_the_default_and_its_pages_are_unchanged(client):
    question, answers = make_thread(ANSWERS_PER_PAGE + 3)
    default = [i for page in walk(client, url(question)) for i in card_ids(page)]
    best = [i for page in walk(client, f"{url(question)}?sort=best") for i in card_ids(page)]

    assert default == best
    assert default[0] == question.best_answer_id
    assert sorted(default) == sorted(a.id for a in answers)


def test_the_cursor_carries_its_order_and_refuses_another():
    question, _answers = make_thread(ANSWERS_PER_PAGE + 2)
    newest = answers_page(question, sort=AnswerSort.NEWEST)
    oldest = answers_page(question, sort=AnswerSort.OLDEST)
    best = answers_page(question)

    assert cursor_sort(newest.next_cursor) is AnswerSort.NEWEST
    assert cursor_sort(oldest.next_cursor) is AnswerSort.OLDEST
    assert cursor_sort(best.next_cursor) is AnswerSort.BEST
    with pytest.raises(BadCursor):
        answers_page(question, cursor=newest.next_cursor, sort=AnswerSort.OLDEST)
    with pytest.raises(BadCursor):
        answers_page(question, cursor=best.next_cursor, sort=AnswerSort.NEWEST)
    with pytest.raises(BadCursor):
        answers_page(question, cursor=newest.next_cursor)
    with pytest.raises(BadCursor):
        answers_page(question, cursor="n.1.notacursor", sort=AnswerSort.NEWEST)


def test_a_later_page_keeps_its_cursors_order_whatever_sort_says(client):
    question, answers = make_thread(ANSWERS_PER_PAGE + 4)
    first = text(client.get(f"{url(question)}?sort=oldest"))
    later = next_link(first)
    assert later is not None and "cursor=o." in later

    # The cursor decides: a ?sort= beside it changes nothing.
    page = text(client.get(later.replace("?", "?sort=newest&", 1)))

    assert card_ids(page) == _by_time(answers, newest=False)[ANSWERS_PER_PAGE:]


@pytest.mark.parametrize("bad", ["sideways", "", "NEWEST", "best%00", "x" * 500])
def test_an_unknown_sort_shows_the_default_order(client, bad):
    question, _answers = make_thread(5)

    response = client.get(f"{url(question)}?sort={bad}")

    assert response.status_code == 200
    assert card_ids(text(response)) == card_ids(text(client.get(url(question))))


def test_a_bad_time_cursor_is_a_bad_page_link_not_an_error(client):
    question, _answers = make_thread(5)

    for cursor in ("n.1.garbage", "o.x.abc", "n", "o.99999999999.abc"):
        response = client.get(f"{url(question)}?cursor={cursor}")
        assert response.status_code == 400, cursor


def test_the_sort_links_say_which_order_is_shown(client):
    question, _answers = make_thread(3)

    page = text(client.get(f"{url(question)}?sort=newest"))
    links = SORT_LINKS.search(page)[1]

    assert 'aria-label="Sort answers"' in page
    assert ">Best first</a>" in links and ">Oldest first</a>" in links
    current = re.search(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', links)
    assert current[2] == "Newest first" and "sort=newest" in unescape(current[1])
    # The default order's link is the page's plain address.
    best = re.search(r'<a href="([^"]+)"[^>]*>Best first</a>', links)
    assert unescape(best[1]) == f"{url(question)}#answers-heading"


def test_the_sort_links_in_danish(client):
    question, _answers = make_thread(3)

    page = text(client.get(f"{url(question)}?sort=oldest", headers={"Accept-Language": "da"}))

    assert "Bedste først" in page and "Nyeste først" in page
    assert 'aria-current="page">Ældste først</a>' in page


def test_no_sort_links_for_one_answer_or_none(client):
    question = make_question()
    lone = make_question()
    make_answer(lone)
    db.session.commit()

    assert "answer-sort" not in text(client.get(url(question)))
    assert "answer-sort" not in text(client.get(url(lone)))


def test_signed_out_readers_get_each_order_from_its_own_cached_page(client, page_cache_on):
    question, answers = make_thread(4)
    oldest = _by_time(answers, newest=False)

    for _ in range(2):  # the second round comes from the cache
        assert card_ids(text(client.get(f"{url(question)}?sort=oldest"))) == oldest
        assert card_ids(text(client.get(f"{url(question)}?sort=newest"))) == oldest[::-1]
        assert card_ids(text(client.get(url(question))))[0] == question.best_answer_id


def test_the_statements_of_a_sorted_page_are_those_of_the_default(client, count_queries):
    question, _answers = make_thread(ANSWERS_PER_PAGE + 3)
    login_as(client, make_user())
    db.session.commit()
    client.get(url(question))  # the first request of a session does a little more

    with count_queries() as default:
        client.get(url(question))
    with count_queries() as newest:
        client.get(f"{url(question)}?sort=newest")

    assert len(newest) == len(default)


def test_a_later_page_in_time_order_says_its_order(client):
    question, _answers = make_thread(ANSWERS_PER_PAGE + 2)

    later = next_link(text(client.get(f"{url(question)}?sort=newest")))
    best_later = next_link(text(client.get(url(question))))

    assert "Sorted: Newest first" in text(client.get(later))
    assert "Sorted:" not in text(client.get(best_later))
