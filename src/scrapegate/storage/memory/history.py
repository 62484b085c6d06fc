"""The usage log and the per-domain attempt history (tier playbook) in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from scrapegate.domain.records import DomainAttempt, UsageRow, UsageSummary
from scrapegate.storage.memory.state import MemoryState, detached


class MemoryUsageRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def append(self, row: UsageRow) -> None:
        self._state.usage.append(detached(row))

    async def append_once(self, row: UsageRow) -> None:
        if not any(r.id == row.id for r in reversed(self._state.usage)):
            self._state.usage.append(detached(row))

    async def append_many(self, rows: Sequence[UsageRow]) -> None:
        known = {r.id for r in self._state.usage}  # a retried or replayed batch is written once
        for row in rows:
            if row.id not in known:
                known.add(row.id)
                self._state.usage.append(detached(row))

    async def summary(self, org_id: str, since: datetime, until: datetime) -> UsageSummary:
        rows = [
            r
            for r in self._state.usage
            if r.org_id == org_id and r.kind == "scrape" and since <= r.created_at < until
        ]
        return UsageSummary(requests=len(rows), credits=sum(r.credits for r in rows))

    async def list_for_org(self, org_id: str, *, limit: int = 100) -> list[UsageRow]:
        rows = [r for r in self._state.usage if r.org_id == org_id]
        rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return detached(rows[:limit])


class MemoryPlaybookRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def record(self, attempt: DomainAttempt) -> None:
        self._state.attempts.append(detached(attempt))

    async def recent(
        self, domain: str, *, org_id: str | None, limit: int = 50
    ) -> list[DomainAttempt]:
        numbered = [
            (a.created_at, seq, a)
            for seq, a in enumerate(self._state.attempts)
            if a.domain == domain and (org_id is None or a.org_id == org_id)
        ]
        numbered.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return detached([a for _, _, a in numbered[:limit]])
