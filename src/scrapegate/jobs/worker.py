"""The in-process worker pool: bounded concurrency, per-organization limits, restart recovery."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from scrapegate.domain.records import utcnow
from scrapegate.jobs.queue import JobQueue
from scrapegate.jobs.runner import JobRunner
from scrapegate.storage.protocols import Storage

log = logging.getLogger(__name__)

ConcurrencyLimit = Callable[[str], int]


class WorkerPool:
    def __init__(
        self,
        storage: Storage,
        queue: JobQueue,
        runner: JobRunner,
        *,
        size: int,
        org_limit: ConcurrencyLimit,
        purge_interval_s: float = 60.0,
        tombstone_ttl_s: int = 7 * 86_400,
        extra_purges: Sequence[Callable[[datetime], Awaitable[int]]] = (),
        queue_timeout_s: float = 600.0,
    ) -> None:
        self._storage = storage
        self._queue = queue
        self._runner = runner
        self._size = size
        self._org_limit = org_limit
        self._purge_interval_s = purge_interval_s
        self._tombstone_ttl_s = tombstone_ttl_s
        self._queue_timeout_s = queue_timeout_s
        self._extra_purges = tuple(extra_purges)  # other stores with retention (artifacts)
        self._running: dict[str, int] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._delayed: set[asyncio.Task[None]] = set()  # requeues waiting for their moment
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    def running_for(self, org_id: str) -> int:
        return self._running.get(org_id, 0)

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self._size)]
        self._tasks.append(asyncio.create_task(self._purge_loop()))
        await self.resume()

    async def resume(self) -> None:
        """Queue every unfinished job again: accepted work survives a restart."""
        for job in await self._storage.jobs.list_unfinished():
            await self._queue.put(job.id)

    async def stop(self) -> None:
        self._tasks.extend(self._delayed)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _work(self) -> None:
        while True:
            job_id = await self._queue.get()
            try:
                await self._run_one(job_id)
            except Exception:
                log.exception("worker failed on job %s", job_id)

    async def _run_one(self, job_id: str) -> None:
        job = await self._storage.jobs.get(job_id)
        if job is None or job.terminal:
            return
        waited = (utcnow() - job.created_at).total_seconds()
        if job.status == "pending" and waited > self._queue_timeout_s:
            await self._runner.time_out_in_queue(job)
            return
        if job.status == "running" and job.lease_until and job.lease_until > utcnow():
            # Held by a lease, perhaps of a process that died: look again when it lapses.
            self._requeue_later(job_id, (job.lease_until - utcnow()).total_seconds() + 0.1)
            return
        if self.running_for(job.org_id) >= self._org_limit(job.org_id):
            self._requeue_later(job_id, 0.05)
            return
        self._running[job.org_id] = self.running_for(job.org_id) + 1
        try:
            await self._runner.run(job_id, self.owner)
        finally:
            self._running[job.org_id] -= 1

    def _requeue_later(self, job_id: str, delay: float) -> None:
        async def later() -> None:
            await asyncio.sleep(max(delay, 0.0))
            await self._queue.put(job_id)

        task = asyncio.create_task(later())
        self._delayed.add(task)
        task.add_done_callback(self._delayed.discard)

    async def _purge_loop(self) -> None:
        while True:
            try:
                now = utcnow()
                await self._storage.jobs.expire(now, self._tombstone_ttl_s)
                await self._storage.cache.purge(now)
                for purge in self._extra_purges:
                    await purge(now)
            except Exception:
                log.exception("purge failed")
            await asyncio.sleep(self._purge_interval_s)
