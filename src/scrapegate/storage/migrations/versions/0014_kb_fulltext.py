"""Full-text search of knowledge-base articles on the database engines.

SQLite: an FTS5 table ``kb_articles_fts`` (title, body, article_id UNINDEXED) holding its own
copy of the text, kept in sync by triggers on ``kb_articles``. It is keyed by the article id
rather than being an external-content table keyed by rowid, because ``kb_articles`` has a text
primary key: its implicit rowid may change on VACUUM or on a batch-mode table rebuild, which
would silently detach an external-content index.

PostgreSQL: a GIN expression index ``ix_kb_articles_search`` over the weighted tsvector (title
'A', body 'B', 'simple' configuration). The repository (storage/sql/kb.py) must query with the
very same expression text for the planner to use the index.

Neither object is in the SQLAlchemy models; tests/contract/test_schema.py skips them by name
(``storage/sql/unmodelled.py``).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_SEARCH_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'B')"
)

SQLITE_UPGRADE = (
    "CREATE VIRTUAL TABLE kb_articles_fts USING fts5("
    "title, body, article_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')",
    "INSERT INTO kb_articles_fts (title, body, article_id) SELECT title, body, id FROM kb_articles",
    "CREATE TRIGGER kb_articles_fts_insert AFTER INSERT ON kb_articles BEGIN "
    "INSERT INTO kb_articles_fts (title, body, article_id) VALUES (new.title, new.body, new.id); "
    "END",
    # Fires on id changes too, so the index never keeps a stale key.
    "CREATE TRIGGER kb_articles_fts_update AFTER UPDATE OF id, title, body ON kb_articles BEGIN "
    "DELETE FROM kb_articles_fts WHERE article_id = old.id; "
    "INSERT INTO kb_articles_fts (title, body, article_id) VALUES (new.title, new.body, new.id); "
    "END",
    "CREATE TRIGGER kb_articles_fts_delete AFTER DELETE ON kb_articles BEGIN "
    "DELETE FROM kb_articles_fts WHERE article_id = old.id; "
    "END",
)

SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS kb_articles_fts_delete",
    "DROP TRIGGER IF EXISTS kb_articles_fts_update",
    "DROP TRIGGER IF EXISTS kb_articles_fts_insert",
    "DROP TABLE IF EXISTS kb_articles_fts",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(
            f"CREATE INDEX ix_kb_articles_search ON kb_articles USING gin (({PG_SEARCH_VECTOR}))"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_kb_articles_search")
