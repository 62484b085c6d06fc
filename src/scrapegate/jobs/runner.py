"""Runs one scrape job: claim, scrape, settle credits, store the result, tell whoever waits."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from scrapegate.domain.job_fields import job_request
from scrapegate.domain.records import Job, utcnow
from scrapegate.domain.scrape_document import scrape_result_document
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.engine.engine import ScrapeContext, ScrapeEngine, ScrapeOutcome
from scrapegate.errors import Cancelled, InternalError, ScrapegateError, Timeout
from scrapegate.jobs.cache import ResponseCache
from scrapegate.jobs.events import CompletionSignals
from scrapegate.jobs.job_effects import JobEffects, WebhookSink
from scrapegate.jobs.job_events import JobEventBus, JobEventPublisher
from scrapegate.metering.reservations import Reservation

__all__ = ["JobRunner", "RunnerSettings", "WebhookSink", "job_request"]
from scrapegate.storage.protocols import Storage

log = logging.getLogger(__name__)


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
        signals: CompletionSignals,
        cache: ResponseCache,
        settings: RunnerSettings,
        webhooks: WebhookSink | None = None,
        events: JobEventBus | None = None,
    ) -> None:
        self._events = JobEventPublisher(events)
        self._effects = JobEffects(storage, webhooks)
        self._on_finished: list[Callable[[Job], Awaitable[None]]] = []
        self._shapers: list[Callable[[Job], None]] = []
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
        await self._events.job_changed(job, batch_id=job.origin.batch_id)
        heartbeat = asyncio.create_task(self._heartbeat(job, owner))
        try:
            ended_here = await self._execute(job)
        except asyncio.CancelledError:
            # Shutdown: hand the job back at once instead of waiting for the lease to lapse.
            await asyncio.shield(self._release(job, owner))
            raise
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        if ended_here:
            await self.after_end(job)
        return True

    async def _release(self, job: Job, owner: str) -> None:
        job.status, job.lease_owner, job.lease_until = "pending", None, None
        with contextlib.suppress(Exception):
            await self._storage.jobs.save_held(job, owner)

    def add_result_shaper(self, shaper: Callable[[Job], None]) -> None:
        """Called with a completed job just before its one terminal write (crawls keep a
        page's links there instead of its HTML, so the result is written once)."""
        self._shapers.append(shaper)

    def add_finish_hook(self, hook: Callable[[Job], Awaitable[None]]) -> None:
        """Called with every job that ends here (batches use it to notice their last item)."""
        self._on_finished.append(hook)

    async def after_end(self, job: Job) -> None:
        """Everything that follows the job's terminal write; safe to replay after a crash."""
        await self._effects.record(job)
        await self._finished(job)
        await self._storage.jobs.effects_done(job.id)

    async def replay_effects(self, ended_before: datetime) -> int:
        """For the reaper: jobs whose worker died between their end and their effects."""
        jobs = await self._storage.jobs.list_effects_pending(ended_before, limit=500)
        for job in jobs:
            await self.after_end(job)
        return len(jobs)

    async def _finished(self, job: Job) -> None:
        await self._events.job_changed(job, batch_id=job.origin.batch_id)
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
        reservation = await self._reservation_of(job)
        cancelled = Cancelled("The job was cancelled.", {"cause": "cancelled"})
        if await self._fail(job, job_request(job), reservation, cancelled):
            await self.after_end(job)
        return job.credits_refunded

    async def time_out_in_queue(self, job: Job) -> None:
        """A scrape that waited longer than the queue limit fails without being attempted."""
        late = Timeout(
            "The job waited in the queue longer than allowed.", {"cause": "queue_timeout"}
        )
        await self._fail_unrun(job, "queue-timeout", late)

    async def give_up(self, job: Job) -> None:
        """A job whose workers kept vanishing (each run ended by a crash or kill) fails instead
        of being tried forever."""
        lost = InternalError(
            f"The job's worker was lost {job.run_count} times; giving up.",
            {"cause": "worker_lost", "runs": job.run_count},
        )
        await self._fail_unrun(job, "give-up", lost)

    async def _fail_unrun(self, job: Job, owner: str, exc: ScrapegateError) -> None:
        claimed = await self._storage.jobs.claim(job.id, owner, utcnow() + timedelta(seconds=60))
        if claimed is None:
            return
        reservation = await self._reservation_of(claimed)
        if await self._fail(claimed, job_request(claimed), reservation, exc):
            await self.after_end(claimed)

    def _result_ttl(self, job: Job) -> int:
        if job.origin.source != "api":
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

    async def _reservation_of(self, job: Job) -> Reservation:
        """The job's reservation; a re-run (its worker died) reads what the ledger holds,
        since the dead worker may have held more than it recorded on the job."""
        reservation = self._reservation(job)
        if job.run_count > 1 and self._settings.billing_enabled:
            entries = await self._storage.ledger.entries(job.org_id, job_id=job.id)
            reservation.held = -sum(e.amount for e in entries if e.kind == "reserve")
        return reservation

    async def _heartbeat(self, job: Job, owner: str) -> None:
        while True:
            await asyncio.sleep(self._settings.lease_s / 3)
            job.lease_until = utcnow() + timedelta(seconds=self._settings.lease_s)
            if not await self._storage.jobs.save_held(job, owner):
                log.warning("job %s: lease lost to another worker", job.id)
                return

    async def _execute(self, job: Job) -> bool:
        """True when this run wrote the job's terminal state."""
        req = job_request(job)
        reservation = await self._reservation_of(job)
        ctx = ScrapeContext(
            org_id=job.org_id,
            job_id=job.id,
            guard=reservation,
            billing_enabled=self._settings.billing_enabled,
            discover_links=follows_links(job),
        )
        try:
            outcome = await asyncio.wait_for(self._engine.scrape(req, ctx), req.timeout + 2)
        except TimeoutError:
            late = Timeout("The job deadline passed before a result.", {"cause": "deadline"})
            return await self._fail(job, req, reservation, late)
        except ScrapegateError as exc:
            return await self._fail(job, req, reservation, exc)
        except Exception:
            log.exception("scrape job %s crashed", job.id)
            return await self._fail(job, req, reservation, InternalError("Internal error"))
        return await self._complete(job, req, reservation, outcome)

    async def _complete(
        self, job: Job, req: ScrapeRequest, reservation: Reservation, outcome: ScrapeOutcome
    ) -> bool:
        owner = job.lease_owner or ""
        refunded = await reservation.settle(outcome.credits)
        now = utcnow()
        document = scrape_result_document(outcome.result)
        job.status, job.completed_at, job.result = "completed", now, dict(document)
        job.credits_used, job.credits_refunded = outcome.credits, refunded
        job.credits_reserved = reservation.held
        job.current_tier = outcome.tier.value
        job.expires_at = now + timedelta(seconds=self._result_ttl(job))
        job.lease_owner = job.lease_until = None
        job.effects_pending = True
        job.size_bytes = outcome.size_bytes
        if follows_links(job):  # from the converter's parse: no second parse of the HTML
            job.links = list(outcome.links or ())
        for shaper in self._shapers:
            shaper(job)
        if not await self._storage.jobs.save_held(job, owner):
            return self._lost(job)
        try:
            await self._cache.store(req, job.org_id, document)
        except Exception:  # the cache is an optimisation: a job never fails on it
            log.warning("could not cache the result of job %s", job.id, exc_info=True)
        return True

    @staticmethod
    def _lost(job: Job) -> bool:
        log.warning("job %s ended elsewhere (its lease passed to another worker)", job.id)
        return False

    async def _fail(
        self, job: Job, req: ScrapeRequest, reservation: Reservation, exc: ScrapegateError
    ) -> bool:
        owner = job.lease_owner or ""
        refunded = await reservation.settle(0)
        now = utcnow()
        job.status, job.completed_at = "failed", now
        job.error, job.error_code, job.error_details = exc.detail, exc.code, exc.details
        job.credits_used, job.credits_refunded, job.credits_reserved = 0, refunded, 0
        job.expires_at = now + timedelta(seconds=self._result_ttl(job))
        job.lease_owner = job.lease_until = None
        job.effects_pending = True
        if not await self._storage.jobs.save_held(job, owner):
            return self._lost(job)
        return True


def follows_links(job: Job) -> bool:
    """A crawl page whose links the crawl will follow."""
    limits = job.origin.crawl_limits
    return limits is not None and limits.follow_links
