"""How common each word of a title is: what similar questions read to leave out the words
that tell questions apart least.

Similar questions match titles by any of their words, ranked: at 100,000 questions a title
of everyday words ("Drive stops syncing after the update") matched a quarter of all titles,
and ranking them all was most of what similar questions and asking cost (bench/RESULTS.md).
A word that more than a fifth of all questions use, in their title or text
(``COMMON_SHARE``), says little about which are alike, so the match leaves it out; a title
made only of such words is matched by its ``RAREST`` rarest words, all of them, which stays
narrow and still finds the questions most like it.

The counts come from the index itself (PostgreSQL's ``ts_stat`` over the questions' ``head``
tsvectors, title and text; SQLite's ``fts5vocab`` of the FTS5 table, the larger of a word's
title and text counts), so a word counts as the index stems it: "syncing" as "sync". They
are stored in ``search_terms`` under the word as typed (``query.title_words`` of every
title), so a title is looked up without a stemmer of our own; a word in no title costs a
title match nothing and is not stored.

When they are counted: by ``flask search reindex`` (after the index), by ``flask search
terms`` (a few seconds at 100,000 questions; cron may run it), and after asking once they
are older than ``MAX_AGE`` (the after-commit step, inline or the worker, claims that with
one conditional UPDATE so only one process recounts). Not on every write: a word's share of
a large forum moves slowly, a word new since the last count counts as rare (it is), and
keeping counts exact would add statements to every ask and edit. On a forum of fewer than
``MIN_QUESTIONS`` nothing is left out: every word is cheap to match there, and "common"
among a few dozen questions is chance.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import insert_if_absent, utcnow
from app.extensions import db
from app.search import query as search_query
from app.search.models import TABLE, TITLES, TOTALS, SearchTerm

# A word in more than this share of questions is left out of the match.
COMMON_SHARE = 0.2
# Words kept in ``search_terms``: those in at least this share of questions (the rest are rare).
STORED_SHARE = 0.01
# Below this many questions nothing is left out.
MIN_QUESTIONS = 1000
# A title of common words only is matched by this many of its rarest words, all of them.
RAREST = 2
# Counts older than this are recounted after the next question is asked.
MAX_AGE = timedelta(hours=6)
# How many titles are read at once to collect their words.
_BATCH = 5000


def chosen_words_sql(words: str) -> str:
    """Common table expressions that choose, in SQL, the words a title is matched by.

    ``words`` is a SELECT of the title's words (``word``, ``n`` its position). The result,
    ``chosen (word, n, any_word)``: the words in at most ``COMMON_SHARE`` of questions
    (``any_word`` 1: a title matches with any of them), or when there is none, the
    ``RAREST`` rarest words (``any_word`` 0: all of them). Parameters: ``share``,
    ``min_questions``, ``rarest`` (``terms_params``). In the match's own statement, so
    looking the words up costs no round trip.
    """
    return f"""
        words AS ({words}),
        counted AS (
            SELECT words.word, words.n, coalesce(t.questions, 0) AS questions
            FROM words LEFT JOIN search_terms t ON t.word = words.word
        ),
        bound AS (
            SELECT (SELECT questions * :share FROM search_terms
                    WHERE word = '' AND questions >= :min_questions) AS most
        ),
        marked AS (
            SELECT word, n, questions, CASE WHEN most IS NULL OR questions <= most THEN 1 ELSE 0 END
                AS telling
            FROM counted, bound
        ),
        chosen AS (
            SELECT word, n, 1 AS any_word FROM marked WHERE telling = 1
            UNION ALL
            SELECT word, n, 0 FROM (
                SELECT word, n FROM marked
                WHERE NOT EXISTS (SELECT 1 FROM marked WHERE telling = 1)
                ORDER BY questions, n LIMIT :rarest
            ) AS rarest
        )"""  # noqa: S608 - ``words`` is the caller's constant SQL; values are bound


def terms_params() -> dict[str, float | int]:
    return {"share": COMMON_SHARE, "min_questions": MIN_QUESTIONS, "rarest": RAREST}


def _title_words(session: Session) -> list[str]:
    """Every distinct word of the indexed titles, as ``query.title_words`` gives them."""
    seen: set[str] = set()
    last = 0
    id_column = "rowid" if session.get_bind().dialect.name == "sqlite" else "question_id"
    while True:
        rows = session.execute(
            sa.text(
                f"SELECT {id_column}, title FROM {TABLE} WHERE {id_column} > :last "  # noqa: S608
                f"ORDER BY {id_column} LIMIT :batch"
            ),
            {"last": last, "batch": _BATCH},
        ).all()
        if not rows:
            return sorted(seen)
        for _, title in rows:
            seen.update(search_query.all_title_words(title))
        last = rows[-1][0]


def _counts_postgresql(session: Session, words: list[str]) -> tuple[int, list[tuple[str, int]]]:
    total = session.scalar(sa.text(f"SELECT count(*) FROM {TABLE}")) or 0  # noqa: S608
    rows = session.execute(
        sa.text(
            f"""
            SELECT w.word, s.ndoc
            FROM unnest(CAST(:words AS text[])) AS w(word)
                CROSS JOIN LATERAL unnest(to_tsvector('english', w.word)) AS v
                JOIN ts_stat('SELECT head FROM {TABLE}') AS s ON s.word = v.lexeme
            WHERE s.ndoc >= :least
            """  # noqa: S608 - constant name
        ),
        {"words": words, "least": max(1, int(total * STORED_SHARE))},
    ).all()
    return total, [(word, ndoc) for word, ndoc in rows]


def _counts_sqlite(session: Session, words: list[str]) -> tuple[int, list[tuple[str, int]]]:
    """The words stemmed by FTS5 itself (a scratch FTS5 table with the index's tokenizer,
    read back through ``fts5vocab``), joined to the index's per-column document counts: a
    word counts the larger of its title's and its text's (FTS5 counts per column; the union,
    what PostgreSQL's ``head`` counts, is at most their sum and most often near the larger:
    a question's text repeats its title's words)."""
    total = session.scalar(sa.text(f"SELECT count(*) FROM {TABLE}")) or 0  # noqa: S608
    tokenizer = session.scalar(
        sa.text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": TITLES}
    )
    tokenize = "porter unicode61 remove_diacritics 2"
    if tokenizer and "tokenize" in tokenizer:
        tokenize = tokenizer.split("tokenize", 1)[1].split("'")[1]
    for statement in (
        "DROP TABLE IF EXISTS temp.search_words_vocab",
        "DROP TABLE IF EXISTS temp.search_words",
        f"CREATE VIRTUAL TABLE temp.search_words USING fts5(word, tokenize = '{tokenize}')",
        "CREATE VIRTUAL TABLE temp.search_words_vocab"
        " USING fts5vocab(temp, search_words, instance)",
        f"CREATE VIRTUAL TABLE temp.{TABLE}_vocab USING fts5vocab(main, {TABLE}, col)",
    ):
        session.execute(sa.text(statement))
    try:
        session.execute(
            sa.text("INSERT INTO temp.search_words (rowid, word) VALUES (:n, :word)"),
            [{"n": n, "word": word} for n, word in enumerate(words, start=1)],
        )
        rows = session.execute(
            sa.text(
                f"""
                SELECT w.word, max(v.doc) AS doc
                FROM temp.search_words_vocab AS i
                    JOIN temp.search_words AS w ON w.rowid = i.doc
                    JOIN temp.{TABLE}_vocab AS v ON v.term = i.term AND v.col IN ('title', 'body')
                GROUP BY w.word
                HAVING max(v.doc) >= :least
                """  # noqa: S608 - constant name
            ),
            {"least": max(1, int(total * STORED_SHARE))},
        ).all()
    finally:
        for name in ("search_words_vocab", "search_words", f"{TABLE}_vocab"):
            session.execute(sa.text(f"DROP TABLE IF EXISTS temp.{name}"))
    return total, [(word, doc) for word, doc in rows]


def refresh(session: Session | None = None) -> int:
    """Count again how many questions hold each title word; replaces ``search_terms`` whole, in the
    caller's transaction (the caller commits). How many words are common enough to keep."""
    session = session if session is not None else db.session
    words = _title_words(session)
    counts = _counts_sqlite if session.get_bind().dialect.name == "sqlite" else _counts_postgresql
    total, rows = counts(session, words) if words else (0, [])
    session.execute(sa.delete(SearchTerm))
    session.execute(
        sa.insert(SearchTerm),
        [
            {"word": TOTALS, "questions": total, "refreshed_at": utcnow()},
            *({"word": word, "questions": count, "refreshed_at": None} for word, count in rows),
        ],
    )
    return len(rows)


def claim_stale_refresh(session: Session | None = None) -> bool:
    """True when the counts are older than ``MAX_AGE`` (or were never made) and this process
    won the right to recount them: one conditional UPDATE (or INSERT) of the totals row,
    committed by the caller with the recount."""
    session = session if session is not None else db.session
    now = utcnow()
    moved = session.execute(
        sa.update(SearchTerm)
        .where(SearchTerm.word == TOTALS, SearchTerm.refreshed_at < now - MAX_AGE)
        .values(refreshed_at=now),
        execution_options={"synchronize_session": False, "preserve_rowcount": True},
    ).rowcount
    if moved:
        return True
    return insert_if_absent(
        session, SearchTerm.__table__, {"word": TOTALS, "questions": 0, "refreshed_at": now}
    )
