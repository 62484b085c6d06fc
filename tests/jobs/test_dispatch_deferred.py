"""A job told to wait (politeness, slots) is not read from the database again on each try."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from scrapegate.accounts.ratelimit import InMemoryConcurrencyTracker
from scrapegate.domain.records import Job, utcnow
from scrapegate.jobs.crawl_gate import CrawlGate, InMemoryHostPacer
from scrapegate.jobs.dispatch import JobDispatcher
from scrapegate.jobs.runner import JobRunner
from scrapegate.storage.memory import create_memory_storage
from scrapegate.storage.protocols import JobRepository, Storage
from tests.jobs.test_crawl_gate import Clock, page_job


class CountingJobs:
    """The real memory repository, with its reads counted."""

    def __init__(self, inner: JobRepository) -> None:
        self._inner = inner
        self.reads: list[str] = []

    async def get(self, job_id: str) -> Job | None:
        self.reads.append(job_id)
        return await self._inner.get(job_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class ClaimingRunner:
    """Claims the job as the real runner does and records which jobs actually ran."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self.ran: list[str] = []

    async def run(self, job_id: str, owner: str) -> bool:
        job = await self._storage.jobs.claim(job_id, owner, utcnow() + timedelta(seconds=30))
        if job is None:
            return False
        self.ran.append(job_id)
        return True


async def setup(*ids: str) -> tuple[JobDispatcher, CountingJobs, ClaimingRunner, Clock, Storage]:
    storage = create_memory_storage()
    for job_id in ids:
        await storage.jobs.create(page_job(job_id, "http://one.test/", host_s=1.0))
    counting = CountingJobs(storage.jobs)
    storage.jobs = counting  # type: ignore[misc]
    clock, runner = Clock(), ClaimingRunner(storage)
    dispatcher = JobDispatcher(
        storage,
        cast(JobRunner, runner),
        org_limit=lambda _org: 10,
        slots=InMemoryConcurrencyTracker(),
        gate=CrawlGate(InMemoryHostPacer(clock), InMemoryConcurrencyTracker(), floor_s=0.0),
        queue_timeout_s=300,
        owner="w1",
    )
    return dispatcher, counting, runner, clock, storage


async def test_a_paced_job_is_read_once_however_often_it_waits() -> None:
    dispatcher, counting, runner, clock, _ = await setup("j1", "j2")
    assert await dispatcher.dispatch("j1") is None
    for _ in range(5):  # the host was just asked: j2 waits, and is tried again
        wait = await dispatcher.dispatch("j2")
        assert wait is not None and wait > 0
    clock.now += 1.0
    assert await dispatcher.dispatch("j2") is None
    assert runner.ran == ["j1", "j2"]
    assert counting.reads == ["j1", "j2"]


async def test_a_job_cancelled_while_it_waited_never_runs() -> None:
    dispatcher, _, runner, clock, storage = await setup("j1", "j2")
    assert await dispatcher.dispatch("j1") is None
    assert await dispatcher.dispatch("j2") is not None
    stored = await storage.jobs.get("j2")
    assert stored is not None
    stored.status = "cancelled"  # ended elsewhere (an API process) while deferred here
    await storage.jobs.save(stored)
    clock.now += 1.0
    assert await dispatcher.dispatch("j2") is None
    assert runner.ran == ["j1"]
