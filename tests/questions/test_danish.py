"""The question pages in Danish (issue 17): the interface's words translated, the posts as
written, `lang="da"`, and the cached rows of a list never handed to a reader of the other
language."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.questions.models import Feeling, Kind, Status
from tests.conftest import login_as
from tests.factories import make_answer, make_company, make_product, make_question, make_user
from tests.questions.helpers import text

DANISH = {"Accept-Language": "da"}


@pytest.fixture
def problem():
    company = make_company("Acme")
    product = make_product(company, "Drive")
    question = make_question(
        company,
        product=product,
        author=make_user("asker", display_name="Ada Asker"),
        title="Sync stops after the update",
        kind=Kind.PROBLEM,
        feeling=Feeling.SAD,
        status=Status.SOLVED,
        fixed_in="4.2.1",
    )
    make_answer(question, body="Sign out and in again.")
    make_answer(question, body="Reinstall the app.")
    return question


def test_the_home_page_speaks_danish_and_counts_in_danish(client):
    one = make_question(make_company("Acme"), title="Where is the export button?")
    make_answer(one)
    two = make_question(make_company("Globex"), title="Can I pay by invoice?")
    make_answer(two)
    make_answer(two)
    db.session.commit()

    page = text(client.get("/", headers=DANISH))

    assert '<html lang="da">' in page
    assert "Svar om de produkter, du bruger" in page and "Aktive spørgsmål" in page
    assert (
        '<span class="question-item__count">1 svar</span>' in page
        and '<span class="question-item__count">2 svar</span>' in page
    )
    assert "1 spørgsmål" in page  # each company's count
    assert "spurgt af" in page and "asked by" not in page
    # Posts are not translated.
    assert "Where is the export button?" in page and "Can I pay by invoice?" in page


def test_the_question_page_with_its_answers_in_danish(client, problem):
    db.session.commit()

    page = text(client.get(f"/questions/{problem.id}/{problem.slug}", headers=DANISH))

    assert '<html lang="da">' in page
    assert ">Problem</span>" in page  # the kind
    assert "Føler sig ked af det" in page  # the feeling, in a sentence of its own
    assert "har markeret dette problem: <strong>Løst i 4.2.1</strong>" in page
    assert ">2 svar</h2>" in page
    assert "Svar fra" in page and "0 fandt dette hjælpsomt" in page
    assert "Log ind for at svare</a>" in page and "opret en konto</a>" in page
    assert 'title="Svar på dette problem"' in page  # the feed's link
    assert "Sign out and in again." in page  # the answer as written
    for english in ("Answer by", "found this helpful", "Add an answer", "Related questions"):
        assert english not in page


def test_the_same_page_in_english_is_unchanged(client, problem):
    db.session.commit()

    page = text(client.get(f"/questions/{problem.id}/{problem.slug}"))

    assert '<html lang="en">' in page
    assert "marked this problem: <strong>Solved in 4.2.1</strong>" in page
    assert ">2 answers</h2>" in page and "Feeling sad" in page


@pytest.mark.parametrize(
    ("kind", "danish"),
    [
        (Kind.QUESTION, "3 har også dette spørgsmål"),
        (Kind.PROBLEM, "3 har samme problem"),
        (Kind.IDEA, "3 støtter denne idé"),
        (Kind.PRAISE, "3 er enige i denne ros"),
    ],
)
def test_each_kind_counts_its_me_toos_in_its_own_words(client, kind, danish):
    question = make_question(kind=kind, me_too_count=3)
    db.session.commit()

    page = text(client.get(f"/questions/{question.id}/{question.slug}", headers=DANISH))

    assert danish in page


def test_asking_with_a_field_error_says_it_in_danish(client):
    make_company("Acme")
    asker = make_user("asker")
    db.session.commit()
    login_as(client, asker)

    form = text(client.get("/companies/acme/ask", headers=DANISH))
    assert '<html lang="da">' in form
    assert "Spørg Acme" in form and "Hvad drejer det sig om?" in form
    assert "> Spørgsmål</label>" in form  # a kind, beside its radio button
    assert "Idé" in form and "Ros" in form and "Ked af det" in form
    assert 'value="idea"' in form and 'value="sad"' in form  # the codes stay

    response = client.post(
        "/companies/acme/ask", data={"title": "", "body": "Some words."}, headers=DANISH
    )

    assert response.status_code == 422
    page = text(response)
    assert '<html lang="da">' in page
    assert "Giv dit spørgsmål en titel." in page
    assert "Give your question a title." not in page


def test_a_too_long_body_names_its_limit_the_danish_way(client):
    make_company("Acme")
    login_as(client, make_user("asker"))
    db.session.commit()

    response = client.post(
        "/companies/acme/ask",
        data={"title": "Sync stops after the update", "body": "x" * 20_001, "seen_similar": "1"},
        headers=DANISH,
    )

    assert response.status_code == 422
    assert "Dette må højst have 20.000 tegn." in text(response)


def test_a_flash_after_posting_is_danish(client):
    make_company("Acme")
    login_as(client, make_user("asker"))
    db.session.commit()

    posted = client.post(
        "/companies/acme/ask",
        data={"title": "Sync stops after the update", "body": "It stops.", "seen_similar": "1"},
        headers=DANISH,
    )
    page = text(client.get(posted.location, headers=DANISH))

    assert "Dit spørgsmål er slået op. Du finder svarene her." in page


def test_the_list_filters_and_sorts_in_danish_keep_their_codes(client):
    make_question(title="Where is the export button?")
    db.session.commit()

    page = text(client.get("/questions?kind=rant", headers=DANISH))

    assert "Seneste aktivitet" in page and "Flest også mig" in page  # the sorts
    assert '<option value="under_consideration">Overvejes</option>' in page
    assert '<option value="no_official">Uden officielt svar</option>' in page
    assert "Vælg en af: spørgsmål, problem, idé eller ros, eller alle." in page
    assert "Ret filteret ovenfor for at se spørgsmålene." in page


def test_cached_list_rows_keep_each_language_apart(client, page_cache_on):
    """The rows of a list are cached for everybody (app/page_cache.py): a Danish row must
    never reach an English reader, nor the other way round."""
    question = make_question(title="Where is the export button?")
    make_answer(question)
    db.session.commit()

    danish = text(client.get("/questions", headers=DANISH))
    english = text(client.get("/questions"))
    danish_again = text(client.get("/questions", headers=DANISH))

    assert '<span class="question-item__count">1 svar</span>' in danish and "spurgt af" in danish
    assert '<span class="question-item__count">1 answer</span>' in english and "asked by" in english
    assert "svar</span>" not in english and "spurgt af" not in english
    assert (
        danish_again.count('<span class="question-item__count">1 svar</span>') == 1
        and "1 answer" not in danish_again
    )


def test_the_anonymous_page_cache_keeps_each_language_apart(client, problem, page_cache_on):
    db.session.commit()
    url = f"/questions/{problem.id}/{problem.slug}"

    danish = text(client.get(url, headers=DANISH))
    english = text(client.get(url))

    assert ">2 svar</h2>" in danish and '<html lang="da">' in danish
    assert ">2 answers</h2>" in english and '<html lang="en">' in english
