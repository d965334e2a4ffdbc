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
from app.search.models import TABLE
from app.search.terms import chosen_words_sql, terms_params
from app.search.text import LESS_THAN, MARK_END, MARK_START

# How many words a snippet shows around the best match.
SNIPPET_WORDS = 28
# PostgreSQL's ts_headline re-reads the text it is given: only this much of each part.
HEADLINE_CHARS = 6000


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
    "questions.answer_count, questions.best_answer_id, questions.has_official_answer"
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


def _needs_questions(filters: Filters) -> bool:
    """Whether the filters read the ``questions`` row (the company is in the index too)."""
    return any(
        value is not None
        for value in (filters.product_id, filters.kind, filters.status, filters.exclude_id)
    )


class SQLiteBackend:
    """FTS5 with the Porter stemmer; BM25 weights: title 10, question text 3, answers 1."""

    name = "sqlite"
    _rank = f"bm25({TABLE}, 10.0, 3.0, 1.0)"

    def store(self, session: Session, documents: list[Document]) -> None:
        if not documents:
            return
        rows = [
            {"id": d.question_id, "title": d.title, "body": d.body, "answers": d.answers}
            for d in documents
        ]
        session.execute(sa.text(f"DELETE FROM {TABLE} WHERE rowid = :id"), rows)  # noqa: S608 - constant name
        session.execute(
            sa.text(
                f"INSERT INTO {TABLE} (rowid, title, body, answers) "  # noqa: S608 - constant name
                "VALUES (:id, :title, :body, :answers)"
            ),
            rows,
        )

    def remove(self, session: Session, question_ids: list[int]) -> None:
        if question_ids:
            session.execute(
                sa.text(f"DELETE FROM {TABLE} WHERE rowid = :id"),  # noqa: S608 - constant name
                [{"id": question_id} for question_id in question_ids],
            )

    def remove_orphans(self, session: Session) -> None:
        session.execute(
            sa.text(f"DELETE FROM {TABLE} WHERE rowid NOT IN (SELECT id FROM questions)")  # noqa: S608
        )

    def search(
        self, session: Session, parsed: q.ParsedQuery, filters: Filters, limit: int, offset: int
    ) -> list[Hit]:
        where, params = _filter_sql(filters)
        # The best ids first (ranked over every match), then markers and snippets for those
        # few only: highlight() and snippet() re-read the text, so they wait for the LIMIT.
        # CROSS JOIN keeps that order: each hit is looked up by rowid (FTS5 "=M" plan), not
        # by scanning every match a second time.
        sql = f"""
            WITH hits AS (
                SELECT {TABLE}.rowid AS question_id, {self._rank} AS score
                FROM {TABLE} JOIN questions ON questions.id = {TABLE}.rowid
                WHERE {TABLE} MATCH :match{where}
                ORDER BY score, questions.id DESC
                LIMIT :limit OFFSET :offset
            )
            SELECT hits.question_id,
                   highlight({TABLE}, 0, :start, :end),
                   snippet({TABLE}, 1, :start, :end, '…', :words),
                   snippet({TABLE}, 2, :start, :end, '…', :words)
            FROM hits CROSS JOIN {TABLE} ON {TABLE}.rowid = hits.question_id
            WHERE {TABLE} MATCH :match
            ORDER BY hits.score, hits.question_id DESC
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        rows = session.execute(
            sa.text(sql),
            {
                **params,
                "match": parsed.fts5(),
                "limit": limit,
                "offset": offset,
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
        # The title's telling words (app.search.terms) as an FTS5 expression on the title
        # column, made in the same statement: "{title} : ("a" OR "b")". Words are letters and
        # digits only (query.title_words), so quoting them is enough.
        words_sql = "SELECT value AS word, key AS n FROM json_each(:words)"
        sql = f"""
            WITH {chosen_words_sql(words_sql)},
            expression AS (
                SELECT '{{title}} : (' || group_concat('"' || word || '"',
                    CASE WHEN any_word = 1 THEN ' OR ' ELSE ' AND ' END) || ')' AS match
                FROM (SELECT word, any_word FROM chosen ORDER BY n) AS ordered
            )
            SELECT {SIMILAR_COLUMNS}
            FROM {TABLE} JOIN questions ON questions.id = {TABLE}.rowid
            WHERE {TABLE} MATCH (SELECT match FROM expression){where}
            ORDER BY {self._rank}, questions.id DESC
            LIMIT :limit
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        values = {**params, **terms_params(), "words": json.dumps(words), "limit": limit}
        return list(session.execute(sa.text(sql), values))

    def optimize(self, session: Session) -> None:
        # Merges the index's b-trees into one after a bulk load (FTS5's 'optimize' command).
        session.execute(sa.text(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')"))  # noqa: S608


class PostgreSQLBackend:
    """Weighted tsvectors under GIN indexes, English stemming, ``ts_rank`` on the head."""

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
                sa.text(f"DELETE FROM {TABLE} WHERE question_id = ANY(:ids)"),  # noqa: S608
                {"ids": list(question_ids)},
            )

    def remove_orphans(self, session: Session) -> None:
        # The foreign key cascades, so there are none; kept for the interface's sake.
        session.execute(
            sa.text(
                f"DELETE FROM {TABLE} WHERE NOT EXISTS "  # noqa: S608 - constant name
                f"(SELECT 1 FROM questions WHERE questions.id = {TABLE}.question_id)"
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
        session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        sql = f"""
            WITH hits AS (
                SELECT question_id, score FROM (
                    SELECT d.question_id, ts_rank(d.head, query) AS score
                    FROM websearch_to_tsquery({c}, :q) AS query, {TABLE} d{join}
                    WHERE d.document @@ query{where}
                    OFFSET 0
                ) AS matches
                ORDER BY score DESC, question_id DESC
                LIMIT :limit OFFSET :offset
            )
            SELECT hits.question_id,
                   ts_headline({c}, replace(d.title, '<', :lt), query, :title_options),
                   ts_headline({c}, replace(left(d.body, {HEADLINE_CHARS}), '<', :lt), query,
                               :snippet_options),
                   ts_headline({c}, replace(left(d.answers, {HEADLINE_CHARS}), '<', :lt), query,
                               :snippet_options)
            FROM websearch_to_tsquery({c}, :q) AS query, hits
                JOIN {TABLE} d ON d.question_id = hits.question_id
            ORDER BY hits.score DESC, hits.question_id DESC
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        rows = session.execute(
            sa.text(sql),
            {
                **params,
                "q": parsed.websearch(),
                "limit": limit,
                "offset": offset,
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
        # title's telling words (app.search.terms), chosen in the same statement. Words are
        # letters and digits only (query.title_words); each is still quoted as a literal.
        words_sql = (
            "SELECT word, n FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS w(word, n)"
        )
        sql = f"""
            WITH {chosen_words_sql(words_sql)},
            expression AS (
                SELECT to_tsquery({c}, string_agg(quote_literal(word),
                    CASE WHEN any_word = 1 THEN ' | ' ELSE ' & ' END ORDER BY n)) AS query
                FROM chosen
            )
            SELECT {SIMILAR_COLUMNS}
            FROM expression, {TABLE} d
                JOIN questions ON questions.id = d.question_id
            WHERE d.title_vector @@ expression.query{where}
            ORDER BY ts_rank(d.title_vector, expression.query) DESC, questions.id DESC
            LIMIT :limit
        """  # noqa: S608 - only constant names and fixed clauses; values are bound
        values = {**params, **terms_params(), "words": list(words), "limit": limit}
        return list(session.execute(sa.text(sql), values))

    def optimize(self, session: Session) -> None:
        session.execute(sa.text(f"ANALYZE {TABLE}"))


def _restore(text: str | None) -> str:
    return (text or "").replace(LESS_THAN, "<")


_BACKENDS: dict[str, Backend] = {"sqlite": SQLiteBackend(), "postgresql": PostgreSQLBackend()}


def backend_for(session: Session) -> Backend:
    """The engine for the session's database (SQLite FTS5 or PostgreSQL full-text search)."""
    return _BACKENDS[session.get_bind().dialect.name]
