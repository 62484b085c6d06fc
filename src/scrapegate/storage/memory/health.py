"""Health samples of the public status page in memory."""

from __future__ import annotations

from datetime import datetime

from scrapegate.domain.records import HealthSample
from scrapegate.storage.memory.state import detached


class MemoryHealthSampleRepository:
    def __init__(self) -> None:
        self._samples: list[HealthSample] = []

    async def add(self, sample: HealthSample) -> None:
        self._samples.append(detached(sample))

    async def latest(self) -> HealthSample | None:
        if not self._samples:
            return None
        return detached(max(self._samples, key=lambda sample: sample.taken_at))

    async def uptime(self, since: datetime) -> tuple[int, int]:
        window = [sample for sample in self._samples if sample.taken_at >= since]
        return len(window), sum(1 for sample in window if sample.core_operational)

    async def purge(self, older_than: datetime) -> int:
        kept = [sample for sample in self._samples if sample.taken_at >= older_than]
        purged = len(self._samples) - len(kept)
        self._samples = kept
        return purged
