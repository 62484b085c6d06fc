"""Request log columns of the published request-log fields and analytics indexes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NULLABLE_STRINGS = (
    "user_id",
    "endpoint_type",
    "proxy_country",
    "crawl_id",
    "batch_id",
    "schedule_id",
    "monitor_id",
)
INDEXES = {
    "ix_usage_log_org_id_kind_created_at_crawl_id": ["org_id", "kind", "created_at", "crawl_id"],
    "ix_usage_log_org_id_domain_created_at": ["org_id", "domain", "created_at"],
    "ix_usage_log_org_id_job_id": ["org_id", "job_id"],
    "ix_usage_log_org_id_crawl_id": ["org_id", "crawl_id"],
}


def upgrade() -> None:
    # batch_alter_table: SQLite cannot add NOT NULL columns in place everywhere; a no-op on PG.
    with op.batch_alter_table("usage_log") as batch:
        for name in NULLABLE_STRINGS:
            batch.add_column(sa.Column(name, sa.String(), nullable=True))
        # Server defaults only fill rows written before this revision.
        batch.add_column(
            sa.Column("status", sa.String(), nullable=False, server_default="completed")
        )
        batch.add_column(sa.Column("target_status_code", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("tiers_attempted", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(sa.Column("source_client", sa.Text(), nullable=True))
        batch.add_column(sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    for name, columns in INDEXES.items():
        op.create_index(name, "usage_log", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="usage_log")
    with op.batch_alter_table("usage_log") as batch:
        for name in (
            *NULLABLE_STRINGS,
            "status",
            "target_status_code",
            "tiers_attempted",
            "source_client",
            "completed_at",
        ):
            batch.drop_column(name)
