"""Organizations' own LLM keys in memory."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from scrapegate.domain.llm_key_records import LlmKey
from scrapegate.errors import Conflict
from scrapegate.storage.memory.state import detached

TAKEN = "An active key for this provider already exists"


def same_slot(a: LlmKey, b: LlmKey) -> bool:
    """One active key per provider of an organization (per ``base_url`` for custom endpoints)."""
    return (a.org_id, a.provider, a.base_url) == (b.org_id, b.provider, b.base_url)


class MemoryLlmKeyRepository:
    def __init__(self) -> None:
        self._keys: dict[str, LlmKey] = {}

    def _active(self, org_id: str, key_id: str) -> LlmKey | None:
        found = self._keys.get(key_id)
        if found is None or found.org_id != org_id or found.deleted_at is not None:
            return None
        return found

    async def create(self, key: LlmKey) -> LlmKey:
        taken = any(k.deleted_at is None and same_slot(k, key) for k in self._keys.values())
        if taken or key.id in self._keys:
            raise Conflict(TAKEN)
        self._keys[key.id] = detached(key)
        return detached(key)

    async def get(self, org_id: str, key_id: str) -> LlmKey | None:
        return detached(self._active(org_id, key_id))

    async def list_active(self, org_id: str) -> list[LlmKey]:
        mine = [k for k in self._keys.values() if k.org_id == org_id and k.deleted_at is None]
        return detached(sorted(mine, key=lambda k: (k.created_at, k.id), reverse=True))

    async def save(self, key: LlmKey) -> bool:
        if self._active(key.org_id, key.id) is None:
            return False
        self._keys[key.id] = detached(replace(key, deleted_at=None))
        return True

    async def soft_delete(self, org_id: str, key_id: str, at: datetime) -> bool:
        found = self._active(org_id, key_id)
        if found is None:
            return False
        self._keys[key_id] = replace(found, deleted_at=at, updated_at=at)
        return True

    async def mark_used(self, key_id: str, at: datetime) -> None:
        found = self._keys.get(key_id)
        if found is not None:
            self._keys[key_id] = replace(found, last_used_at=at)
