"""A user's own LLM key (BYOK) as stored: the key itself only sealed, never in clear."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scrapegate.domain.records import utcnow


@dataclass(frozen=True)
class LlmKey:
    """One provider key of an organization; ``sealed_key`` is the AES-GCM sealed raw key."""

    id: str
    org_id: str
    user_id: str  # who registered it
    provider: str
    sealed_key: str
    key_hint: str
    key_alias: str | None = None
    model_override: str | None = None
    base_url: str | None = None
    is_valid: bool | None = None  # None: not validated yet (provider unreachable)
    last_validated_at: datetime | None = None
    validation_error: str | None = None
    last_used_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    deleted_at: datetime | None = None
