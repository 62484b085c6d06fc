"""Batches in memory."""

from __future__ import annotations

from datetime import datetime

from scrapegate.domain.records import Batch
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.memory.state import MemoryState, detached


class MemoryBatchRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def create(self, batch: Batch) -> Batch:
        self._state.require_organization(batch.org_id)
        if batch.id in self._state.batches:
            raise Conflict(f"batch {batch.id} already exists")
        self._state.batches[batch.id] = detached(batch)
        return batch

    async def get(self, batch_id: str) -> Batch | None:
        return detached(self._state.batches.get(batch_id))

    async def save(self, batch: Batch) -> None:
        if batch.id not in self._state.batches:
            raise NotFound(f"batch {batch.id} does not exist")
        self._state.batches[batch.id] = detached(batch)

    async def finish(self, batch_id: str, at: datetime, expires_at: datetime) -> bool:
        async with self._state.jobs_lock:
            stored = self._state.batches.get(batch_id)
            if stored is None or stored.completed_at is not None:
                return False
            stored.completed_at, stored.expires_at = at, expires_at
            return True

    async def count_unfinished(self, org_id: str) -> int:
        return sum(
            1 for b in self._state.batches.values() if b.org_id == org_id and b.completed_at is None
        )

    async def purge(self, now: datetime) -> int:
        gone = [
            k
            for k, b in self._state.batches.items()
            if b.expires_at is not None and b.expires_at <= now
        ]
        for key in gone:
            del self._state.batches[key]
        return len(gone)
