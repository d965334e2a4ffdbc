"""The question page: what it shows, its canonical URL, and its fixed cost in SQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import MAX_ID
from app.extensions import db
from app.questions.models import Feeling, Kind
from tests.checks import person
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_product, make_question, make_user
from tests.questions.helpers import text


@pytest.fixture
def question():
    company = make_company("Acme")
    product = make_product(company, "Drive")
    author = make_user("asker", display_name="Ada Asker")
    return make_question(
        company,
        product=product,
        author=author,
        title="Sync stops after the update",
        slug="sync-stops-after-the-update",
        body="It *stops* syncing.",
        kind=Kind.PROBLEM,
        feeling=Feeling.CONFUSED,
    )


def test_the_page_shows_the_question(client, question):
    db.session.commit()

    response = client.get(f"/questions/{question.id}/sync-stops-after-the-update")

    assert response.status_code == 200
    page = text(response)
    assert page.count("<h1") == 1
    assert "Sync stops after the update</h1>" in page
    assert '<span class="badge badge--problem">Problem</span>' in page
    assert "Feeling confused" in page
    assert f"{person('asker', 'Ada Asker')}</a>" in page
    assert ">Acme</a>" in page and ">Drive</a>" in page
    assert '<div class="prose"><p>It <em>stops</em> syncing.</p>' in page
    assert "0 people have this problem<" in page  # affected users (issue 14)
    assert "No answers yet." in page


def test_anonymous_visitors_are_invited_to_sign_in(client, question):
    make_answer(question)
    db.session.commit()

    page = text(client.get(f"/questions/{question.id}/{question.slug}"))

    assert "Sign in to say me too" in page
    assert "Sign in to answer" in page
    assert "Helpful</button>" not in page
    assert "Choose as best answer" not in page
    assert "Edit question" not in page and "Edit answer" not in page
    assert 'action="/questions/' not in page  # no action form at all


@pytest.mark.parametrize("suffix", ["", "/wrong-slug", "/SYNC-stops-after-the-update"])
def test_a_missing_or_wrong_slug_redirects_permanently(client, question, suffix):
    db.session.commit()

    response = client.get(f"/questions/{question.id}{suffix}?sort=x&y=1")

    assert response.status_code == 301
    assert response.location == f"/questions/{question.id}/sync-stops-after-the-update?sort=x&y=1"


def test_the_canonical_url_has_no_redirect(client, question):
    db.session.commit()

    response = client.get(f"/questions/{question.id}/sync-stops-after-the-update")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/questions/{MAX_ID + 1}",
        f"/questions/{MAX_ID + 1}/slug",
        "/questions/99999999999999999999999",
        f"/questions/{MAX_ID}",
        "/questions/0",
        "/questions/-1",
        "/questions/abc",
        f"/questions/{MAX_ID + 1}/edit",
    ],
)
def test_unknown_or_impossible_ids_are_not_found(client, path):
    assert client.get(path).status_code == 404


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_gets_write_nothing(client, question, count_queries):
    viewer = make_user("viewer")
    make_answer(question)
    db.session.commit()
    pages = [
        "/",
        "/questions",
        "/questions?sort=unanswered",
        f"/questions/{question.id}",
        f"/questions/{question.id}/{question.slug}",
        "/companies/acme/ask",
    ]
    with count_queries() as anonymous:
        statuses = [client.get(path).status_code for path in pages]
    login_as(client, viewer)
    with count_queries() as signed_in:
        statuses += [client.get(path).status_code for path in pages]
        statuses.append(client.get(f"/questions/{question.id}/edit").status_code)

    assert statuses == [200, 200, 200, 301, 200, 303] + [200, 200, 200, 301, 200, 200, 403]
    assert _writes(anonymous) == []
    assert _writes(signed_in) == []


# A fixed number of statements, whatever the number of answers. ---------------------------


def _question_with_answers(n: int):
    company = make_company(f"Company {n}")
    product = make_product(company, f"Product {n}")
    question = make_question(company, product=product, title=f"Question with {n} answers")
    voters = [make_user() for _ in range(3)]
    answers = [
        make_answer(question, created_at=question.created_at + timedelta(minutes=i))
        for i in range(n)
    ]
    question.best_answer_id = answers[1].id
    return question, answers, voters


def _statements_for_page(client, count_queries, url: str) -> int:
    db.session.commit()
    # Nothing cached in the session: the page must load all it shows itself.
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_question_page_runs_a_fixed_number_of_statements(client, count_queries, signed_in):
    small, _, _ = _question_with_answers(3)
    large, _, _ = _question_with_answers(60)
    viewer = make_user("reader")
    db.session.commit()
    if signed_in:
        login_as(client, viewer)

    urls = [f"/questions/{q.id}/{q.slug}" for q in (small, large)]

    with_3 = _statements_for_page(client, count_queries, urls[0])
    with_60 = _statements_for_page(client, count_queries, urls[1])

    assert with_3 == with_60
    # question (1) + answers (1) + related questions (1), and for a viewer: the user (1),
    # their helpful votes, me-too and following (1).
    assert with_3 == (5 if signed_in else 3)


def _make_questions(n: int, company) -> None:
    for i in range(n):
        question = make_question(company, age=timedelta(minutes=i))
        if i % 2:
            make_answer(question)


@pytest.mark.parametrize("path", ["/", "/questions", "/questions?sort=me_too"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_list_pages_run_a_fixed_number_of_statements(
    client, count_queries, app, monkeypatch, path, signed_in
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 100)
    viewer = make_user("reader")
    company = make_company("Busy")
    if signed_in:
        login_as(client, viewer)

    def statements() -> int:
        db.session.commit()
        db.session.expunge_all()
        with count_queries() as recorded:
            assert client.get(path).status_code == 200
        return len(recorded)

    _make_questions(5, company)
    with_5 = statements()
    company = db.session.merge(company)
    _make_questions(45, company)
    with_50 = statements()

    assert with_5 == with_50
