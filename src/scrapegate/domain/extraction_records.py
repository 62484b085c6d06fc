"""Saved extraction templates and the extraction log (one row per extraction call)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.records import utcnow

ExtractionMode = Literal["algorithmic", "byok", "server"]
ExtractionSource = Literal["extract", "scrape"]
ExtractionStatus = Literal["success", "error"]


@dataclass(frozen=True)
class ExtractionTemplate:
    """An organization's saved extraction schema (JSON Schema or shorthand), unique by name."""

    id: str
    org_id: str
    name: str
    schema: JsonObject
    description: str | None = None
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class ExtractionRun:
    """One extraction, as its usage history shows it; token fields stay None without an LLM."""

    id: str
    org_id: str
    source: ExtractionSource
    content_type: str
    content_size_chars: int
    mode: ExtractionMode
    cost_microcents: int
    cached: bool
    latency_ms: int
    status: ExtractionStatus
    created_at: datetime = field(default_factory=utcnow)
    user_id: str | None = None
    source_url: str | None = None
    provider: str | None = None
    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    error_code: str | None = None


@dataclass(frozen=True)
class ProviderTotals:
    provider: str
    requests: int
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class ExtractionTotals:
    """Sums over an organization's extraction runs in a window."""

    requests: int = 0
    cost_microcents: int = 0
    cached: int = 0
    llm: int = 0  # runs whose mode is not algorithmic
    algorithmic: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    by_provider: tuple[ProviderTotals, ...] = ()
