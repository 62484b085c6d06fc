"""Trigram index on the request log's URL for the dashboard's job search (PostgreSQL only).

``GET /api/v1/dashboard/jobs?search=`` filters with ``url LIKE '%…%'``, which no B-tree can
serve; pg_trgm's GIN index can (patterns of three characters or more). SQLite keeps the scan:
an FTS5 trigram copy of every log row would double the cost of the hottest write path.
The index is not in the models (``storage/sql/unmodelled.py`` names it).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_usage_log_url_trgm ON usage_log USING gin (url gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_usage_log_url_trgm")
