"""full-text search index: FTS5 on SQLite, a weighted tsvector under GIN on PostgreSQL

Revision ID: 0005_search
Revises: 0004_api_tokens

The table lives outside the SQLAlchemy models (its shape differs by database; see
app/search/backends.py), so autogenerate is told to ignore it (app.search.include_name).
Existing questions are indexed from their Markdown sources here; `flask search reindex`
rebuilds every entry from the rendered text the app itself indexes.
"""

from alembic import op

revision = "0005_search"
down_revision = "0004_api_tokens"
branch_labels = None
depends_on = None

ANSWERS_TEXT_MAX = 100_000


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE TABLE search_index (
                question_id integer NOT NULL,
                title text NOT NULL,
                body text NOT NULL,
                answers text NOT NULL,
                document tsvector NOT NULL,
                CONSTRAINT pk_search_index PRIMARY KEY (question_id),
                CONSTRAINT fk_search_index_question_id_questions FOREIGN KEY (question_id)
                    REFERENCES questions (id) ON DELETE CASCADE
            )
            """
        )
        op.execute("CREATE INDEX ix_search_index_document ON search_index USING gin (document)")
        # chr(57344…57346) are the highlight markers and the headline's "<": never indexed.
        op.execute(
            f"""
            INSERT INTO search_index (question_id, title, body, answers, document)
            SELECT id, title, body, answers,
                   setweight(to_tsvector('english', replace(title, '<', ' ')), 'A')
                   || setweight(to_tsvector('english', replace(body, '<', ' ')), 'B')
                   || setweight(to_tsvector('english', replace(answers, '<', ' ')), 'C')
            FROM (
                SELECT q.id,
                       translate(q.title, chr(57344) || chr(57345) || chr(57346), '') AS title,
                       translate(q.body, chr(57344) || chr(57345) || chr(57346), '') AS body,
                       translate(coalesce(left(string_agg(a.body, ' '
                                 ORDER BY a.created_at, a.id), {ANSWERS_TEXT_MAX}), ''),
                                 chr(57344) || chr(57345) || chr(57346), '') AS answers
                FROM questions q LEFT JOIN answers a ON a.question_id = q.id
                GROUP BY q.id
            ) AS texts
            """
        )
    else:
        op.execute(
            """
            CREATE VIRTUAL TABLE search_index USING fts5(
                title, body, answers,
                tokenize = 'porter unicode61 remove_diacritics 2'
            )
            """
        )
        op.execute(
            f"""
            INSERT INTO search_index (rowid, title, body, answers)
            SELECT q.id,
                   replace(replace(replace(q.title, char(57344), ''), char(57345), ''), char(57346), ''),
                   replace(replace(replace(q.body, char(57344), ''), char(57345), ''), char(57346), ''),
                   replace(replace(replace(coalesce((
                       SELECT substr(group_concat(body, ' '), 1, {ANSWERS_TEXT_MAX})
                       FROM (SELECT a.body FROM answers a WHERE a.question_id = q.id
                             ORDER BY a.created_at, a.id)
                   ), ''), char(57344), ''), char(57345), ''), char(57346), '')
            FROM questions q
            """
        )


def downgrade():
    op.execute("DROP TABLE search_index")
