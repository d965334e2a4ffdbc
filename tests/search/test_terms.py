"""Similar questions leave out the words in more than a fifth of all titles (counted from the
index into ``search_terms``), and a title of common words only is matched by its rarest."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.search import deferred, terms
from app.search.models import TOTALS, SearchTerm
from app.search.queries import similar_questions
from tests.factories import make_company
from tests.search.helpers import ask


@pytest.fixture
def forum(monkeypatch):
    """Ten titles: "printer" in three (30%), "scanner" in exactly two (20%), "smudges" in one;
    "ink" in three of them too. Common words count from 10 questions on here."""
    monkeypatch.setattr(terms, "MIN_QUESTIONS", 10)
    acme = make_company("Acme")
    titles = [
        "Printer smudges photos",
        "Printer ink runs out fast",
        "Printer ink light blinks",
        "Scanner jams on thick paper",
        "Scanner lid creaks",
        "Ink cartridge not recognised",
        "Invoice shows the wrong currency",
        "Password reset mail never arrives",
        "Dark mode for the mobile app",
        "Battery drains overnight",
    ]
    for title in titles:
        ask(acme, title)
    terms.refresh()
    db.session.commit()
    return acme


def titles_like(title: str) -> set[str]:
    return {question.title for question in similar_questions(title)}


def test_counts_are_kept_per_word_as_typed_and_stemmed_as_the_index_stems(forum):
    counted = dict(db.session.execute(sa.select(SearchTerm.word, SearchTerm.questions)).all())

    assert counted[TOTALS] == 10
    assert counted["printer"] == 3
    assert counted["scanner"] == 2
    # "Printers" is stemmed as the index stems it: it costs what "printer" matches.
    ask(forum, "Printers offline")
    terms.refresh()
    counted = dict(db.session.execute(sa.select(SearchTerm.word, SearchTerm.questions)).all())
    assert counted["printers"] == counted["printer"] == 4


def test_a_word_in_more_than_a_fifth_of_titles_is_left_out(forum):
    # "printer" (3 of 10) says nothing; "smudges" finds the one question like it.
    assert titles_like("Printer smudges glossy prints") == {"Printer smudges photos"}


def test_a_word_in_exactly_a_fifth_of_titles_still_counts(forum):
    # "scanner" is in 2 of 10 titles: 20%, not more; both questions are offered.
    assert titles_like("Scanner makes a noise") == {"Scanner jams on thick paper",
                                                    "Scanner lid creaks"}  # fmt: skip


def test_a_title_of_common_words_only_is_matched_by_its_rarest_words_together(forum):
    # "printer" and "ink" are each in 3 of 10: all common, so both must be in a title.
    assert titles_like("Printer ink") == {"Printer ink runs out fast", "Printer ink light blinks"}


def test_a_young_forum_leaves_nothing_out(forum, monkeypatch):
    monkeypatch.setattr(terms, "MIN_QUESTIONS", 11)

    assert "Printer ink runs out fast" in titles_like("Printer smudges glossy prints")


def test_without_counts_nothing_is_left_out(forum):
    db.session.execute(sa.delete(SearchTerm))
    db.session.commit()

    assert "Printer ink runs out fast" in titles_like("Printer smudges glossy prints")


def test_reindex_counts_the_words_again(app, forum):
    db.session.execute(sa.delete(SearchTerm))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["search", "reindex", "--no-related"])

    assert result.exit_code == 0, result.output
    assert db.session.get(SearchTerm, "printer").questions == 3


def test_the_terms_command_counts_them(app, forum):
    db.session.execute(sa.delete(SearchTerm))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["search", "terms"])

    assert result.exit_code == 0, result.output
    assert db.session.get(SearchTerm, "scanner").questions == 2


def test_counts_older_than_max_age_are_recounted_after_the_next_question(forum):
    totals = db.session.get(SearchTerm, TOTALS)
    totals.refreshed_at = utcnow() - terms.MAX_AGE - timedelta(minutes=1)
    db.session.commit()
    for n in range(3):
        ask(forum, f"Printer queue stuck {n}")
    db.session.commit()
    assert db.session.get(SearchTerm, "printer").questions == 3  # not yet

    question = ask(forum, "Printer offline again")
    deferred.queue(question.id, related=True)
    db.session.commit()
    deferred.run_for([question.id])

    db.session.expire_all()
    assert db.session.get(SearchTerm, "printer").questions == 7
    assert db.session.get(SearchTerm, TOTALS).questions == 14


def test_fresh_counts_are_not_recounted(forum):
    ask(forum, "Printer queue stuck")
    question = ask(forum, "Printer offline again")
    deferred.queue(question.id, related=True)
    db.session.commit()

    deferred.run_for([question.id])

    db.session.expire_all()
    assert db.session.get(SearchTerm, "printer").questions == 3
