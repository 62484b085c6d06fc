"""Runs one scrape job: claim, scrape, settle credits, store the result, tell whoever waits."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from scrapegate.accounts.billing import Reservation
from scrapegate.domain.records import Job, UsageRow, new_id, utcnow
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.timefmt import iso
from scrapegate.engine.domains import registrable_domain
from scrapegate.engine.engine import ScrapeContext, ScrapeEngine, ScrapeOutcome
from scrapegate.errors import Cancelled, InternalError, ScrapegateError, Timeout
from scrapegate.jobs.cache import ResponseCache
from scrapegate.jobs.events import JobSignals
from scrapegate.storage.protocols import Storage

log = logging.getLogger(__name__)

# Bookkeeping stored beside the request in the job row (source client, estimate at admission).
META_KEY = "_meta"


def job_meta(job: Job) -> dict[str, Any]:
    meta = job.request.get(META_KEY)
    return meta if isinstance(meta, dict) else {}


def job_request(job: Job) -> ScrapeRequest:
    return ScrapeRequest.from_json({k: v for k, v in job.request.items() if k != META_KEY})


class WebhookSink(Protocol):
    async def enqueue(
        self,
        *,
        org_id: str,
        url: str,
        secret: str,
        event: str,
        data: dict[str, Any],
        job_id: str | None = None,
    ) -> Any: ...


@dataclass(frozen=True)
class RunnerSettings:
    billing_enabled: bool
    result_ttl_s: int
    lease_s: float = 30.0
    batch_result_ttl_s: int = 86_400  # batch items live as long as their batch's results


class JobRunner:
    def __init__(
        self,
        storage: Storage,
        engine: ScrapeEngine,
        signals: JobSignals,
        cache: ResponseCache,
        settings: RunnerSettings,
        webhooks: WebhookSink | None = None,
    ) -> None:
        self._on_finished: list[Callable[[Job], Awaitable[None]]] = []
        self._storage = storage
        self._engine = engine
        self._signals = signals
        self._cache = cache
        self._settings = settings
        self._webhooks = webhooks

    async def run(self, job_id: str, owner: str) -> bool:
        """False when the job could not be claimed (someone else holds it, or it ended)."""
        lease_until = utcnow() + timedelta(seconds=self._settings.lease_s)
        job = await self._storage.jobs.claim(job_id, owner, lease_until)
        if job is None:
            return False
        heartbeat = asyncio.create_task(self._heartbeat(job, owner))
        try:
            await self._execute(job)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        await self._finished(job)
        return True

    def add_finish_hook(self, hook: Callable[[Job], Awaitable[None]]) -> None:
        """Called with every job that ends here (batches use it to notice their last item)."""
        self._on_finished.append(hook)

    async def _finished(self, job: Job) -> None:
        self._signals.finished(job.id)
        for hook in self._on_finished:
            try:
                await hook(job)
            except Exception:  # a hook's failure must not undo the job's own ending
                log.exception("finish hook failed for job %s", job.id)

    async def cancel_pending(self, job_id: str) -> int | None:
        """Cancel a job nobody runs (pending, or whose worker's lease lapsed): the credits
        released, or None when it is running or already ended."""
        job = await self._storage.jobs.claim(job_id, "cancel", utcnow() + timedelta(seconds=60))
        if job is None:
            return None
        await self._fail(
            job,
            job_request(job),
            self._reservation(job),
            Cancelled("The job was cancelled with its batch.", {"cause": "cancelled"}),
        )
        await self._finished(job)
        return job.credits_refunded

    async def time_out_in_queue(self, job: Job) -> None:
        """A scrape that waited longer than the queue limit fails without being attempted."""
        req = job_request(job)
        reservation = self._reservation(job)
        await self._fail(
            job,
            req,
            reservation,
            Timeout("The job waited in the queue longer than allowed.", {"cause": "queue_timeout"}),
        )
        await self._finished(job)

    def _result_ttl(self, job: Job) -> int:
        meta = job_meta(job)
        if meta.get("batch_id") or meta.get("crawl_id"):
            return self._settings.batch_result_ttl_s
        return self._settings.result_ttl_s

    def _reservation(self, job: Job) -> Reservation:
        return Reservation(
            self._storage.ledger,
            job.org_id,
            job.id,
            enabled=self._settings.billing_enabled,
            held=job.credits_reserved,
        )

    async def _heartbeat(self, job: Job, owner: str) -> None:
        while True:
            await asyncio.sleep(self._settings.lease_s / 3)
            job.lease_until = utcnow() + timedelta(seconds=self._settings.lease_s)
            await self._storage.jobs.save(job)

    async def _execute(self, job: Job) -> None:
        req = job_request(job)
        reservation = self._reservation(job)
        ctx = ScrapeContext(
            org_id=job.org_id,
            job_id=job.id,
            guard=reservation,
            billing_enabled=self._settings.billing_enabled,
        )
        try:
            outcome = await asyncio.wait_for(self._engine.scrape(req, ctx), req.timeout + 2)
        except TimeoutError:
            await self._fail(
                job,
                req,
                reservation,
                Timeout("The job deadline passed before a result.", {"cause": "deadline"}),
            )
        except ScrapegateError as exc:
            await self._fail(job, req, reservation, exc)
        except Exception:
            log.exception("scrape job %s crashed", job.id)
            await self._fail(job, req, reservation, InternalError("Internal error"))
        else:
            await self._complete(job, req, reservation, outcome)

    async def _complete(
        self, job: Job, req: ScrapeRequest, reservation: Reservation, outcome: ScrapeOutcome
    ) -> None:
        refunded = await reservation.settle(outcome.credits)
        now = utcnow()
        job.status, job.completed_at, job.result = "completed", now, outcome.response
        job.credits_used, job.credits_refunded = outcome.credits, refunded
        job.credits_reserved = reservation.held
        job.current_tier = outcome.tier.value
        job.expires_at = now + timedelta(seconds=self._result_ttl(job))
        job.lease_owner = job.lease_until = None
        await self._storage.jobs.save(job)
        await self._cache.store(req, job.org_id, outcome.response)
        await self._log(
            job,
            req,
            outcome.response.get("status_code", 200),
            None,
            outcome.tier.value,
            outcome.size_bytes,
        )
        await self._notify(
            job,
            "job.completed",
            {
                "job_id": job.id,
                "job_type": job.type,
                "url": req.url,
                "status": "completed",
                "status_code": outcome.response.get("status_code"),
                "credits_used": outcome.credits,
                "tier_used": outcome.tier.value,
                "completed_at": iso(now),
                "result": outcome.response,
            },
        )

    async def _fail(
        self, job: Job, req: ScrapeRequest, reservation: Reservation, exc: ScrapegateError
    ) -> None:
        refunded = await reservation.settle(0)
        now = utcnow()
        job.status, job.completed_at = "failed", now
        job.error, job.error_code, job.error_details = exc.detail, exc.code, exc.details
        job.credits_used, job.credits_refunded, job.credits_reserved = 0, refunded, 0
        job.expires_at = now + timedelta(seconds=self._result_ttl(job))
        job.lease_owner = job.lease_until = None
        await self._storage.jobs.save(job)
        await self._log(job, req, 0, exc.code, None, 0)
        await self._notify(
            job,
            "job.failed",
            {
                "job_id": job.id,
                "job_type": job.type,
                "url": req.url,
                "status": "failed",
                "error": exc.detail,
                "error_code": exc.code,
                "credits_refunded": refunded,
                "failed_at": iso(now),
            },
        )

    async def _log(
        self,
        job: Job,
        req: ScrapeRequest,
        status: int,
        error_code: str | None,
        tier: str | None,
        size: int,
    ) -> None:
        started = job.started_at or job.created_at
        latency = int(((job.completed_at or utcnow()) - started).total_seconds() * 1000)
        await self._storage.usage.append(
            UsageRow(
                id=new_id(),
                org_id=job.org_id,
                key_id=job.key_id,
                route="/api/v1/scrape",
                method="POST",
                status_code=status,
                latency_ms=latency,
                kind="scrape",
                job_id=job.id,
                url=req.url,
                domain=registrable_domain(req.url),
                mode=req.mode,
                tier=tier,
                credits=job.credits_used,
                bytes=size,
                cache_hit=False,
                error_code=error_code,
                source=job_meta(job).get("source"),
            )
        )

    async def _notify(self, job: Job, event: str, data: dict[str, Any]) -> None:
        if self._webhooks is None or not job.webhook_url:
            return
        await self._webhooks.enqueue(
            org_id=job.org_id,
            url=job.webhook_url,
            secret=job.webhook_secret or "",
            event=event,
            data=data,
            job_id=job.id,
        )
