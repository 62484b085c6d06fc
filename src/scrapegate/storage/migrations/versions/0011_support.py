"""support tables: categories, tickets, replies, attachments, erasures.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (slug, name, description): the categories a new server offers, in display order.
DEFAULT_CATEGORIES = (
    ("general", "General", "Questions that fit nowhere else."),
    ("billing", "Billing", "Balance, invoices and pricing."),
    ("technical", "Technical", "Scrapes, crawls and API behaviour."),
    ("bug-report", "Bug report", "Something does not work as documented."),
    ("feature-request", "Feature request", "Ideas for scrapegate."),
    ("account", "Account", "Sign-in, keys and organizations."),
)


def text(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def long_text(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def create_categories() -> None:
    categories = op.create_table(
        "support_categories",
        text("id"),
        text("slug"),
        text("name"),
        long_text("description", nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_support_categories"),
        sa.UniqueConstraint("slug", name="uq_support_categories_slug"),
    )
    now = datetime.now(UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "slug": slug,
            "name": name,
            "description": description,
            "sort_order": (index + 1) * 10,
            "active": True,
            "created_at": now,
        }
        for index, (slug, name, description) in enumerate(DEFAULT_CATEGORIES)
    ]
    op.bulk_insert(categories, rows)


def create_tickets() -> None:
    op.create_table(
        "support_ticket_numbers",
        sa.Column("number", sa.Integer(), autoincrement=True, nullable=False),
        timestamp("issued_at"),
        sa.PrimaryKeyConstraint("number", name="pk_support_ticket_numbers"),
    )
    op.create_table(
        "support_tickets",
        text("id"),
        sa.Column("ticket_number", sa.Integer(), nullable=False),
        text("org_id", nullable=True),
        text("user_id", nullable=True),
        text("category_id", nullable=True),
        long_text("subject"),
        text("status"),
        text("priority"),
        text("source"),
        timestamp("created_at"),
        timestamp("updated_at"),
        sa.Column("is_muted", sa.Boolean(), nullable=False),
        sa.Column("ticket_metadata", sa.JSON(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("satisfaction_rating", sa.Integer(), nullable=True),
        long_text("satisfaction_comment", nullable=True),
        timestamp("satisfaction_at", nullable=True),
        text("merged_into_id", nullable=True),
        timestamp("last_reply_at", nullable=True),
        timestamp("resolved_at", nullable=True),
        timestamp("closed_at", nullable=True),
        text("origin_ip_hash", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_support_tickets"),
        sa.UniqueConstraint("ticket_number", name="uq_support_tickets_ticket_number"),
    )
    op.create_index(
        "ix_support_tickets_user_id_org_id_created_at",
        "support_tickets",
        ["user_id", "org_id", "created_at"],
    )
    op.create_index(
        "ix_support_tickets_status_resolved_at", "support_tickets", ["status", "resolved_at"]
    )
    op.create_index(
        "ix_support_tickets_origin_ip_hash_created_at",
        "support_tickets",
        ["origin_ip_hash", "created_at"],
    )


def create_replies_and_files() -> None:
    op.create_table(
        "support_replies",
        text("id"),
        text("ticket_id"),
        text("author_id", nullable=True),
        text("author_type"),
        text("author_name", nullable=True),
        long_text("body"),
        sa.Column("is_internal_note", sa.Boolean(), nullable=False),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_support_replies"),
    )
    op.create_index(
        "ix_support_replies_ticket_id_created_at", "support_replies", ["ticket_id", "created_at"]
    )
    op.create_table(
        "support_attachments",
        text("id"),
        text("uploader_id"),
        text("org_id"),
        long_text("filename"),
        text("content_type"),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        timestamp("created_at"),
        text("ticket_id", nullable=True),
        text("reply_id", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_support_attachments"),
    )
    op.create_index("ix_support_attachments_ticket_id", "support_attachments", ["ticket_id"])
    op.create_index("ix_support_attachments_reply_id", "support_attachments", ["reply_id"])
    op.create_index(
        "ix_support_attachments_uploader_id_created_at",
        "support_attachments",
        ["uploader_id", "created_at"],
    )
    op.create_table(
        "support_erasures",
        text("ticket_ref"),
        timestamp("erased_at"),
        text("erased_by", nullable=True),
        sa.PrimaryKeyConstraint("ticket_ref", name="pk_support_erasures"),
    )


def upgrade() -> None:
    create_categories()
    create_tickets()
    create_replies_and_files()


def downgrade() -> None:
    op.drop_table("support_erasures")
    for index in (
        "ix_support_attachments_uploader_id_created_at",
        "ix_support_attachments_reply_id",
        "ix_support_attachments_ticket_id",
    ):
        op.drop_index(index, table_name="support_attachments")
    op.drop_table("support_attachments")
    op.drop_index("ix_support_replies_ticket_id_created_at", table_name="support_replies")
    op.drop_table("support_replies")
    for index in (
        "ix_support_tickets_origin_ip_hash_created_at",
        "ix_support_tickets_status_resolved_at",
        "ix_support_tickets_user_id_org_id_created_at",
    ):
        op.drop_index(index, table_name="support_tickets")
    op.drop_table("support_tickets")
    op.drop_table("support_ticket_numbers")
    op.drop_table("support_categories")
