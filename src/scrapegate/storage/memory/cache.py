"""The response cache in memory."""

from __future__ import annotations

from datetime import datetime

from scrapegate.domain.records import CacheEntry
from scrapegate.storage.memory.state import MemoryState, detached


class MemoryCacheRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def get(self, key: str, now: datetime) -> CacheEntry | None:
        entry = self._state.cache.get(key)
        if entry is None or entry.expires_at <= now:
            return None
        return detached(entry)

    async def put(self, entry: CacheEntry) -> None:
        self._state.cache[entry.key] = detached(entry)

    async def purge(self, now: datetime) -> int:
        stale = [key for key, entry in self._state.cache.items() if entry.expires_at <= now]
        for key in stale:
            del self._state.cache[key]
        return len(stale)
