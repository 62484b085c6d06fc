"""Web search: provider results, optional result scrapes, search jobs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scrapegate.domain.job_origin import JobOrigin
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import Batch, Job, new_id, utcnow
from scrapegate.domain.search_request import SearchBatchRequest, SearchRequest
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import (
    ConcurrencyLimited,
    FeatureUnavailable,
    InsufficientBalance,
    InternalError,
    NotFound,
    ScrapegateError,
    error_from_code,
)
from scrapegate.fetchers.search_provider import SearchProvider
from scrapegate.jobs.batch_service import MAX_UNFINISHED_BATCHES
from scrapegate.jobs.runner import WebhookSink
from scrapegate.jobs.scrape_service import ScrapeService
from scrapegate.jobs.search_scrapes import ResultScraper
from scrapegate.jobs.search_views import (
    SearchAccepted,
    SearchBatchAccepted,
    SearchBody,
    SearchOutcome,
    SearchStatus,
    accepted_body,
    batch_accepted_body,
    batch_search_webhook,
    search_body,
    search_status_view,
    search_webhook,
    stored_search_body,
)
from scrapegate.metering.reservations import Reservation, admit
from scrapegate.storage.protocols import Storage

log = logging.getLogger(__name__)

NOT_CONFIGURED = (
    "Search is not configured on this server: set SCRAPEGATE_SEARXNG_URL to the address of a "
    "SearXNG instance with the json format enabled."
)
# Search jobs run in this process (like the in-memory job queue), never in the scrape worker
# pool: the lease keeps the pool's claim off them; fail_orphans ends those a restart left behind.
LEASE_OWNER = "search"
LEASE = timedelta(hours=6)


@dataclass(frozen=True)
class SearchSettings:
    billing_enabled: bool
    price: int = 1_000  # pricing.search, microcents per query
    sync_budget_s: float = 25.0  # scrape.sync_wait_budget_s
    async_budget_s: float = 300.0  # result scrapes of sync:false searches and batches
    result_ttl_s: int = 86_400  # searches are kept 24 h
    scrape_concurrency: int = 5
    batch_concurrency: int = 4
    webhook_secret_for: Callable[[str], str] = lambda org_id: ""


@dataclass(frozen=True)
class SearchAnswer:
    """Either a finished search (``result``, 200) or an accepted one to poll (``accepted``, 202)."""

    result: SearchBody | None = None
    accepted: SearchAccepted | None = None


class SearchService:
    def __init__(
        self,
        storage: Storage,
        provider: SearchProvider | None,
        scrapes: ScrapeService,
        validation: ValidationContext,
        settings: SearchSettings,
        webhooks: WebhookSink | None = None,
        cancel_scrape: Callable[[str], Awaitable[int | None]] | None = None,
    ) -> None:
        self._storage = storage
        self._provider = provider
        self._scrapes = scrapes
        self._settings = settings
        self._webhooks = webhooks
        self._results = ResultScraper(
            scrapes, validation, settings.scrape_concurrency, cancel_scrape
        )
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def provider_name(self) -> str | None:
        """The configured provider (health shows it), or None when search is disabled."""
        return self._provider.name if self._provider is not None else None

    def require_enabled(self) -> None:
        """501 FEATURE_UNAVAILABLE before anything else when no provider is configured."""
        self._require_provider()

    def _require_provider(self) -> SearchProvider:
        if self._provider is None:
            raise FeatureUnavailable(NOT_CONFIGURED, "search")
        return self._provider

    async def search(self, who: Principal, req: SearchRequest, source: str | None) -> SearchAnswer:
        self._require_provider()
        job = await self._accept(who, req, source)
        if not req.sync:
            self._spawn(self._run_async(who, job, req, source))
            return SearchAnswer(accepted=accepted_body(job))
        # Shielded: a caller who hangs up must not leave the job running with credits held.
        await asyncio.shield(
            self._spawn(self._run(who, job, req, source, self._settings.sync_budget_s))
        )
        if job.status == "failed":
            raise error_from_code(
                job.error_code or "INTERNAL_ERROR", job.error or "Search failed", job.error_details
            )
        return SearchAnswer(result=stored_search_body(job))

    async def status(self, who: Principal, search_id: str) -> SearchBody | SearchStatus:
        self._require_provider()
        try:
            job = await self._scrapes.job_for(who.org_id, search_id)
        except NotFound:
            raise NotFound("Search not found") from None
        if job.type != "search":
            raise NotFound("Search not found")
        return search_status_view(job)

    async def _accept(self, who: Principal, req: SearchRequest, source: str | None) -> Job:
        job_id = new_id()
        reservation = self._reservation(who.org_id, job_id)
        if self._settings.billing_enabled:
            balance = await self._storage.ledger.balance(who.org_id)
            await admit(reservation, self._settings.price, balance)
        job = self._new_job(who, job_id, req, source, reservation.held)
        await self._storage.jobs.create(job)
        return job

    def _new_job(
        self, who: Principal, job_id: str, req: SearchRequest, source: str | None, held: int
    ) -> Job:
        now = utcnow()
        return Job(
            id=job_id,
            org_id=who.org_id,
            key_id=who.key.id,
            type="search",
            request=req.to_json(),
            request_hash=new_id(),  # searches are never coalesced
            origin=JobOrigin(source_client=source),
            estimated_credits=self._settings.price,
            status="running",
            started_at=now,
            credits_reserved=held,
            lease_owner=LEASE_OWNER,
            lease_until=now + LEASE,
            webhook_url=req.webhook_url,
            webhook_secret=req.webhook_secret or self._settings.webhook_secret_for(who.org_id),
        )

    def _reservation(self, org_id: str, job_id: str, held: int = 0) -> Reservation:
        return Reservation(
            self._storage.ledger, org_id, job_id, enabled=self._settings.billing_enabled, held=held
        )

    async def _run(
        self, who: Principal, job: Job, req: SearchRequest, source: str | None, budget: float
    ) -> None:
        """Runs the search and leaves ``job`` completed or failed (stored)."""
        started = time.monotonic()
        reservation = self._reservation(job.org_id, job.id, job.credits_reserved)
        try:
            hits = await self._require_provider().search(
                req.provider_query,
                num_results=req.options.num_results,
                language=req.options.language,
                country=req.options.country,
                time_range=req.options.time_range,
                safe_search=req.options.safe_search,
                page=req.options.page,
            )
        except ScrapegateError as exc:
            await self._fail(job, reservation, exc)
            return
        except Exception:  # a provider bug must still end the job and refund it
            log.exception("search provider crashed on job %s", job.id)
            await self._fail(job, reservation, InternalError("The search provider failed"))
            return
        await reservation.settle(self._settings.price)
        scrapes, warning = None, None
        if req.options.scrape_results:
            deadline = started + budget
            scrapes, warning = await self._results.scrape_all(who, req, hits, deadline, source)
        elapsed = int((time.monotonic() - started) * 1000)
        outcome = SearchOutcome(hits, scrapes, reservation.held, elapsed, warning)
        body = search_body(job, req, outcome, self._require_provider().name)
        await self._complete(job, body, outcome)

    async def _complete(self, job: Job, body: SearchBody, outcome: SearchOutcome) -> None:
        now = utcnow()
        job.status, job.result = "completed", dict(body)
        job.credits_used = outcome.search_credits  # result scrapes are charged by their own jobs
        self._end(job, now)
        await self._storage.jobs.save(job)

    async def _fail(self, job: Job, reservation: Reservation, error: ScrapegateError) -> None:
        job.credits_refunded = await reservation.settle(0)
        job.status, job.error, job.error_code = "failed", error.detail, error.code
        job.error_details = error.details
        job.credits_used = 0
        self._end(job, utcnow())
        await self._storage.jobs.save(job)

    def _end(self, job: Job, now: datetime) -> None:
        job.completed_at = now
        job.expires_at = now + timedelta(seconds=self._settings.result_ttl_s)
        job.lease_owner, job.lease_until = None, None

    async def _run_async(
        self, who: Principal, job: Job, req: SearchRequest, source: str | None
    ) -> None:
        await self._run(who, job, req, source, self._settings.async_budget_s)
        if self._webhooks is not None and job.webhook_url:
            event, data = search_webhook(job)
            await self._webhooks.enqueue(
                org_id=job.org_id,
                url=job.webhook_url,
                secret=job.webhook_secret or "",
                event=event,
                data=data,
                job_id=job.id,
            )

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background search failed", exc_info=task.exception())

    async def submit_batch(
        self, who: Principal, breq: SearchBatchRequest, source: str | None
    ) -> SearchBatchAccepted:
        self._require_provider()
        if await self._storage.batches.count_unfinished(who.org_id) >= MAX_UNFINISHED_BATCHES:
            raise ConcurrencyLimited("At most 5 unfinished batches per organization", 2)
        searches = breq.searches()
        batch = Batch(
            id=new_id(),
            org_id=who.org_id,
            key_id=who.key.id,
            job_ids=[new_id() for _ in searches],
            urls=list(breq.queries),  # a search batch's items are its queries
            type="search",
            estimated_credits=self._settings.price * len(searches),
            webhook_url=breq.webhook_url,
            webhook_secret=breq.webhook_secret,
            webhook_events=["batch.search.completed"] if breq.webhook_url else None,
        )
        held = await self._reserve_batch(who.org_id, batch.job_ids)
        await self._storage.batches.create(batch)
        jobs = []
        for job_id, req, amount in zip(batch.job_ids, searches, held, strict=True):
            job = self._new_job(who, job_id, req, source, amount)
            job.webhook_url = None  # the batch reports once, with batch.search.completed
            await self._storage.jobs.create(job)
            jobs.append(job)
        self._spawn(self._run_batch(who, batch, list(zip(jobs, searches, strict=True)), source))
        return batch_accepted_body(batch)

    async def _reserve_batch(self, org_id: str, job_ids: list[str]) -> list[int]:
        """All or nothing: one search price held per query."""
        held: list[Reservation] = []
        for job_id in job_ids:
            reservation = self._reservation(org_id, job_id)
            if not await reservation.cover(self._settings.price):
                for earlier in held:
                    await earlier.settle(0)
                raise InsufficientBalance(
                    "Insufficient balance for this search batch",
                    {
                        "required_microcents": self._settings.price * len(job_ids),
                        "balance_microcents": await self._storage.ledger.balance(org_id),
                    },
                )
            held.append(reservation)
        return [r.held for r in held]

    async def _run_batch(
        self,
        who: Principal,
        batch: Batch,
        items: list[tuple[Job, SearchRequest]],
        source: str | None,
    ) -> None:
        gate = asyncio.Semaphore(self._settings.batch_concurrency)

        async def run_one(job: Job, req: SearchRequest) -> None:
            async with gate:
                await self._run(who, job, req, source, self._settings.async_budget_s)

        await asyncio.gather(*(run_one(job, req) for job, req in items))
        now = utcnow()
        expires = now + timedelta(seconds=self._settings.result_ttl_s)
        if not await self._storage.batches.finish(batch.id, now, expires):
            return
        if self._webhooks is not None and batch.webhook_url:
            await self._webhooks.enqueue(
                org_id=batch.org_id,
                url=batch.webhook_url,
                secret=batch.webhook_secret or self._settings.webhook_secret_for(batch.org_id),
                event="batch.search.completed",
                data=batch_search_webhook(batch, [job for job, _ in items]),
            )

    async def fail_orphans(self) -> int:
        """At start-up: searches a previous process left unfinished can no longer finish."""
        orphans = [j for j in await self._storage.jobs.list_unfinished() if j.type == "search"]
        for job in orphans:
            reservation = self._reservation(job.org_id, job.id, job.credits_reserved)
            await self._fail(
                job, reservation, InternalError("The server restarted while this search ran")
            )
        return len(orphans)

    async def aclose(self) -> None:
        """At shutdown: stop background searches (their jobs are failed at the next start)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
