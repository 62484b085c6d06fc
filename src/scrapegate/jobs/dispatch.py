"""What a worker does with one queued job id: run it now, try it later, or drop it.

Shared by the in-process worker pool and the Redis (arq) worker, so both apply the same rules:
queue timeout, leases held by another worker, the organization's concurrency, and the crawl
gate (per-crawl concurrency, per-host politeness).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from scrapegate.domain.records import Job, utcnow
from scrapegate.jobs.crawl_gate import CrawlGate
from scrapegate.jobs.runner import JobRunner
from scrapegate.metering.concurrency import ConcurrencyTracker
from scrapegate.storage.protocols import Storage

ORG_RETRY_S = 0.05
# Runs a job may start; a job still unfinished after that many lost its worker each time.
MAX_RUNS = 5
LEASE_MARGIN_S = 0.1
# Pending jobs told to wait (slots, politeness), kept for their next try; oldest dropped beyond.
MAX_DEFERRED = 10_000

ConcurrencyLimit = Callable[[str], int]


class JobDispatcher:
    def __init__(
        self,
        storage: Storage,
        runner: JobRunner,
        *,
        org_limit: ConcurrencyLimit,
        slots: ConcurrencyTracker,
        gate: CrawlGate | None,
        queue_timeout_s: float,
        owner: str,
        slot_refresh_s: float = 10.0,
        max_runs: int = MAX_RUNS,
    ) -> None:
        self._storage = storage
        self._runner = runner
        self._org_limit = org_limit
        self.slots = slots
        self._gate = gate
        self._queue_timeout_s = queue_timeout_s
        self.owner = owner
        self._refresh_s = slot_refresh_s
        self._max_runs = max_runs
        self._deferred: dict[str, Job] = {}

    async def dispatch(self, job_id: str) -> float | None:
        """Run the job if it may run now; else seconds until it should be tried again.
        None when nothing more is to be done with this id."""
        job = await self._job(job_id)
        wait = await self._dispatch(job)
        if wait is not None and job is not None and job.status == "pending":
            self._defer(job)
        return wait

    async def _job(self, job_id: str) -> Job | None:
        """A job deferred here is read again only when it may have timed out in the queue:
        its claim is atomic, so a stale copy can never run a job that ended meanwhile."""
        job = self._deferred.pop(job_id, None)
        if job is None or (utcnow() - job.created_at).total_seconds() > self._queue_timeout_s:
            return await self._storage.jobs.get(job_id)
        return job

    def _defer(self, job: Job) -> None:
        self._deferred[job.id] = job
        if len(self._deferred) > MAX_DEFERRED:
            del self._deferred[next(iter(self._deferred))]

    async def _dispatch(self, job: Job | None) -> float | None:
        if job is None or job.terminal:
            return None
        waited = (utcnow() - job.created_at).total_seconds()
        if job.status == "pending" and waited > self._queue_timeout_s:
            await self._runner.time_out_in_queue(job)
            return None
        if job.status == "running" and job.lease_until and job.lease_until > utcnow():
            # Held by a lease, perhaps of a worker that died: look again when it lapses.
            return (job.lease_until - utcnow()).total_seconds() + LEASE_MARGIN_S
        if job.run_count >= self._max_runs:
            await self._runner.give_up(job)  # every earlier run lost its worker
            return None
        if not await self.slots.try_acquire(job.org_id, job.id, self._org_limit(job.org_id)):
            return ORG_RETRY_S
        try:
            wait = await self._gate.admit(job) if self._gate is not None else 0.0
            if wait > 0:
                return wait
            keeper = asyncio.create_task(self._keep_slots(job))
            try:
                await self._runner.run(job.id, self.owner)
            finally:
                keeper.cancel()
                if self._gate is not None:
                    await self._gate.release(job)
            return None
        finally:
            await self.slots.release(job.org_id, job.id)

    async def _keep_slots(self, job: Job) -> None:
        """Shared slots expire unless renewed, so a killed worker cannot hold them for long."""
        while True:
            await asyncio.sleep(self._refresh_s)
            with contextlib.suppress(Exception):
                await self.slots.acquire(job.org_id, job.id)
                if self._gate is not None:
                    await self._gate.refresh(job)
