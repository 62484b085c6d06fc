"""The table of organizations' own LLM keys; ``models`` re-exports it so that the metadata is
complete."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from scrapegate.storage.sql.models import Base, table_of


class LlmKeyRow(Base):
    __tablename__ = "llm_keys"
    # Listing an organization's keys and the one-active-key-per-provider check read this index.
    __table_args__ = (Index("ix_llm_keys_org_id_provider", "org_id", "provider"),)

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str]
    user_id: Mapped[str]
    provider: Mapped[str]
    sealed_key: Mapped[str] = mapped_column(Text)
    key_hint: Mapped[str]
    key_alias: Mapped[str | None] = mapped_column(Text)
    model_override: Mapped[str | None] = mapped_column(Text)
    base_url: Mapped[str | None] = mapped_column(Text)
    is_valid: Mapped[bool | None]
    last_validated_at: Mapped[datetime | None]
    validation_error: Mapped[str | None] = mapped_column(Text)
    last_used_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]


LLM_KEYS = table_of(LlmKeyRow)
