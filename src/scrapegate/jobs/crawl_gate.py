"""Per-crawl concurrency and per-host politeness for crawl pages.

The worker asks the gate before running a crawl page. A page over its crawl's
``max_concurrency``, or one whose host was asked too recently, waits and is tried again.
Both the slot counter and the host clock sit behind protocols, so that several worker
processes can share them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

from scrapegate.domain.job_origin import CrawlPageLimits
from scrapegate.domain.records import Job
from scrapegate.metering.concurrency import ConcurrencyTracker

SLOT_RETRY_S = 0.05


class HostPacer(Protocol):
    async def reserve(self, host: str, interval_s: float) -> float:
        """Book the next request to ``host``: 0 when it may go now, else seconds to wait."""
        ...


class InMemoryHostPacer:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._next: dict[str, float] = {}

    async def reserve(self, host: str, interval_s: float) -> float:
        now = self._clock()
        ready = self._next.get(host, 0.0)
        if ready > now:
            return ready - now
        self._next[host] = now + interval_s
        if len(self._next) > 10_000:
            self._next = {h: t for h, t in self._next.items() if t > now}
        return 0.0


def crawl_limits(job: Job) -> tuple[str, int, float] | None:
    """(crawl id, max concurrency, host interval) of a crawl page; None for other jobs."""
    crawl_id = job.origin.crawl_id
    if not crawl_id:
        return None
    limits = job.origin.crawl_limits or CrawlPageLimits()
    return crawl_id, limits.max_concurrency, limits.host_interval_s


class CrawlGate:
    def __init__(self, pacer: HostPacer, slots: ConcurrencyTracker, floor_s: float) -> None:
        self._pacer = pacer
        self._slots = slots
        self._floor_s = floor_s

    async def admit(self, job: Job) -> float:
        """0 when the page may run now (its slot is then held), else seconds to wait."""
        limits = crawl_limits(job)
        if limits is None:
            return 0.0
        crawl_id, max_concurrency, host_s = limits
        if not await self._slots.try_acquire(_slot_key(crawl_id), job.id, max_concurrency):
            return SLOT_RETRY_S
        host = (urlsplit(str(job.request.get("url", ""))).hostname or "").lower()
        wait = await self._pacer.reserve(host, max(host_s, self._floor_s))
        if wait > 0:
            await self._slots.release(_slot_key(crawl_id), job.id)
        return wait

    async def refresh(self, job: Job) -> None:
        limits = crawl_limits(job)
        if limits is not None:
            await self._slots.acquire(_slot_key(limits[0]), job.id)

    async def release(self, job: Job) -> None:
        limits = crawl_limits(job)
        if limits is not None:
            await self._slots.release(_slot_key(limits[0]), job.id)


def _slot_key(crawl_id: str) -> str:
    return f"crawl:{crawl_id}"
