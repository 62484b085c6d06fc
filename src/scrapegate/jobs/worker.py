"""The in-process worker pool: bounded concurrency, per-organization limits, restart recovery."""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from scrapegate.jobs.dispatch import JobDispatcher
from scrapegate.jobs.housekeeping import Housekeeping
from scrapegate.jobs.queue import InMemoryJobQueue
from scrapegate.storage.protocols import Storage

log = logging.getLogger(__name__)
STOP_TIMEOUT_S = 10.0


def worker_identity(tag: object) -> str:
    """Who holds a job's lease: host, process and the holder object."""
    return f"{socket.gethostname()}:{os.getpid()}:{id(tag):x}"


class WorkerPool:
    """Embedded mode: ``size`` tasks take job ids from the in-process queue."""

    def __init__(
        self,
        queue: InMemoryJobQueue,
        dispatcher: JobDispatcher,
        housekeeping: Housekeeping,
        storage: Storage,
        *,
        size: int,
        purge_interval_s: float = 60.0,
    ) -> None:
        self._queue = queue
        self._dispatcher = dispatcher
        self._housekeeping = housekeeping
        self._storage = storage
        self._size = size
        self._purge_interval_s = purge_interval_s
        self._tasks: list[asyncio.Task[None]] = []
        self._delayed: set[asyncio.Task[None]] = set()  # requeues waiting for their moment

    @property
    def owner(self) -> str:
        return self._dispatcher.owner

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
        # Bounded: on 3.11 a wait_for deep in a job can swallow the cancellation.
        _, stuck = (
            await asyncio.wait(self._tasks, timeout=STOP_TIMEOUT_S) if self._tasks else ((), ())
        )
        if stuck:
            log.warning("%d worker task(s) did not stop in time", len(stuck))
        self._tasks = []

    async def _work(self) -> None:
        while True:
            job_id = await self._queue.get()
            try:
                await self._run_one(job_id)
            except Exception:
                log.exception("worker failed on job %s", job_id)

    async def _run_one(self, job_id: str) -> None:
        wait = await self._dispatcher.dispatch(job_id)
        if wait is not None:
            self._requeue_later(job_id, wait)

    def _requeue_later(self, job_id: str, delay: float) -> None:
        async def later() -> None:
            await asyncio.sleep(max(delay, 0.0))
            await self._queue.put(job_id)

        task = asyncio.create_task(later())
        self._delayed.add(task)
        task.add_done_callback(self._delayed.discard)

    async def _purge_loop(self) -> None:
        while True:
            await self._housekeeping.run_once()
            await asyncio.sleep(self._purge_interval_s)
