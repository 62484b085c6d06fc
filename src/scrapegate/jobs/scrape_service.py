"""Accepting scrapes: cache, coalescing, admission, the job, and the sync-or-async answer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from scrapegate.domain.job_origin import JobOrigin
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import Job, UsageRow, new_id, utcnow
from scrapegate.domain.scrape_document import CachedScrapeDocument
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.engine.domains import registrable_domain
from scrapegate.engine.estimate import CostEstimator
from scrapegate.errors import ConcurrencyLimited, JobExpired, NotFound, error_from_code
from scrapegate.jobs.cache import ResponseCache
from scrapegate.jobs.events import CompletionSignals
from scrapegate.jobs.hot import HotCache
from scrapegate.jobs.job_events import JobEventBus, JobEventPublisher
from scrapegate.jobs.queue import JobQueue
from scrapegate.metering.reservations import Reservation, admit
from scrapegate.storage.protocols import Storage

AsyncReason = Literal["sync_false", "webhook_only", "sync_budget_exceeded"]


@dataclass(frozen=True)
class ScrapeAccepted:
    """A job to poll (``api/`` adds where): the 202 answer of ``POST /api/v1/scrape``."""

    job_id: str
    status: Literal["pending", "running"]
    reason: AsyncReason
    created_at: datetime
    estimated_credits: int


@dataclass(frozen=True)
class ScrapeAnswer:
    """Either a finished scrape (``result``, the stored scrape JSON) or an accepted job."""

    result: dict[str, Any] | None = None
    accepted: ScrapeAccepted | None = None


@dataclass(frozen=True)
class ServiceSettings:
    billing_enabled: bool
    sync_wait_budget_s: float
    webhook_secret_for: Callable[[str], str]
    concurrency_limit: Callable[[str], int] = lambda org_id: 20
    # Where request-log rows go (a buffered writer): cache hits are logged off the hot path.
    log_usage: Callable[[UsageRow], None] | None = None


class ScrapeService:
    def __init__(
        self,
        storage: Storage,
        queue: JobQueue,
        signals: CompletionSignals,
        cache: ResponseCache,
        estimator: CostEstimator,
        settings: ServiceSettings,
        events: JobEventBus | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._events = JobEventPublisher(events)
        self.queue = queue
        self._signals = signals
        self._cache = cache
        self.estimator = estimator
        # Finished jobs never change until they expire: polls of them skip the database.
        self._finished: HotCache[Job] = HotCache(capacity=4096)
        self._settings = settings

    async def scrape(self, who: Principal, req: ScrapeRequest, source: str | None) -> ScrapeAnswer:
        job_id = new_id()
        hit = await self._cache.lookup(req, who.org_id, job_id)
        if hit is not None:
            self._log_cache_hit(who, req, hit, source)
            return ScrapeAnswer(result=dict(hit))
        job = await self._storage.jobs.find_inflight(who.org_id, req.canonical_hash())
        if job is None:
            job = await self._accept(who, req, job_id, source)
        reason = async_reason(req)
        if reason is not None:
            return ScrapeAnswer(accepted=self.accepted_body(job, reason))
        finished = await self.wait(job, self.sync_budget(req))
        if not finished.terminal:
            return ScrapeAnswer(accepted=self.accepted_body(finished, "sync_budget_exceeded"))
        if finished.status == "failed":
            raise error_from_code(
                finished.error_code or "INTERNAL_ERROR",
                finished.error or "Job failed",
                finished.error_details,
            )
        return ScrapeAnswer(result=finished.result)

    async def _accept(
        self, who: Principal, req: ScrapeRequest, job_id: str, source: str | None
    ) -> Job:
        waiting = await self._check_queue_room(who.org_id)
        minimum = await self.estimator.minimum_credits(req, who.org_id)
        reservation = Reservation(
            self._storage.ledger, who.org_id, job_id, enabled=self._settings.billing_enabled
        )
        if self._settings.billing_enabled:
            await admit(reservation, minimum, await self._storage.ledger.balance(who.org_id))
        job = Job(
            id=job_id,
            org_id=who.org_id,
            key_id=who.key.id,
            type="scrape",
            request=req.to_json(),
            request_hash=req.canonical_hash(),
            credits_reserved=reservation.held,
            origin=JobOrigin(source_client=source),
            estimated_credits=minimum,
            webhook_url=req.webhook_url,
            webhook_secret=req.webhook_secret or self._settings.webhook_secret_for(who.org_id),
        )
        await self._storage.jobs.create(job)
        await self._events.job_changed(job, queue_position=waiting + 1)
        await self.queue.put(job.id)
        return job

    async def _check_queue_room(self, org_id: str) -> int:
        """429 once 10 x the concurrency limit of individual jobs wait;
        otherwise how many wait."""
        # A probe created now: its queue position counts every pending job of the organization.
        probe = Job(
            id=new_id(), org_id=org_id, key_id=None, type="scrape", request={}, request_hash=""
        )
        waiting = await self._storage.jobs.queue_position(probe) - 1
        if waiting >= 10 * self._settings.concurrency_limit(org_id):
            raise ConcurrencyLimited(
                "Too many jobs are waiting for this organization; retry shortly.",
                2,
                {"queued": waiting},
            )
        return waiting

    def sync_budget(self, req: ScrapeRequest) -> float:
        budget = req.sync_wait_seconds or self._settings.sync_wait_budget_s
        return max(min(float(budget), float(req.timeout) - 3.0), 1.0)

    async def wait(self, job: Job, timeout: float) -> Job:
        async with self._signals.watch(job.id) as event:
            current = await self._storage.jobs.get(job.id) or job
            if current.terminal:
                return current
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        return await self._storage.jobs.get(job.id) or job

    def accepted_body(self, job: Job, reason: AsyncReason) -> ScrapeAccepted:
        return ScrapeAccepted(
            job_id=job.id,
            status="running" if job.status == "running" else "pending",
            reason=reason,
            created_at=job.created_at,
            estimated_credits=job.estimated_credits,
        )

    async def job_for(self, org_id: str, job_id: str) -> Job:
        job = self._finished.get(job_id) or await self._storage.jobs.get(job_id)
        if job is not None and job.org_id == org_id:
            if not job.terminal or job.expires_at is None:
                return job
            left = (job.expires_at - self._clock()).total_seconds()
            if left > 0:
                self._finished.put(job_id, job, left)
                return job
            # Past its retention the job is expired, whether or not the purge has run yet.
            raise self._expired(job_id)
        stone = await self._storage.jobs.tombstone(job_id)
        if stone is not None and stone.org_id == org_id:
            raise self._expired(job_id)
        raise NotFound("Job not found")

    @staticmethod
    def _expired(job_id: str) -> JobExpired:
        return JobExpired(
            f"Job {job_id} has expired (results are kept for 1 hour). Submit a new request."
        )

    def _log_cache_hit(
        self, who: Principal, req: ScrapeRequest, hit: CachedScrapeDocument, source: str | None
    ) -> None:
        if self._settings.log_usage is None:
            return
        self._settings.log_usage(
            UsageRow(
                id=new_id(),
                org_id=who.org_id,
                key_id=who.key.id,
                route="/api/v1/scrape",
                method="POST",
                status_code=hit["status_code"],
                latency_ms=0,
                kind="scrape",
                job_id=hit["job_id"],
                url=req.url,
                domain=registrable_domain(req.url),
                mode=req.mode,
                tier=hit["billing"]["tier_used"],
                credits=0,
                cache_hit=True,
                source="api",
                source_client=source,
                created_at=utcnow(),
                user_id=who.key.user_id,
                endpoint_type="scrape",
                target_status_code=hit["status_code"],
                proxy_country=req.country,
                completed_at=utcnow(),
            )
        )


def async_reason(req: ScrapeRequest) -> AsyncReason | None:
    if req.sync is False:
        return "sync_false"
    if req.webhook_url and req.sync is None:
        return "webhook_only"
    return None
