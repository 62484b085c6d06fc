"""Tables of the support helpdesk; ``models`` re-exports them so that the
metadata is always complete. Column names equal the fields of ``domain.support_records``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from scrapegate.storage.sql.models import Base, table_of


class SupportCategoryRow(Base):
    __tablename__ = "support_categories"

    id: Mapped[str] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int]
    active: Mapped[bool]
    created_at: Mapped[datetime]


class SupportTicketNumberRow(Base):
    __tablename__ = "support_ticket_numbers"

    # A sequence both databases share: each insert draws the next number, never reused.
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issued_at: Mapped[datetime]


class SupportTicketRow(Base):
    __tablename__ = "support_tickets"
    __table_args__ = (
        Index("ix_support_tickets_user_id_org_id_created_at", "user_id", "org_id", "created_at"),
        Index("ix_support_tickets_status_resolved_at", "status", "resolved_at"),
        Index("ix_support_tickets_origin_ip_hash_created_at", "origin_ip_hash", "created_at"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    ticket_number: Mapped[int] = mapped_column(Integer, unique=True)
    org_id: Mapped[str | None]
    user_id: Mapped[str | None]
    category_id: Mapped[str | None]
    subject: Mapped[str] = mapped_column(Text)
    status: Mapped[str]
    priority: Mapped[str]
    source: Mapped[str]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    is_muted: Mapped[bool]
    ticket_metadata: Mapped[dict[str, Any]]
    reply_count: Mapped[int]
    satisfaction_rating: Mapped[int | None]
    satisfaction_comment: Mapped[str | None] = mapped_column(Text)
    satisfaction_at: Mapped[datetime | None]
    merged_into_id: Mapped[str | None]
    last_reply_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    origin_ip_hash: Mapped[str | None]


class SupportReplyRow(Base):
    __tablename__ = "support_replies"
    __table_args__ = (Index("ix_support_replies_ticket_id_created_at", "ticket_id", "created_at"),)

    id: Mapped[str] = mapped_column(primary_key=True)
    ticket_id: Mapped[str]
    author_id: Mapped[str | None]
    author_type: Mapped[str]
    author_name: Mapped[str | None]
    body: Mapped[str] = mapped_column(Text)
    is_internal_note: Mapped[bool]
    created_at: Mapped[datetime]


class SupportAttachmentRow(Base):
    __tablename__ = "support_attachments"
    __table_args__ = (
        Index("ix_support_attachments_ticket_id", "ticket_id"),
        Index("ix_support_attachments_reply_id", "reply_id"),
        Index("ix_support_attachments_uploader_id_created_at", "uploader_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    uploader_id: Mapped[str]
    org_id: Mapped[str]
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str]
    size_bytes: Mapped[int]
    created_at: Mapped[datetime]
    ticket_id: Mapped[str | None]
    reply_id: Mapped[str | None]


class SupportErasureRow(Base):
    __tablename__ = "support_erasures"

    ticket_ref: Mapped[str] = mapped_column(primary_key=True)
    erased_at: Mapped[datetime]
    erased_by: Mapped[str | None]


SUPPORT_CATEGORIES = table_of(SupportCategoryRow)
SUPPORT_TICKET_NUMBERS = table_of(SupportTicketNumberRow)
SUPPORT_TICKETS = table_of(SupportTicketRow)
SUPPORT_REPLIES = table_of(SupportReplyRow)
SUPPORT_ATTACHMENTS = table_of(SupportAttachmentRow)
SUPPORT_ERASURES = table_of(SupportErasureRow)
