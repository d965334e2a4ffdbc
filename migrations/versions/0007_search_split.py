"""search: rank on the question's own text, similar questions by title, company in the index

Revision ID: 0007_search_split
Revises: 0006_related_questions

On PostgreSQL, ranking read every match's whole tsvector, answers included (up to
100,000 characters each), and similar questions restricted the match to weights A and B,
which the GIN index cannot answer: both read most of the table for common words
(bench/RESULTS.md, sections 1 and 2). The entry now also keeps ``head`` (title A and text
B), which ranking reads, and ``title_vector`` under its own GIN index with the question's
``company_id`` beside it, which similar and related questions match on. ``document`` (all
three parts) stays what a search matches, so answers still find their question.

SQLite's FTS5 table needs no change: similar questions use its ``{title}`` column filter.
"""

from alembic import op

revision = "0007_search_split"
down_revision = "0006_related_questions"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_index ADD COLUMN company_id integer,"
        " ADD COLUMN head tsvector, ADD COLUMN title_vector tsvector"
    )
    op.execute(
        """
        UPDATE search_index d SET
            company_id = q.company_id,
            head = setweight(to_tsvector('english', replace(d.title, '<', ' ')), 'A')
                   || setweight(to_tsvector('english', replace(d.body, '<', ' ')), 'B'),
            title_vector = to_tsvector('english', replace(d.title, '<', ' '))
        FROM questions q WHERE q.id = d.question_id
        """
    )
    op.execute(
        "ALTER TABLE search_index ALTER COLUMN company_id SET NOT NULL,"
        " ALTER COLUMN head SET NOT NULL, ALTER COLUMN title_vector SET NOT NULL"
    )
    op.execute("CREATE INDEX ix_search_index_title_vector ON search_index USING gin (title_vector)")
    op.execute("CREATE INDEX ix_search_index_company_id ON search_index (company_id)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_search_index_company_id")
    op.execute("DROP INDEX ix_search_index_title_vector")
    op.execute(
        "ALTER TABLE search_index DROP COLUMN title_vector, DROP COLUMN head,"
        " DROP COLUMN company_id"
    )
