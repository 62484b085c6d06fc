"""Knowledge base, notifications and support e-mail preferences.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def create_kb_tables() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_kb_articles"),
        sa.UniqueConstraint("slug", name="uq_kb_articles_slug"),
    )
    op.create_index("ix_kb_articles_created_at", "kb_articles", ["created_at"])
    op.create_table(
        "kb_votes",
        sa.Column("article_id", sa.String(), nullable=False),
        sa.Column("voter", sa.String(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "voter", name="pk_kb_votes"),
    )


def create_notification_tables() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("org_id", sa.String(), nullable=True),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.Column("dedupe_key", sa.String(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.UniqueConstraint("dedupe_key", name="uq_notifications_dedupe_key"),
    )
    op.create_index(
        "ix_notifications_user_id_created_at", "notifications", ["user_id", "created_at"]
    )
    op.create_index("ix_notifications_org_id_created_at", "notifications", ["org_id", "created_at"])
    op.create_index("ix_notifications_created_at", "notifications", ["created_at"])
    op.create_table(
        "notification_receipts",
        sa.Column("notification_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("read_at", TIMESTAMP, nullable=True),
        sa.Column("dismissed_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("notification_id", "user_id", name="pk_notification_receipts"),
    )
    op.create_table(
        "support_preferences",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("email_admin_reply", sa.Boolean(), nullable=False),
        sa.Column("email_status_change", sa.Boolean(), nullable=False),
        sa.Column("email_resolved", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("user_id", name="pk_support_preferences"),
    )


def upgrade() -> None:
    create_kb_tables()
    create_notification_tables()


def downgrade() -> None:
    op.drop_table("support_preferences")
    op.drop_table("notification_receipts")
    op.drop_index("ix_notifications_created_at", table_name="notifications")
    op.drop_index("ix_notifications_org_id_created_at", table_name="notifications")
    op.drop_index("ix_notifications_user_id_created_at", table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("kb_votes")
    op.drop_index("ix_kb_articles_created_at", table_name="kb_articles")
    op.drop_table("kb_articles")
