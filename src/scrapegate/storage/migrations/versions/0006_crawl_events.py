"""Persistent crawl event log; robots.txt kept on the crawl.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("crawls", sa.Column("robots", sa.JSON(none_as_null=True), nullable=True))
    op.create_table(
        "crawl_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("crawl_id", sa.String(), nullable=False),
        sa.Column("event", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["crawl_id"],
            ["crawls.id"],
            name="fk_crawl_events_crawl_id_crawls",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_crawl_events"),
    )
    op.create_index("ix_crawl_events_crawl_id_id", "crawl_events", ["crawl_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_crawl_events_crawl_id_id", table_name="crawl_events")
    op.drop_table("crawl_events")
    with op.batch_alter_table("crawls") as batch:
        batch.drop_column("robots")
