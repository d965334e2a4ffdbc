"""The two search engines behind one interface, chosen by the database in use.

- SQLite (the embedded default): an FTS5 table ``search_index`` whose rowid is the
  question's id, with the Porter stemmer, ranked by BM25 with the title weighing most.
- PostgreSQL: a table ``search_index`` with a weighted ``tsvector`` (title A, the
  question's text B, its answers C) under a GIN index, English stemming, queried with
  ``websearch_to_tsquery``; ranked by ``ts_rank`` over the title and text alone (``head``:
  reading every match's answers to rank it cost most of a search), and a title-only
  ``title_vector`` under its own GIN index, with ``company_id``, for similar questions.

Both hold the same plain text (title, the question's text, its answers' text) and
answer the same three calls; every call is one SQL statement, and every value in
it is a bound parameter. Filters (company, product, kind, status) are read from
the ``questions`` row, so a status change needs no index update.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.search import query as q
from app.search.models import TABLE, TITLES
from app.search.terms import chosen_words_sql, terms_params
from app.search.text import LESS_THAN, MARK_END, MARK_START

# How many words a snippet shows around the best match.
SNIPPET_WORDS = 28
# PostgreSQL's ts_headline re-reads the text it is given: only this much of each part.
HEADLINE_CHARS = 6000
# Each tier of a search ranks at most this many of its matches, the newest: enough for every
# page a search shows (``queries.MAX_PAGES`` of 20), and a bound on the work whatever the
# forum's size. A match beyond them (older than this many newer ones) is not shown; a
# narrower search finds it.
CANDIDATES = 500


@dataclass(frozen=True)
class Document:
    """What the index knows of one question: plain text only."""

    question_id: int
    company_id: int
    title: str
    body: str
    answers: str


@dataclass(frozen=True)
class Filters:
    company_id: int | None = None
    product_id: int | None = None
    kind: str | None = None
    status: str | None = None
    exclude_id: int | None = None


@dataclass(frozen=True)
class Hit:
    """One result: the question's id and its title and text with the matches marked."""

    question_id: int
    title: str
    body: str
    answers: str


# The columns a short list of similar questions shows, read with the match.
SIMILAR_COLUMNS = (
    "questions.id, questions.title, questions.slug, questions.kind, questions.status, "
    "questions.answer_count, questions.best_answer_id, questions.has_official_answer, "
    "questions.fixed_in"
)


class Backend(Protocol):
    name: str

    def store(self, session: Session, documents: list[Document]) -> None:
        """Add or replace these questions' entries (in the caller's transaction)."""

    def remove(self, session: Session, question_ids: list[int]) -> None:
        """Take these questions out of the index (hidden or deleted ones)."""

    def remove_orphans(self, session: Session) -> None:
        """Drop entries whose question no longer exists."""

    def search(
        self, session: Session, parsed: q.ParsedQuery, filters: Filters, limit: int, offset: int
    ) -> list[Hit]:
        """The best matches, best first, with marked title and snippets: one statement."""

    def similar(
        self, session: Session, words: list[str], filters: Filters, limit: int
    ) -> list[sa.Row[Any]]:
        """Questions whose titles share the most telling words: one statement."""

    def optimize(self, session: Session) -> None:
        """Tidy the index after a full rebuild."""


def _filter_sql(
    filters: Filters, company: str = "questions.company_id"
) -> tuple[str, dict[str, Any]]:
    """``AND …`` conditions on the joined ``questions`` row, from a fixed set, all bound.

    ``company`` names the column the company is compared with (the index's own, where it
    has one, so that the filter narrows the match before ranking).
    """
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for column, value in (
        (company, filters.company_id),
        ("questions.product_id", filters.product_id),
        ("questions.kind", filters.kind),
        ("questions.status", filters.status),
    ):
        if value is not None:
            name = column.rsplit(".", 1)[1]
            clauses.append(f"{column} = :f_{name}")
            params[f"f_{name}"] = value
    if filters.exclude_id is not None:
        clauses.append("questions.id <> :f_exclude_id")
        params["f_exclude_id"] = filters.exclude_id
    return "".join(f" AND {clause}" for clause in clauses), params


# The text tier's first condition: it is needed (``search_tiers_sql``).
TEXT_TIER_GATE = "(SELECT count(*) FROM title_tier) < :needed"


def search_tiers_sql(title_tier: str, text_tier: str, score: str) -> str:
    """Common table expressions that page through a search in two tiers: ``title_tier``
    (SELECT question_id, score: the title matches) first, ranked by ``score`` (ascending:
    negate a rank where higher is better), then ``text_tier`` (the other matches, which
    may read ``title_tier``). ``text_tier`` puts ``TEXT_TIER_GATE`` among its conditions, so
    it runs only when the title tier is shorter than the page needs (``:needed``): both
    engines evaluate that condition once, before reading anything of the tier, and skip the
    tier when it is false. Gives ``hits`` (question_id, tier, score): the page (``:limit``,
    ``:offset``)."""
    return f"""
        title_tier AS MATERIALIZED ({title_tier}),
        tiers AS (
            SELECT question_id, 1 AS tier, {score} AS score FROM title_tier
            UNION ALL
            SELECT question_id, 2, {score} FROM ({text_tier}) AS text_tier
        ),
        hits AS (
            SELECT question_id, tier, score FROM tiers
            ORDER BY tier, score, question_id DESC
            LIMIT :limit OFFSET :offset
        )"""  # noqa: S608 - constant SQL of the backends; values are bound


def _needs_questions(filters: Filters) -> bool:
    """Whether the filters read the ``questions`` row (the company is in the index too)."""
    return any(
        value is not None
        for value in (filters.product_id, filters.kind, filters.status, filters.exclude_id)
    )


class SQLiteBackend:
    """FTS5 with the Porter stemmer; BM25 weights: title 10, question text 3, answers 1.

    Titles are indexed twice: in ``search_index`` with the rest, and alone in
    ``search_index_titles`` (migration 0024), whose postings hold titles only, so that
    matching titles (similar questions, search's first tier) reads no answer's postings.
    """

    name = "sqlite"
    _rank = f"bm25({TABLE}, 10.0, 3.0, 1.0)"

    def store(self, session: Session, documents: list[Document]) -> None:
        if not documents:
            return
        rows = [
            {"id": d.question_id, "title": d.title, "body": d.body, "answers": d.answers}
            for d in documents
        ]
        self.remove(session, [d.question_id for d in documents])
        session.execute(
            sa.text(
                f"INSERT INTO {TABLE} (rowid, title, body, answers) "  # noqa: S608 - constant name
                "VALUES (:id, :title, :body, :answers)"
            ),
            rows,
        )
        session.execute(
            sa.text(f"INSERT INTO {TITLES} (rowid, title) VALUES (:id, :title)"),  # noqa: S608
            rows,
        )

    def remove(self, session: Session, question_ids: list[int]) -> None:
        if question_ids:
            for table in (TABLE, TITLES):
                session.execute(
                    sa.text(f"DELETE FROM {table} WHERE rowid = :id"),  # noqa: S608 - constant
                    [{"id": question_id} for question_id in question_ids],
                )

    def remove_orphans(self, session: Session) -> None:
        for table in (TABLE, TITLES):
            session.execute(
                sa.text(f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM questions)")  # noqa: S608
            )

    def search(
        self, session: Session, parsed: q.ParsedQuery, filters: Filters, limit: int, offset: int
    ) -> list[Hit]:
        where, params = _filter_sql(filters)
        # Two tiers (``search_tiers_sql``): the questions whose titles match, ranked among the
        # newest CANDIDATES of them by the titles' BM25; then, only when those are fewer
        # than the page needs, the questions matching in their text or answers, ranked
        # among the newest CANDIDATES by the whole entry's BM25. FTS5 walks a match newest
        # first on its own (rowid order), so neither tier reads more than CANDIDATES rows
        # however common the words; ranking every match cost 100-200 ms for a word in a
        # quarter of 100,000 questions. A query with exclusions checks, for each title
        # match, that nothing excluded is in its text either.
        #
        # Then markers and snippets for the page only: highlight() and snippet() re-read the
        # text. CROSS JOIN keeps that order: each hit is looked up by rowid (FTS5 "=M" plan).
        in_text = (
            f" AND EXISTS (SELECT 1 FROM {TABLE} e"  # noqa: S608 - constant names
            f" WHERE e.{TABLE} MATCH :match AND e.rowid = {TITLES}.rowid)"
            if parsed.has_exclusions
            else ""
        )
        title_tier = f"""
            SELECT {TITLES}.rowid AS question_id, bm25({TITLES}) AS score
            FROM {TITLES} JOIN questions ON questions.id = {TITLES}.rowid
            WHERE {TITLES} MATCH :match{where}{in_text}
            ORDER BY {TITLES}.rowid DESC LIMIT :candidates
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        text_tier = f"""
            SELECT {TABLE}.rowid AS question_id, {self._rank} AS score
            FROM {TABLE} JOIN questions ON questions.id = {TABLE}.rowid
            WHERE {TEXT_TIER_GATE} AND {TABLE} MATCH :match{where}
                AND {TABLE}.rowid NOT IN (SELECT question_id FROM title_tier)
            ORDER BY {TABLE}.rowid DESC LIMIT :candidates
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        sql = f"""
            WITH {search_tiers_sql(title_tier, text_tier, "score")}
            SELECT hits.question_id,
                   highlight({TABLE}, 0, :start, :end),
                   snippet({TABLE}, 1, :start, :end, '…', :words),
                   snippet({TABLE}, 2, :start, :end, '…', :words)
            FROM hits CROSS JOIN {TABLE} ON {TABLE}.rowid = hits.question_id
            WHERE {TABLE} MATCH :match
            ORDER BY hits.tier, hits.score, hits.question_id DESC
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        rows = session.execute(
            sa.text(sql),
            {
                **params,
                "match": parsed.fts5(),
                "limit": limit,
                "offset": offset,
                "needed": limit + offset,
                "candidates": CANDIDATES,
                "start": MARK_START,
                "end": MARK_END,
                "words": SNIPPET_WORDS,
            },
        )
        return [Hit(*row) for row in rows]

    def similar(
        self, session: Session, words: list[str], filters: Filters, limit: int
    ) -> list[sa.Row[Any]]:
        where, params = _filter_sql(filters)
        # The title's telling words (app.search.terms) as an FTS5 expression over the titles'
        # own index, made in the same statement: '"a" OR "b"'. Words are letters and digits
        # only (query.title_words), so quoting them is enough. Ranked among the newest
        # CANDIDATES matches, as search's tiers are: FTS5 walks them newest first by itself.
        words_sql = "SELECT value AS word, key AS n FROM json_each(:words)"
        sql = f"""
            WITH {chosen_words_sql(words_sql)},
            expression AS (
                SELECT group_concat('"' || word || '"',
                    CASE WHEN any_word = 1 THEN ' OR ' ELSE ' AND ' END) AS match
                FROM (SELECT word, any_word FROM chosen ORDER BY n) AS ordered
            ),
            newest AS MATERIALIZED (
                SELECT {TITLES}.rowid AS id, bm25({TITLES}) AS score
                FROM {TITLES} JOIN questions ON questions.id = {TITLES}.rowid
                WHERE {TITLES} MATCH (SELECT match FROM expression){where}
                ORDER BY {TITLES}.rowid DESC LIMIT :candidates
            )
            SELECT {SIMILAR_COLUMNS}
            FROM newest JOIN questions ON questions.id = newest.id
            ORDER BY newest.score, questions.id DESC
            LIMIT :limit
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        values = {
            **params,
            **terms_params(),
            "words": json.dumps(words),
            "limit": limit,
            "candidates": CANDIDATES,
        }
        return list(session.execute(sa.text(sql), values))

    def optimize(self, session: Session) -> None:
        # Merges each index's b-trees into one after a bulk load (FTS5's 'optimize' command).
        for table in (TABLE, TITLES):
            session.execute(sa.text(f"INSERT INTO {table} ({table}) VALUES ('optimize')"))  # noqa: S608


class PostgreSQLBackend:
    """Weighted tsvectors under GIN indexes, English stemming, ``ts_rank`` on the head.

    Titles are matched in ``search_index_titles`` (migration 0024): the question's id, its
    company and its title's tsvector under their own GIN index, narrow rows, so that the
    heap visits of a common word's thousands of title matches read ~100 rows a page, not
    one wide ``search_index`` row (text and answers inline) each.
    """

    name = "postgresql"
    _config = "'english'::regconfig"
    _title_options = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
    _snippet_options = (
        f"MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, "
        f"StartSel={MARK_START}, StopSel={MARK_END}"
    )

    def store(self, session: Session, documents: list[Document]) -> None:
        if not documents:
            return
        c = self._config
        session.execute(
            sa.text(
                f"""
                WITH entry AS (
                INSERT INTO {TABLE}
                    (question_id, company_id, title, body, answers, title_vector, head, document)
                SELECT :id, :company_id, :title, :body, :answers, t, h,
                       h || setweight(to_tsvector({c}, replace(:answers, '<', ' ')), 'C')
                FROM (SELECT to_tsvector({c}, replace(:title, '<', ' ')) AS t,
                             setweight(to_tsvector({c}, replace(:title, '<', ' ')), 'A')
                             || setweight(to_tsvector({c}, replace(:body, '<', ' ')), 'B') AS h
                     ) AS vectors
                ON CONFLICT (question_id) DO UPDATE SET
                    company_id = excluded.company_id, title = excluded.title,
                    body = excluded.body, answers = excluded.answers,
                    title_vector = excluded.title_vector, head = excluded.head,
                    document = excluded.document
                RETURNING question_id, company_id, title_vector
                )
                INSERT INTO {TITLES} (question_id, company_id, title_vector)
                SELECT question_id, company_id, title_vector FROM entry
                ON CONFLICT (question_id) DO UPDATE SET
                    company_id = excluded.company_id, title_vector = excluded.title_vector
                """  # noqa: S608 - constant names; values are bound
            ),
            [
                {
                    "id": d.question_id,
                    "company_id": d.company_id,
                    "title": d.title,
                    "body": d.body,
                    "answers": d.answers,
                }
                for d in documents
            ],
        )

    def remove(self, session: Session, question_ids: list[int]) -> None:
        if question_ids:
            session.execute(
                sa.text(
                    f"WITH titles AS (DELETE FROM {TITLES} WHERE question_id = ANY(:ids)) "  # noqa: S608
                    f"DELETE FROM {TABLE} WHERE question_id = ANY(:ids)"
                ),
                {"ids": list(question_ids)},
            )

    def remove_orphans(self, session: Session) -> None:
        # The foreign keys cascade, so there are none; kept for the interface's sake.
        for table in (TABLE, TITLES):
            session.execute(
                sa.text(
                    f"DELETE FROM {table} WHERE NOT EXISTS "  # noqa: S608 - constant name
                    f"(SELECT 1 FROM questions WHERE questions.id = {table}.question_id)"
                )
            )

    def search(
        self, session: Session, parsed: q.ParsedQuery, filters: Filters, limit: int, offset: int
    ) -> list[Hit]:
        where, params = _filter_sql(filters, company="d.company_id")
        c = self._config
        # Match through the GIN index on the whole document (answers find their question),
        # rank on the head (title and text: an answer-only match ranks last), keep the page,
        # then build headlines for those rows only (ts_headline re-parses the text it is
        # given). Its parser drops anything that looks like an XML tag, so "<" is swapped
        # out and back (and the tsvector is built with "<" as a space, so such text stays
        # searchable).
        #
        # Measured at 100,000 questions (bench/RESULTS.md): for a word in a third of them the
        # planner prefers a sequential scan, which tests every row's whole document (answers
        # included, out of line) with @@, 190 ms; the GIN bitmap answers @@ without reading
        # them, so sequential scans are off for this one transaction's statements. The
        # matches are ranked in a fenced subquery (OFFSET 0) so the sort carries only
        # (id, score) and never spills to disk; questions are joined only to filter.
        join = (
            " JOIN questions ON questions.id = d.question_id" if _needs_questions(filters) else ""
        )
        #
        # Two tiers (``search_tiers_sql``), each ranking at most its CANDIDATES newest matches:
        # the questions whose titles match (the titles' own GIN index, ranked on the title),
        # then, only when those are fewer than the page needs, the others (ranked on the
        # head). Ranking every match cost 20-50 ms for a word in a quarter of 100,000
        # questions; the ids are sorted first and only the kept ones ranked.
        session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        in_text = (
            f" AND EXISTS (SELECT 1 FROM {TABLE} e"  # noqa: S608 - constant names
            " WHERE e.question_id = d.question_id AND e.document @@ query)"
            if parsed.has_exclusions
            else ""
        )
        title_tier = f"""
            SELECT question_id, -ts_rank(title_vector, query) AS score
            FROM websearch_to_tsquery({c}, :q) AS query, (
                SELECT d.question_id, d.title_vector
                FROM websearch_to_tsquery({c}, :q) AS query, {TITLES} d{join}
                WHERE d.title_vector @@ query{where}{in_text}
                ORDER BY d.question_id DESC LIMIT :candidates
            ) AS newest
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        text_tier = f"""
            SELECT newest.question_id, -ts_rank(d.head, query) AS score
            FROM websearch_to_tsquery({c}, :q) AS query, (
                SELECT d.question_id
                FROM websearch_to_tsquery({c}, :q) AS query, {TABLE} d{join}
                WHERE {TEXT_TIER_GATE} AND d.document @@ query{where}
                    AND d.question_id NOT IN (SELECT question_id FROM title_tier)
                ORDER BY d.question_id DESC LIMIT :candidates
            ) AS newest JOIN {TABLE} d ON d.question_id = newest.question_id
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        sql = f"""
            WITH {search_tiers_sql(title_tier, text_tier, "score")}
            SELECT hits.question_id,
                   ts_headline({c}, replace(d.title, '<', :lt), query, :title_options),
                   ts_headline({c}, replace(left(d.body, {HEADLINE_CHARS}), '<', :lt), query,
                               :snippet_options),
                   ts_headline({c}, replace(left(d.answers, {HEADLINE_CHARS}), '<', :lt), query,
                               :snippet_options)
            FROM websearch_to_tsquery({c}, :q) AS query, hits
                JOIN {TABLE} d ON d.question_id = hits.question_id
            ORDER BY hits.tier, hits.score, hits.question_id DESC
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        rows = session.execute(
            sa.text(sql),
            {
                **params,
                "q": parsed.websearch(),
                "limit": limit,
                "offset": offset,
                "needed": limit + offset,
                "candidates": CANDIDATES,
                "title_options": self._title_options,
                "snippet_options": self._snippet_options,
                "lt": LESS_THAN,
            },
        )
        return [
            Hit(question_id, *(_restore(text) for text in texts)) for question_id, *texts in rows
        ]

    def similar(
        self, session: Session, words: list[str], filters: Filters, limit: int
    ) -> list[sa.Row[Any]]:
        where, params = _filter_sql(filters, company="d.company_id")
        c = self._config
        # Titles only, through their own GIN index (and the company's, when filtered), by the
        # title's telling words (app.search.terms), chosen in the same statement, ranked
        # among the newest CANDIDATES matches (ids sorted first, then only those ranked).
        # Words are letters and digits only (query.title_words); each is quoted as a literal.
        words_sql = (
            "SELECT word, n FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS w(word, n)"
        )
        sql = f"""
            WITH {chosen_words_sql(words_sql)},
            expression AS (
                SELECT to_tsquery({c}, string_agg(quote_literal(word),
                    CASE WHEN any_word = 1 THEN ' | ' ELSE ' & ' END ORDER BY n)) AS query
                FROM chosen
            ),
            newest AS MATERIALIZED (
                SELECT d.question_id, d.title_vector
                FROM expression, {TITLES} d
                    JOIN questions ON questions.id = d.question_id
                WHERE d.title_vector @@ expression.query{where}
                ORDER BY d.question_id DESC LIMIT :candidates
            )
            SELECT {SIMILAR_COLUMNS}
            FROM expression, newest JOIN questions ON questions.id = newest.question_id
            ORDER BY ts_rank(newest.title_vector, expression.query) DESC, questions.id DESC
            LIMIT :limit
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        values = {
            **params,
            **terms_params(),
            "words": list(words),
            "limit": limit,
            "candidates": CANDIDATES,
        }
        return list(session.execute(sa.text(sql), values))

    def optimize(self, session: Session) -> None:
        for table in (TABLE, TITLES):
            session.execute(sa.text(f"ANALYZE {table}"))


def _restore(text: str | None) -> str:
    return (text or "").replace(LESS_THAN, "<")


_BACKENDS: dict[str, Backend] = {"sqlite": SQLiteBackend(), "postgresql": PostgreSQLBackend()}


def backend_for(session: Session) -> Backend:
    """The engine for the session's database (SQLite FTS5 or PostgreSQL full-text search)."""
    return _BACKENDS[session.get_bind().dialect.name]
