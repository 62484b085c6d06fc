"""oauth feedback tables.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _create_oauth_tables() -> None:
    op.create_table(
        "oauth_clients",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("secret_hash", sa.String(), nullable=False),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_oauth_clients"),
    )
    op.create_table(
        "oauth_codes",
        sa.Column("code_hash", sa.String(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        _timestamp("expires_at"),
        sa.Column("code_challenge", sa.String(), nullable=True),
        sa.Column("code_challenge_method", sa.String(), nullable=True),
        _timestamp("created_at"),
        _timestamp("used_at", nullable=True),
        sa.Column("api_key_id", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("code_hash", name="pk_oauth_codes"),
    )
    op.create_index("ix_oauth_codes_expires_at", "oauth_codes", ["expires_at"])
    op.create_table(
        "oauth_grants",
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("api_key_id", sa.String(), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("client_id", "user_id", name="pk_oauth_grants"),
    )


def _create_feedback_table() -> None:
    op.create_table(
        "scrape_feedback",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("job_id", sa.String(), nullable=False),
        sa.Column("request_log_id", sa.String(), nullable=False),
        sa.Column("issue_type", sa.String(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("expected_content", sa.Text(), nullable=True),
        sa.Column("analysis_queued", sa.Boolean(), nullable=False),
        sa.Column("analysis_status", sa.String(), nullable=False),
        sa.Column("analysis", sa.JSON(), nullable=True),
        sa.Column("support_ticket_id", sa.String(), nullable=True),
        sa.Column("support_ticket_ref", sa.String(), nullable=True),
        _timestamp("created_at"),
        _timestamp("analyzed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_scrape_feedback"),
    )
    op.create_index(
        "ix_scrape_feedback_job_id_issue_type",
        "scrape_feedback",
        ["job_id", "issue_type"],
        unique=True,
    )
    op.create_index(
        "ix_scrape_feedback_org_id_created_at", "scrape_feedback", ["org_id", "created_at"]
    )


def upgrade() -> None:
    _create_oauth_tables()
    _create_feedback_table()


def downgrade() -> None:
    op.drop_index("ix_scrape_feedback_org_id_created_at", table_name="scrape_feedback")
    op.drop_index("ix_scrape_feedback_job_id_issue_type", table_name="scrape_feedback")
    op.drop_table("scrape_feedback")
    op.drop_table("oauth_grants")
    op.drop_index("ix_oauth_codes_expires_at", table_name="oauth_codes")
    op.drop_table("oauth_codes")
    op.drop_table("oauth_clients")
