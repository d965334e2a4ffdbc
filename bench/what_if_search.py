#!/usr/bin/env python
"""What would make search and similar questions fast: alternatives timed on the bench data.

    .venv/bin/python bench/what_if_search.py --db postgresql   # or --db sqlite

Reads the 100k-question forum that ``bench/run.py`` loaded and times, warm, the queries the
app runs today beside alternatives that keep the same meaning where possible. On PostgreSQL
it builds a scratch table ``bench_what_if`` (title tsvector, title+body tsvector, answers
tsvector, each under GIN) in the bench database and drops it at the end; on SQLite it only
reads (document frequencies from a temporary ``fts5vocab`` table). The app is not changed.
Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app.search import query as search_query  # noqa: E402

SQLITE_URL = f"sqlite:///{ROOT / 'bench' / 'data' / 'bench-100k.db'}"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hs_bench_100k"
TITLE = "Drive stops syncing after the update"  # the benchmark's worst similar-questions title
SEARCHES = ["sync", "battery drains"]


def timed(connection: sa.Connection, sql: str, params: Any, runs: int = 7) -> tuple[float, int]:
    """Median milliseconds of ``runs`` warm executions, and the rows returned."""
    rows = connection.exec_driver_sql(sql, params).all()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = connection.exec_driver_sql(sql, params).all()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(rows)


def postgresql(url: str) -> list[tuple[str, str, float]]:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    out = []
    with engine.connect() as c:
        c.exec_driver_sql("SET statement_timeout = 0")
        c.exec_driver_sql("DROP TABLE IF EXISTS bench_what_if")
        print("building the scratch table (title, title+body and answers tsvectors)…")
        c.exec_driver_sql(
            """CREATE TABLE bench_what_if AS SELECT question_id,
                 to_tsvector('english', title) AS title_tsv,
                 setweight(to_tsvector('english', title), 'A')
                   || setweight(to_tsvector('english', body), 'B') AS head,
                 to_tsvector('english', answers) AS answers_tsv
               FROM search_index"""
        )
        for column in ("title_tsv", "head", "answers_tsv"):
            c.exec_driver_sql(f"CREATE INDEX ON bench_what_if USING gin ({column})")
        c.exec_driver_sql("ALTER TABLE bench_what_if ADD PRIMARY KEY (question_id)")
        c.exec_driver_sql("VACUUM ANALYZE bench_what_if")
        try:
            words = search_query.title_words(TITLE)
            any_ab = search_query.tsquery_any_word(words)
            any_plain = " | ".join(words)
            ms, _ = timed(
                c,
                "SELECT d.question_id FROM to_tsquery('english', %(q)s) q, search_index d"
                " WHERE d.document @@ q ORDER BY ts_rank(d.document, q) DESC,"
                " d.question_id DESC LIMIT 5",
                {"q": any_ab},
            )
            out.append((f"similar `{TITLE}`", "as today: any word, whole document, ranked", ms))
            ms, _ = timed(
                c,
                "SELECT w.question_id FROM to_tsquery('english', %(q)s) q, bench_what_if w"
                " WHERE w.title_tsv @@ q ORDER BY ts_rank(w.title_tsv, q) DESC,"
                " w.question_id DESC LIMIT 5",
                {"q": any_plain},
            )
            out.append((f"similar `{TITLE}`", "titles only, own tsvector under GIN", ms))
            # Words most questions contain tell nothing about similarity: leave them out
            # (document frequencies would be kept by the reindex; counted here through GIN).
            total = c.exec_driver_sql("SELECT count(*) FROM bench_what_if").scalar_one()
            telling = [
                word
                for word in words
                if c.exec_driver_sql(
                    "SELECT count(*) FROM bench_what_if"
                    " WHERE head @@ plainto_tsquery('english', %(w)s)",
                    {"w": word},
                ).scalar_one()
                / total
                < 0.2
            ]
            ms, _ = timed(
                c,
                "SELECT w.question_id FROM to_tsquery('english', %(q)s) q, bench_what_if w"
                " WHERE w.title_tsv @@ q ORDER BY ts_rank(w.title_tsv, q) DESC,"
                " w.question_id DESC LIMIT 5",
                {"q": " | ".join(telling)},
            )
            out.append(
                (f"similar `{TITLE}`", "titles only, without words in over 20% of questions", ms)
            )
            for text in SEARCHES:
                websearch = search_query.parse(text).websearch()
                ms, _ = timed(
                    c,
                    "SELECT d.question_id FROM websearch_to_tsquery('english', %(q)s) q,"
                    " search_index d WHERE d.document @@ q ORDER BY ts_rank(d.document, q)"
                    " DESC, d.question_id DESC LIMIT 21",
                    {"q": websearch},
                )
                out.append((f"search `{text}`", "as today: rank every match's whole document", ms))
                ms, _ = timed(
                    c,
                    "SELECT w.question_id, CASE WHEN w.head @@ q THEN ts_rank(w.head, q)"
                    " ELSE 0 END AS score FROM websearch_to_tsquery('english', %(q)s) q,"
                    " bench_what_if w WHERE w.head @@ q OR w.answers_tsv @@ q"
                    " ORDER BY score DESC, w.question_id DESC LIMIT 21",
                    {"q": websearch},
                )
                out.append(
                    (
                        f"search `{text}`",
                        "match title+body or answers (two GIN indexes), rank title+body only",
                        ms,
                    )
                )
        finally:
            c.exec_driver_sql("DROP TABLE IF EXISTS bench_what_if")
    engine.dispose()
    return out


def sqlite(url: str) -> list[tuple[str, str, float]]:
    engine = sa.create_engine(url)
    out = []
    # The app's ranking: BM25 with the title weighing 10, the text 3, the answers 1.
    similar = (
        "SELECT questions.id FROM search_index JOIN questions ON questions.id ="
        " search_index.rowid WHERE search_index MATCH ?"
        " ORDER BY bm25(search_index, 10.0, 3.0, 1.0), questions.id DESC LIMIT 5"
    )
    search = (
        "SELECT search_index.rowid FROM search_index JOIN questions ON questions.id ="
        " search_index.rowid WHERE search_index MATCH ?"
        " ORDER BY bm25(search_index, 10.0, 3.0, 1.0), questions.id DESC LIMIT 21"
    )
    with engine.connect() as c:
        c.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab"
            " USING fts5vocab(main, search_index, 'row')"
        )
        total = c.exec_driver_sql("SELECT count(*) FROM search_index").scalar_one()
        words = search_query.title_words(TITLE)
        title_only = "{title} : (" + " OR ".join(f'"{w}"' for w in words) + ")"
        ms, _ = timed(c, similar, (search_query.fts5_any_word(words),))
        out.append((f"similar `{TITLE}`", "as today: any word in title or text", ms))
        ms, _ = timed(c, similar, (title_only,))
        out.append((f"similar `{TITLE}`", "titles only", ms))
        # Words most questions contain tell nothing about similarity: leave them out.
        telling = []
        for word in words:
            stem = c.exec_driver_sql(
                "SELECT term, doc FROM temp.vocab WHERE ? LIKE term || '%' ORDER BY"
                " length(term) DESC LIMIT 1",
                (word,),
            ).first()
            if stem is None or stem[1] / total < 0.2:
                telling.append(word)
        rare = "{title} : (" + " OR ".join(f'"{w}"' for w in telling) + ")"
        ms, _ = timed(c, similar, (rare,))
        out.append(
            (f"similar `{TITLE}`", "titles only, without words in over 20% of questions", ms)
        )
        for text in SEARCHES:
            fts = search_query.parse(text).fts5()
            ms, _ = timed(c, search, (fts,))
            out.append((f"search `{text}`", "as today: rank over title, text and answers", ms))
            ms, _ = timed(c, search, ("{title body} : (" + fts + ")",))
            out.append((f"search `{text}`", "title and text only (answers not searched)", ms))
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--url", help="the 100k bench database (default: run.py's)")
    args = parser.parse_args()
    if args.db == "postgresql":
        rows = postgresql(args.url or PG_URL)
    else:
        rows = sqlite(args.url or SQLITE_URL)
    print("\n| database | query | how | median ms (warm) |\n| --- | --- | --- | ---: |")
    for query, how, ms in rows:
        print(f"| {args.db} | {query} | {how} | {ms:.1f} |")


if __name__ == "__main__":
    main()
