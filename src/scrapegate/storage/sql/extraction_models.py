"""Tables of structured extraction (saved templates, the extraction log); ``models``
re-exports them so that the metadata is complete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scrapegate.storage.sql.models import Base, table_of


class ExtractionTemplateRow(Base):
    __tablename__ = "extraction_templates"
    # The unique pair is the one-name-per-organization rule; it also serves listing by name.
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str]
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    schema: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class ExtractionRunRow(Base):
    __tablename__ = "extraction_runs"
    __table_args__ = (Index("ix_extraction_runs_org_id_created_at", "org_id", "created_at"),)

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str]
    user_id: Mapped[str | None]
    source: Mapped[str]
    source_url: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str]
    content_size_chars: Mapped[int] = mapped_column(BigInteger)
    mode: Mapped[str]
    provider: Mapped[str | None]
    model: Mapped[str | None] = mapped_column(Text)
    input_tokens: Mapped[int | None] = mapped_column(BigInteger)
    output_tokens: Mapped[int | None] = mapped_column(BigInteger)
    cost_microcents: Mapped[int] = mapped_column(BigInteger)
    cached: Mapped[bool]
    latency_ms: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str]
    error_code: Mapped[str | None]
    created_at: Mapped[datetime]


EXTRACTION_TEMPLATES = table_of(ExtractionTemplateRow)
EXTRACTION_RUNS = table_of(ExtractionRunRow)
