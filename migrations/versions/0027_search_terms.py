"""search terms, related questions found after the commit, large fan-outs afterwards

Revision ID: 0027_search_terms
Revises: 0026_comments

New tables:

- ``search_terms``: how many questions hold each common title word (app/search/terms.py),
  which similar questions read to leave out words in more than a fifth of all questions. Empty
  until ``flask search reindex`` or ``flask search terms`` counts them (or the first
  question asked after this upgrade does); until then nothing is left out.
- ``search_due``: search work on a question left for after the commit of its write (an
  answer's index entry, a new question's related questions), taken by the inline step or
  ``flask search relate --loop``.
- ``notification_fanouts``: events with more followers than a request tells itself, told
  afterwards (the inline step, or ``flask notifications send``).

``search_index_titles``, the titles alone, filled from ``search_index``. SQLite: an FTS5
table, so matching titles reads only titles' postings, where the ``{title}`` filter of
``search_index`` read every posting of a word, answers included. PostgreSQL: (question,
company, title tsvector) under their own GIN index, narrow rows, so a common word's
thousands of title matches are read ~100 to a page instead of one wide row each.
"""

import sqlalchemy as sa
from alembic import op


revision = "0027_search_terms"
down_revision = "0026_comments"
branch_labels = None
depends_on = None


TITLES = "search_index_titles"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE {TITLES} USING fts5("
            "title, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        op.execute(f"INSERT INTO {TITLES} (rowid, title) SELECT rowid, title FROM search_index")
    else:
        op.execute(
            f"""
            CREATE TABLE {TITLES} (
                question_id integer NOT NULL,
                company_id integer NOT NULL,
                title_vector tsvector NOT NULL,
                CONSTRAINT pk_{TITLES} PRIMARY KEY (question_id),
                CONSTRAINT fk_{TITLES}_question_id_questions FOREIGN KEY (question_id)
                    REFERENCES questions (id) ON DELETE CASCADE
            )
            """
        )
        op.execute(
            f"INSERT INTO {TITLES} (question_id, company_id, title_vector)"
            " SELECT question_id, company_id, title_vector FROM search_index"
        )
        op.execute(f"CREATE INDEX ix_{TITLES}_title_vector ON {TITLES} USING gin (title_vector)")
        op.execute(f"CREATE INDEX ix_{TITLES}_company_id ON {TITLES} (company_id)")
    op.create_table(
        "search_terms",
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_terms")),
    )
    op.create_table(
        "search_due",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("entry", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("related", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_search_due_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_due")),
    )
    op.create_index(
        op.f("ix_search_due_question_id"),
        "search_due",
        ["question_id"],
        unique=False,
    )
    op.create_table(
        "notification_fanouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_fanouts")),
    )


def downgrade() -> None:
    op.execute(f"DROP TABLE {TITLES}")
    op.drop_table("notification_fanouts")
    op.drop_index(
        op.f("ix_search_due_question_id"), table_name="search_due"
    )
    op.drop_table("search_due")
    op.drop_table("search_terms")
