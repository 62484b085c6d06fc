"""Analytics beacon events, announcements, e-mail unsubscribes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_events",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("visitor_id", sa.String(), nullable=True),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("props", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_analytics_events"),
    )
    op.create_index("ix_analytics_events_name_ts", "analytics_events", ["name", "ts"])
    op.create_index("ix_analytics_events_visitor_id_ts", "analytics_events", ["visitor_id", "ts"])
    op.create_table(
        "announcements",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("cta", sa.String(), nullable=True),
        sa.Column("cta_url", sa.Text(), nullable=True),
        sa.Column("style", sa.String(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_announcements"),
    )
    op.create_index("ix_announcements_version", "announcements", ["version"], unique=True)
    op.create_table(
        "email_unsubscribes",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "type", name="pk_email_unsubscribes"),
    )


def downgrade() -> None:
    op.drop_table("email_unsubscribes")
    op.drop_index("ix_announcements_version", table_name="announcements")
    op.drop_table("announcements")
    op.drop_index("ix_analytics_events_visitor_id_ts", table_name="analytics_events")
    op.drop_index("ix_analytics_events_name_ts", table_name="analytics_events")
    op.drop_table("analytics_events")
