"""Batches: many scrape jobs submitted, followed and cancelled together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from scrapegate.domain.batch_request import BatchRequest
from scrapegate.domain.job_origin import JobOrigin
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import Batch, Job, new_id, utcnow
from scrapegate.engine.estimate import CostEstimator
from scrapegate.errors import (
    ConcurrencyLimited,
    Conflict,
    InsufficientBalance,
    JobExpired,
    NotFound,
)
from scrapegate.jobs.batch_views import (
    BatchAccepted,
    BatchCancelled,
    BatchPage,
    batch_view,
    webhook_data,
)
from scrapegate.jobs.job_events import JobEventBus, JobEventPublisher
from scrapegate.jobs.queue import JobQueue
from scrapegate.jobs.runner import JobRunner, WebhookSink
from scrapegate.metering.reservations import Reservation
from scrapegate.storage.protocols import Storage

MAX_UNFINISHED_BATCHES = 5
JOB_EVENTS = ("job.completed", "job.failed")


@dataclass(frozen=True)
class BatchSettings:
    billing_enabled: bool
    result_ttl_s: int = 86_400
    webhook_secret_for: Callable[[str], str] = lambda org_id: ""


class BatchService:
    def __init__(
        self,
        storage: Storage,
        queue: JobQueue,
        estimator: CostEstimator,
        runner: JobRunner,
        settings: BatchSettings,
        webhooks: WebhookSink | None = None,
        events: JobEventBus | None = None,
    ) -> None:
        self._events = JobEventPublisher(events)
        self._storage = storage
        self._queue = queue
        self._estimator = estimator
        self._runner = runner
        self._settings = settings
        self._webhooks = webhooks

    async def submit(self, who: Principal, breq: BatchRequest, source: str | None) -> BatchAccepted:
        if await self._storage.batches.count_unfinished(who.org_id) >= MAX_UNFINISHED_BATCHES:
            raise ConcurrencyLimited("At most 5 unfinished batches per organization", 2)
        batch = Batch(
            id=new_id(),
            org_id=who.org_id,
            key_id=who.key.id,
            job_ids=[new_id() for _ in breq.items],
            urls=[r.url for r in breq.items],
            invalid_items=list(breq.invalid_items),
            webhook_url=breq.webhook_url,
            webhook_secret=breq.webhook_secret,
            webhook_events=list(breq.webhook_events) if breq.webhook_events else None,
        )
        reservations = await self._reserve(who, breq, batch)
        batch.estimated_credits = sum(minimum for _, minimum in reservations)
        await self._storage.batches.create(batch)
        jobs = [
            await self._storage.jobs.create(
                self._job(who, batch, index, req, reservations[index], source)
            )
            for index, req in enumerate(breq.items)
        ]
        await self._announce(batch, jobs)
        for job_id in batch.job_ids:
            await self._queue.put(job_id)
        view = batch_view(batch, [], include_results=False)
        return BatchAccepted(**vars(view), job_ids=batch.job_ids)

    async def _announce(self, batch: Batch, jobs: list[Job]) -> None:
        """job.queued for every item; one position lookup, the items queue in order behind it."""
        first = await self._storage.jobs.queue_position(jobs[0]) if jobs else 0
        for offset, job in enumerate(jobs):
            await self._events.job_changed(job, batch_id=batch.id, queue_position=first + offset)

    async def _reserve(
        self, who: Principal, breq: BatchRequest, batch: Batch
    ) -> list[tuple[Reservation, int]]:
        held: list[tuple[Reservation, int]] = []
        for job_id, req in zip(batch.job_ids, breq.items, strict=True):
            minimum = await self._estimator.minimum_credits(req, who.org_id)
            reservation = Reservation(
                self._storage.ledger, who.org_id, job_id, enabled=self._settings.billing_enabled
            )
            if not await reservation.cover(minimum):
                for earlier, _ in held:  # all or nothing: release what was held already
                    await earlier.settle(0)
                raise InsufficientBalance(
                    "Insufficient balance for this batch",
                    {
                        "required_microcents": sum(m for _, m in held) + minimum,
                        "balance_microcents": await self._storage.ledger.balance(who.org_id),
                    },
                )
            held.append((reservation, minimum))
        return held

    def _job(
        self,
        who: Principal,
        batch: Batch,
        index: int,
        req: Any,
        reserved: tuple[Reservation, int],
        source: str | None,
    ) -> Job:
        per_item_events = set(batch.webhook_events or ()) & set(JOB_EVENTS)
        return Job(
            id=batch.job_ids[index],
            org_id=who.org_id,
            key_id=who.key.id,
            type="scrape",
            request=req.to_json(),
            request_hash=new_id(),  # batch items are never coalesced
            credits_reserved=reserved[0].held,
            origin=JobOrigin(source_client=source, batch_id=batch.id),
            estimated_credits=reserved[1],
            webhook_url=batch.webhook_url if per_item_events else None,
            webhook_secret=self._secret(batch),
        )

    def _secret(self, batch: Batch) -> str:
        return batch.webhook_secret or self._settings.webhook_secret_for(batch.org_id)

    async def owned(self, org_id: str, batch_id: str) -> Batch:
        """The organization's live batch; NOT_FOUND for others' and unknown ones."""
        batch = await self._storage.batches.get(batch_id)
        if batch is None or batch.org_id != org_id:
            raise NotFound("Batch not found")
        if batch.expires_at is not None and batch.expires_at <= utcnow():
            raise JobExpired(f"Batch {batch_id} has expired (results are kept for 24 hours).")
        return batch

    async def status(
        self, who: Principal, batch_id: str, *, include_results: bool, offset: int, limit: int
    ) -> BatchPage:
        batch = await self.owned(who.org_id, batch_id)
        jobs = await self._storage.jobs.get_many(batch.job_ids)
        window = slice(offset, offset + limit)
        view = batch_view(batch, jobs, include_results=include_results, window=window)
        has_more = offset + limit < len(batch.job_ids)
        return BatchPage(
            **vars(view), has_more=has_more, next_offset=offset + limit if has_more else None
        )

    async def cancel(self, who: Principal, batch_id: str) -> BatchCancelled:
        batch = await self.owned(who.org_id, batch_id)
        if batch.completed_at is not None:
            raise Conflict("The batch has already finished")
        cancelled, refunded = 0, 0
        for job_id in batch.job_ids:
            released = await self._runner.cancel_pending(job_id)
            if released is not None:
                cancelled, refunded = cancelled + 1, refunded + released
        batch.cancelled = True
        await self._storage.batches.save(batch)
        await self._finish(batch)
        return BatchCancelled(batch.id, "cancelled", cancelled, refunded)

    async def on_job_finished(self, job: Job) -> None:
        """Runner hook: when the last item of a batch ends, the batch ends (exactly once)."""
        batch_id = job.origin.batch_id
        if not batch_id:
            return
        batch = await self._storage.batches.get(batch_id)
        if batch is None or batch.completed_at is not None:
            return
        jobs = await self._storage.jobs.get_many(batch.job_ids)
        if all(j.terminal for j in jobs):
            await self._finish(batch)

    async def _finish(self, batch: Batch) -> None:
        now = utcnow()
        expires = now + timedelta(seconds=self._settings.result_ttl_s)
        if not await self._storage.batches.finish(batch.id, now, expires):
            return
        batch.completed_at, batch.expires_at = now, expires
        jobs = await self._storage.jobs.get_many(batch.job_ids)
        event, data = webhook_data(batch, jobs)
        wanted = batch.webhook_events is None or event in batch.webhook_events
        if self._webhooks is not None and batch.webhook_url and wanted:
            await self._webhooks.enqueue(
                org_id=batch.org_id,
                url=batch.webhook_url,
                secret=self._secret(batch),
                event=event,
                data=data,
            )
