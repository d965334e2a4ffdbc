"""The home page and the site-wide question list: sorts, unanswered, keyset pages."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest

from app.db import utcnow
from app.extensions import db
from app.pagination import encode_cursor
from app.questions import services
from tests.factories import make_answer, make_company, make_product, make_question, make_user
from tests.questions.helpers import text


def _titles(page: str) -> list[str]:
    return re.findall(r'class="question-item__title"><a href="[^"]+">([^<]+)</a>', page)


@pytest.fixture
def forum():
    """Four questions whose order differs under each sort."""
    company = make_company("Acme")
    now = utcnow()
    old = make_question(
        company,
        title="Oldest but busy",
        age=timedelta(days=4),
        last_activity_at=now - timedelta(minutes=1),
    )
    middle = make_question(
        company,
        title="Middle and popular",
        age=timedelta(days=2),
        last_activity_at=now - timedelta(days=2),
    )
    new = make_question(
        company,
        title="Newest and quiet",
        age=timedelta(hours=1),
        last_activity_at=now - timedelta(hours=1),
    )
    answered = make_question(
        company,
        title="Answered already",
        age=timedelta(days=3),
        last_activity_at=now - timedelta(minutes=30),
    )
    make_answer(answered)
    make_answer(old)
    return {"old": old, "middle": middle, "new": new, "answered": answered}


def _with_me_toos(forum) -> None:
    for _ in range(3):
        services.add_me_too(make_user(), forum["middle"])
    services.add_me_too(make_user(), forum["new"])


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Oldest but busy", "Answered already", "Newest and quiet", "Middle and popular"]),
        (
            "active",
            ["Oldest but busy", "Answered already", "Newest and quiet", "Middle and popular"],
        ),
        (
            "newest",
            ["Newest and quiet", "Middle and popular", "Answered already", "Oldest but busy"],
        ),
        (
            "me_too",
            ["Middle and popular", "Newest and quiet", "Answered already", "Oldest but busy"],
        ),
        ("unanswered", ["Newest and quiet", "Middle and popular"]),
    ],
)
def test_each_sort_orders_the_list(client, forum, sort, expected):
    _with_me_toos(forum)
    db.session.commit()

    response = client.get(f"/questions?sort={sort}" if sort else "/questions")

    assert response.status_code == 200
    assert _titles(text(response)) == expected


def test_the_current_sort_tab_is_marked(client, forum):
    db.session.commit()

    page = text(client.get("/questions?sort=unanswered"))

    assert 'aria-current="page">No answers yet</a>' in page
    for label in ("Recent activity", "Newest", "Most me too"):
        assert f">{label}</a>" in page


def test_an_unknown_sort_falls_back_to_recent_activity(client, forum):
    db.session.commit()

    response = client.get("/questions?sort=<script>")

    assert response.status_code == 200
    assert _titles(text(response))[0] == "Oldest but busy"
    assert "<script>" not in text(response)


@pytest.mark.parametrize("sort", ["active", "newest", "me_too", "unanswered"])
def test_keyset_pages_show_every_question_once(client, app, monkeypatch, sort):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    company = make_company("Acme")
    now = utcnow()
    for i in range(8):
        # Ties on the sort key (same time, same count) are broken by id.
        make_question(
            company,
            title=f"Question number {i:02d}",
            age=timedelta(minutes=i // 2),
            last_activity_at=now - timedelta(minutes=i // 3),
        )
    db.session.commit()

    seen: list[str] = []
    url = f"/questions?sort={sort}"
    pages = 0
    while url:
        page = text(client.get(url))
        seen += _titles(page)
        pages += 1
        match = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = match.group(1).replace("&amp;", "&") if match else None

    assert pages == 3
    assert len(seen) == len(set(seen)) == 8
    assert sorted(seen) == [f"Question number {i:02d}" for i in range(8)]


def test_the_second_page_continues_after_the_first(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    company = make_company("Acme")
    for i in range(3):
        make_question(company, title=f"Numbered question {i}", age=timedelta(hours=i))
    db.session.commit()

    first = text(client.get("/questions?sort=newest"))
    next_url = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = text(client.get(next_url))

    assert _titles(first) == ["Numbered question 0", "Numbered question 1"]
    assert _titles(second) == ["Numbered question 2"]
    assert 'rel="next"' not in second
    assert ">First page</a>" in second


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        encode_cursor(5, 1),  # a me-too cursor where a date is expected
        encode_cursor(utcnow(), 2**40),  # an id too large to exist
        "W10",  # base64 of []
    ],
)
def test_a_bad_cursor_is_a_bad_request(client, cursor):
    response = client.get(f"/questions?sort=newest&cursor={cursor}")

    assert response.status_code == 400
    assert "Start again from the first page" in text(response)


def test_a_date_cursor_on_the_me_too_sort_is_a_bad_request(client):
    response = client.get(f"/questions?sort=me_too&cursor={encode_cursor(utcnow(), 1)}")

    assert response.status_code == 400


def test_an_overlong_cursor_is_refused_on_every_question_list(client):
    # Well-formed but padded far past any cursor this server issues: the three lists read
    # their cursor the same way, so none decodes it.
    acme = make_company("Acme", slug="acme")
    make_product(acme, "Anvil", slug="anvil")
    db.session.commit()
    padded = f'[{" " * 300}"{utcnow().isoformat()}",1]'.encode()
    cursor = base64.urlsafe_b64encode(padded).decode()

    for url in ["/questions", "/companies/acme", "/companies/acme/products/anvil"]:
        response = client.get(url, query_string={"cursor": cursor})
        assert response.status_code == 400
        assert "Start again from the first page" in text(response)


def test_the_home_page_shows_companies_and_active_questions(client, forum):
    make_company("Quiet Company")
    db.session.commit()

    response = client.get("/")

    page = text(response)
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert ">Acme</a>" in page and ">Quiet Company</a>" in page
    # Companies with the most questions first.
    companies = page[page.index('id="top-companies"') :]
    assert companies.index(">Acme</a>") < companies.index(">Quiet Company</a>")
    assert _titles(page) == [
        "Oldest but busy",
        "Answered already",
        "Newest and quiet",
        "Middle and popular",
    ]


def test_the_home_page_shows_at_most_15_questions_and_8_companies(client):
    for i in range(10):
        make_company(f"Firm {i}")
    company = make_company("Acme")
    for i in range(20):
        make_question(company, age=timedelta(minutes=i))
    db.session.commit()

    page = text(client.get("/"))

    assert len(_titles(page)) == 15
    assert page.count('<li class="card">') == 8
    assert 'rel="next"' not in page


def test_an_empty_site_has_a_friendly_home_page(client):
    page = text(client.get("/"))

    assert "No questions yet." in page
