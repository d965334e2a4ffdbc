"""Question lists filter by kind, status, "without any answer" and "without an official
answer", on every sort, with stable keyset links (site-wide, per company, per product)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.questions.models import Kind, Status
from app.questions.queries import Sort, list_questions
from tests.factories import make_answer, make_company, make_product, make_question


def listed(html: str) -> list[str]:
    return re.findall(r'<h3 class="question-item__title"><a href="[^"]+">(.*?)</a></h3>', html)


@pytest.fixture
def forum():
    acme = make_company("Acme")
    drive = make_product(acme, "Drive")
    made = {}
    for n, (title, kind, status, answers, official) in enumerate(
        [
            ("Quiet question", Kind.QUESTION, Status.OPEN, 0, False),
            ("Peer answered", Kind.QUESTION, Status.OPEN, 1, False),
            ("Officially answered", Kind.QUESTION, Status.ANSWERED, 1, True),
            ("Acknowledged problem", Kind.PROBLEM, Status.ACKNOWLEDGED, 0, False),
            ("Planned idea", Kind.IDEA, Status.PLANNED, 1, True),
        ]
    ):
        question = make_question(
            acme, title=title, kind=kind, status=status, product=drive if n % 2 else None,
            age=timedelta(hours=10 - n), me_too_count=n,
        )  # fmt: skip
        for _ in range(answers):
            make_answer(question, is_official=official)
        question.has_official_answer = official
        made[title] = question
    make_question(make_company("Globex"), title="Globex question")
    db.session.commit()
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Planned idea", "Acknowledged problem", "Officially answered", "Peer answered",
              "Quiet question"]),
        ("?kind=question", ["Officially answered", "Peer answered", "Quiet question"]),
        ("?status=acknowledged", ["Acknowledged problem"]),
        ("?answers=unanswered", ["Acknowledged problem", "Quiet question"]),
        ("?answers=no_official", ["Acknowledged problem", "Peer answered", "Quiet question"]),
        ("?kind=question&answers=no_official&sort=me_too", ["Peer answered", "Quiet question"]),
        ("?kind=question&status=answered&sort=newest", ["Officially answered"]),
        ("?kind=praise", []),
    ],
)  # fmt: skip
def test_the_company_page_filters_its_questions(client, forum, query, expected):
    response = client.get(f"/companies/acme{query}")

    assert response.status_code == 200
    assert listed(response.get_data(as_text=True)) == expected


def test_the_product_page_filters_too(client, forum):
    page = client.get("/companies/acme/products/drive?answers=no_official").get_data(as_text=True)

    assert listed(page) == ["Acknowledged problem", "Peer answered"]


def test_the_site_wide_list_filters_too(client, forum):
    page = client.get("/questions?kind=question&answers=unanswered").get_data(as_text=True)

    assert listed(page) == ["Globex question", "Quiet question"]


def test_the_filter_form_keeps_its_choices_and_the_sort(client, forum):
    page = client.get("/companies/acme?sort=newest&kind=problem&answers=unanswered").get_data(
        as_text=True
    )

    form = page.split('aria-label="Filter questions"')[1].split("</form>")[0]
    assert '<input type="hidden" name="sort" value="newest">' in form
    assert '<option selected value="problem">Problem</option>' in form
    assert '<option selected value="unanswered">Without any answer</option>' in form
    # The sort tabs keep the filters.
    assert 'href="/companies/acme?sort=me_too&amp;kind=problem&amp;answers=unanswered"' in page
    assert "No questions about Acme match these filters." not in page


def test_an_empty_filtered_list_says_so(client, forum):
    page = client.get("/companies/acme?kind=praise").get_data(as_text=True)

    assert "No questions about Acme match these filters." in page


@pytest.mark.parametrize("query", ["?kind=rant", "?status=finished", "?answers=some", "?kind=%00"])
@pytest.mark.parametrize(
    "path", ["/questions", "/companies/acme", "/companies/acme/products/drive"]
)
def test_an_unknown_filter_is_refused_with_a_message(client, forum, path, query):
    response = client.get(path + query)

    assert response.status_code == 422
    assert "Fix the filter above to see the questions." in response.get_data(as_text=True)


def test_filtered_pages_follow_each_other_with_stable_links(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    acme = make_company("Acme")
    for n in range(7):
        make_question(acme, title=f"Problem {n}", kind=Kind.PROBLEM, age=timedelta(hours=n))
        make_question(acme, title=f"Idea {n}", kind=Kind.IDEA, age=timedelta(hours=n))
    db.session.commit()

    seen: list[str] = []
    url = "/companies/acme?kind=problem&sort=newest"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += listed(page)
        found = re.search(r'<a rel="next" href="([^"]+)">', page)
        url = found.group(1).replace("&amp;", "&") if found else None
        if url:
            assert "kind=problem" in url and "sort=newest" in url and "cursor=" in url

    assert seen == [f"Problem {n}" for n in range(7)]


def test_list_questions_keeps_its_old_arguments_working(forum):
    page = list_questions(sort=Sort.UNANSWERED)

    assert [q.title for q in page.items] == [
        "Globex question",
        "Acknowledged problem",
        "Quiet question",
    ]
