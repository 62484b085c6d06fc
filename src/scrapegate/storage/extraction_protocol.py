"""Repositories of extraction templates, the extraction log and organizations' LLM keys.

Each has a memory and an SQL implementation; the contract suites in
tests/contract/test_extraction_storage.py and test_llm_key_storage.py check that they agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from scrapegate.domain.extraction_records import (
    ExtractionRun,
    ExtractionTemplate,
    ExtractionTotals,
)
from scrapegate.domain.llm_key_records import LlmKey


class ExtractionTemplateRepository(Protocol):
    """Saved extraction templates, each scoped to one organization."""

    async def create(self, template: ExtractionTemplate) -> ExtractionTemplate:
        """Insert; raises ``scrapegate.errors.Conflict`` when the organization already has a
        template of this name."""
        ...

    async def get(self, org_id: str, template_id: str) -> ExtractionTemplate | None:
        """The template when it belongs to ``org_id``, else None."""
        ...

    async def list_for_org(self, org_id: str) -> list[ExtractionTemplate]:
        """By name, then id."""
        ...

    async def count_for_org(self, org_id: str) -> int: ...
    async def delete(self, org_id: str, template_id: str) -> bool:
        """False when no template of ``org_id`` has this id."""
        ...


class ExtractionRunRepository(Protocol):
    """The extraction log: one row per extraction call, read by the extraction usage routes.
    Windows are half-open, [since, until); a None bound is open."""

    async def append(self, run: ExtractionRun) -> None: ...
    async def page(
        self,
        org_id: str,
        since: datetime | None,
        until: datetime | None,
        *,
        offset: int,
        limit: int,
    ) -> list[ExtractionRun]:
        """Newest first (``created_at`` then ``id`` descending)."""
        ...

    async def count(self, org_id: str, since: datetime | None, until: datetime | None) -> int: ...
    async def totals(self, org_id: str, since: datetime, until: datetime) -> ExtractionTotals:
        """Sums of the window; ``by_provider`` covers runs with a provider, by provider name."""
        ...


class LlmKeyRepository(Protocol):
    """Organizations' own LLM keys (BYOK); a soft-deleted key is gone for every read."""

    async def create(self, key: LlmKey) -> LlmKey:
        """Insert; raises ``scrapegate.errors.Conflict`` when the organization already has an
        active key for this provider (and ``base_url``)."""
        ...

    async def get(self, org_id: str, key_id: str) -> LlmKey | None:
        """The active key when it belongs to ``org_id``, else None."""
        ...

    async def list_active(self, org_id: str) -> list[LlmKey]:
        """Newest first (``created_at`` then ``id`` descending)."""
        ...

    async def save(self, key: LlmKey) -> bool:
        """Overwrite the active key of ``key.org_id`` with this id; False when there is none."""
        ...

    async def soft_delete(self, org_id: str, key_id: str, at: datetime) -> bool:
        """False when no active key of ``org_id`` has this id."""
        ...

    async def mark_used(self, key_id: str, at: datetime) -> None: ...
