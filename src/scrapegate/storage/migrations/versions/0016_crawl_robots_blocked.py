"""The URLs robots.txt kept out of a crawl, listed (``crawls.robots_blocked`` stays their count).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawl_robots_blocked",
        sa.Column("crawl_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["crawl_id"],
            ["crawls.id"],
            name="fk_crawl_robots_blocked_crawl_id_crawls",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("crawl_id", "seq", name="pk_crawl_robots_blocked"),
    )


def downgrade() -> None:
    op.drop_table("crawl_robots_blocked")
