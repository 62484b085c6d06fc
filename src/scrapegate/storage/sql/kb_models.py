"""Tables of the knowledge base, notifications and support e-mail preferences; ``models``
re-exports them so that the metadata is complete."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from scrapegate.storage.sql.models import Base, table_of


class KbArticleRow(Base):
    __tablename__ = "kb_articles"
    __table_args__ = (Index("ix_kb_articles_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    slug: Mapped[str] = mapped_column(unique=True)
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None]
    tags: Mapped[list[str]] = mapped_column(JSON)
    published: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class KbVoteRow(Base):
    __tablename__ = "kb_votes"

    # The composite key is the one-vote-per-visitor rule; a new vote overwrites the row.
    article_id: Mapped[str] = mapped_column(primary_key=True)
    voter: Mapped[str] = mapped_column(primary_key=True)
    helpful: Mapped[bool]
    updated_at: Mapped[datetime]


class NotificationRow(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        Index("ix_notifications_org_id_created_at", "org_id", "created_at"),
        Index("ix_notifications_created_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    type: Mapped[str]
    severity: Mapped[str]
    title: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    org_id: Mapped[str | None]
    user_id: Mapped[str | None]
    # Unique: concurrent workers noticing the same event insert one row (NULLs never clash).
    dedupe_key: Mapped[str | None] = mapped_column(unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]


class NotificationReceiptRow(Base):
    __tablename__ = "notification_receipts"

    # Per user: an organization-wide notification dismissed by one member stays for the others.
    notification_id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(primary_key=True)
    read_at: Mapped[datetime | None]
    dismissed_at: Mapped[datetime | None]


class SupportPreferenceRow(Base):
    __tablename__ = "support_preferences"

    user_id: Mapped[str] = mapped_column(primary_key=True)
    email_admin_reply: Mapped[bool]
    email_status_change: Mapped[bool]
    email_resolved: Mapped[bool]
    updated_at: Mapped[datetime | None]


# Search objects created by migration 0014 outside these models (SQLite FTS5 table with its
# shadow tables, PostgreSQL GIN expression index); schema comparisons must skip them by name.
KB_FTS_TABLE = "kb_articles_fts"
DIALECT_SPECIFIC_OBJECTS = frozenset(
    {
        KB_FTS_TABLE,
        *(f"{KB_FTS_TABLE}_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config")),
        "ix_kb_articles_search",
    }
)

KB_ARTICLES = table_of(KbArticleRow)
KB_VOTES = table_of(KbVoteRow)
NOTIFICATIONS = table_of(NotificationRow)
NOTIFICATION_RECEIPTS = table_of(NotificationReceiptRow)
SUPPORT_PREFERENCES = table_of(SupportPreferenceRow)
