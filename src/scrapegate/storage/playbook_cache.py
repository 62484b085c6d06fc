"""Each domain's newest attempts kept in memory, for the one process that records them all.

Every scrape reads its domain's recent attempts (the tier playbook) and records one more. In
embedded mode this process is the only writer, so a copy kept up to date by its own ``record``
calls answers exactly what the database would, without a query per scrape.
"""

from __future__ import annotations

from collections import Counter

from scrapegate.domain.records import DomainAttempt
from scrapegate.storage.protocols import PlaybookRepository

Key = tuple[str | None, str]  # (organization, or None for the pooled history; domain)


class RecentAttemptsCache:
    """A ``PlaybookRepository`` over another one; only for a single-writer deployment."""

    def __init__(
        self, inner: PlaybookRepository, *, depth: int = 50, max_domains: int = 10_000
    ) -> None:
        self._inner = inner
        self._depth = depth
        self._max_domains = max_domains
        self._recent: dict[Key, list[DomainAttempt]] = {}
        # Records seen per key: a load that raced one is not kept (it may lack that record).
        self._writes: Counter[Key] = Counter()

    async def record(self, attempt: DomainAttempt) -> None:
        await self._inner.record(attempt)
        for key in ((attempt.org_id, attempt.domain), (None, attempt.domain)):
            self._writes[key] += 1
            cached = self._recent.get(key)
            if cached is not None:
                cached.insert(0, attempt)
                # Stable sort: of equal times the newer record stays first, as the database's seq.
                cached.sort(key=lambda a: a.created_at, reverse=True)
                del cached[self._depth :]

    async def recent(
        self, domain: str, *, org_id: str | None, limit: int = 50
    ) -> list[DomainAttempt]:
        if limit > self._depth:
            return await self._inner.recent(domain, org_id=org_id, limit=limit)
        key = (org_id, domain)
        cached = self._recent.get(key)
        if cached is None:
            writes = self._writes[key]
            cached = await self._inner.recent(domain, org_id=org_id, limit=self._depth)
            if self._writes[key] == writes:
                self._remember(key, cached)
        return cached[:limit]

    def _remember(self, key: Key, attempts: list[DomainAttempt]) -> None:
        if len(self._recent) >= self._max_domains:
            del self._recent[next(iter(self._recent))]  # the oldest loaded domain goes first
        self._recent[key] = list(attempts)
