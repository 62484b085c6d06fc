"""Periodic work: retention purges and the stall reaper.

Embedded, the worker pool runs it on a timer; with Redis it is an arq cron job, which arq runs
once per tick across all worker processes.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from scrapegate.domain.records import Job, utcnow
from scrapegate.storage.protocols import Storage
from scrapegate.storage.retention import Purge

log = logging.getLogger(__name__)

Requeue = Callable[[str], Awaitable[None]]
Replay = Callable[[datetime], Awaitable[int]]


class Housekeeping:
    def __init__(
        self,
        storage: Storage,
        *,
        tombstone_ttl_s: int,
        purges: Sequence[Purge] = (),
        requeue: Requeue | None = None,
        stale_pending_s: float = 120.0,
        replay: Replay | None = None,
        replay_after_s: float = 30.0,
    ) -> None:
        self._storage = storage
        self._tombstone_ttl_s = tombstone_ttl_s
        self._purges = tuple(purges)  # other stores with retention (artifacts, batches, ...)
        self._requeue = requeue
        self._stale_pending = timedelta(seconds=stale_pending_s)
        self._replay = replay
        self._replay_after = timedelta(seconds=replay_after_s)
        # When each reaped job was queued again; an hour of them feeds GET /api/v1/health/jobs.
        self._reaped_at: deque[datetime] = deque()

    async def run_once(self) -> None:
        now = utcnow()
        for step in (self._expire, self._purge_all, self._reap, self._replay_effects):
            try:
                await step(now)
            except Exception:
                log.exception("housekeeping step %s failed", step.__name__)

    def add_purge(self, purge: Purge) -> None:
        """A step of a service built after housekeeping (crawls repair their orphan pages)."""
        self._purges = (*self._purges, purge)

    async def _expire(self, now: datetime) -> None:
        await self._storage.jobs.expire(now, self._tombstone_ttl_s)
        await self._storage.cache.purge(now)

    async def _purge_all(self, now: datetime) -> None:
        for purge in self._purges:
            await purge(now)

    async def _reap(self, now: datetime) -> None:
        """Queue again what no live worker holds: lapsed leases (the worker died) and jobs
        pending for long (their queue entry may have been lost with a Redis restart)."""
        if self._requeue is None:
            return
        reaped = 0
        for job in await self._storage.jobs.list_unfinished():
            if not self.is_stalled(job, now):
                continue
            await self._requeue(job.id)
            if job.status == "running":  # a long-pending job put again is only a safety net
                self._reaped_at.append(now)
                reaped += 1
        self._forget_reaped_before(now - timedelta(hours=1))
        if reaped:
            log.info("stall reaper took back %d job(s) from lost workers", reaped)

    async def _replay_effects(self, now: datetime) -> None:
        """Jobs that ended but whose worker died before their effects all ran."""
        if self._replay is not None:
            replayed = await self._replay(now - self._replay_after)
            if replayed:
                log.info("replayed the effects of %d ended job(s)", replayed)

    def reaped_since(self, since: datetime) -> int:
        """How many stalled jobs this process queued again since ``since`` (within the hour)."""
        return sum(1 for moment in self._reaped_at if moment >= since)

    def _forget_reaped_before(self, cutoff: datetime) -> None:
        while self._reaped_at and self._reaped_at[0] < cutoff:
            self._reaped_at.popleft()

    def is_stalled(self, job: Job, now: datetime) -> bool:
        if job.status == "running":
            return job.lease_until is None or job.lease_until <= now
        return job.status == "pending" and now - job.created_at > self._stale_pending
