"""Crawls and their pages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def create_crawls() -> None:
    op.create_table(
        "crawls",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("key_id", sa.String(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("stop_reason", sa.String(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(), nullable=True),
        sa.Column("max_pages", sa.Integer(), nullable=False),
        sa.Column("estimated_pages", sa.Integer(), nullable=False),
        sa.Column("robots_blocked", sa.Integer(), nullable=False),
        sa.Column("credits_used", sa.BigInteger(), nullable=False),
        sa.Column("credits_refunded", sa.BigInteger(), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("webhook_secret", sa.String(), nullable=True),
        sa.Column("webhook_events", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name="fk_crawls_org_id_organizations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_crawls"),
    )
    op.create_index("ix_crawls_org_id_completed_at", "crawls", ["org_id", "completed_at"])
    op.create_index("ix_crawls_expires_at", "crawls", ["expires_at"])


def create_crawl_pages() -> None:
    op.create_table(
        "crawl_pages",
        sa.Column("crawl_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("url_key", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["crawl_id"],
            ["crawls.id"],
            name="fk_crawl_pages_crawl_id_crawls",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("crawl_id", "seq", name="pk_crawl_pages"),
    )
    op.create_index(
        "uq_crawl_pages_crawl_id_url_key", "crawl_pages", ["crawl_id", "url_key"], unique=True
    )
    op.create_index("ix_crawl_pages_crawl_id_job_id", "crawl_pages", ["crawl_id", "job_id"])


def upgrade() -> None:
    create_crawls()
    create_crawl_pages()


def downgrade() -> None:
    op.drop_table("crawl_pages")
    op.drop_table("crawls")
