"""search's GIN indexes written through, no pending list; the unused title index dropped

Revision ID: 0028_search_gin_pending
Revises: 0027_search_terms

PostgreSQL only (SQLite's FTS5 tables have no such thing).

A GIN index by default keeps new entries in an unsorted pending list (``fastupdate``) that
every search reads from start to end, until it holds 4 MB or VACUUM merges it. After the
search index was rebuilt at 100,000 questions the titles' list held 28,680 entries on 413
pages: matching "seat selection" read them all, 25 ms of a 27 ms statement, where the index
proper took 0.09 ms (bench/RESULTS.md). A live forum's list refills between autovacuums
(after a fifth of the table is inserted again). Written through, an index entry costs more
to write, once, after the commit (app.search.deferred), and nothing more to every search.

``ix_search_index_title_vector`` (0007) has matched nothing since 0027 moved title matches to
``search_index_titles``; every index write still kept it up.
"""

from alembic import op


revision = "0028_search_gin_pending"
down_revision = "0027_search_terms"
branch_labels = None
depends_on = None


GIN_INDEXES = ("ix_search_index_document", "ix_search_index_titles_title_vector")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_search_index_title_vector")
    for index in GIN_INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        # What is pending now is merged into the index proper (SET does not).
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in GIN_INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
    op.execute("CREATE INDEX ix_search_index_title_vector ON search_index USING gin (title_vector)")
