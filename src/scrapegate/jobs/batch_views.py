"""What a batch looks like on the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from scrapegate.domain.invalid_item import InvalidItem
from scrapegate.domain.records import Batch, Job


def batch_status(batch: Batch, jobs: list[Job]) -> str:
    if batch.cancelled:
        return "cancelled"
    # Done once its last item's bookkeeping closed it (completed_at, expires_at), not before.
    if batch.completed_at is not None and jobs and all(j.terminal for j in jobs):
        return "completed" if any(j.status == "completed" for j in jobs) else "failed"
    if all(j.status == "pending" for j in jobs):
        return "pending"
    return "running"


@dataclass(frozen=True)
class ExpiredBatchItem:
    """An item whose job is gone (purged): reported failed, in this key order on the wire."""

    index: int
    url: str
    job_id: None = None
    status: str = "failed"
    error: str = "The job's result has expired"
    error_code: str = "JOB_EXPIRED"
    credits_used: int = 0


@dataclass(frozen=True)
class BatchItem:
    index: int
    job_id: str
    url: str
    status: str
    credits_used: int


@dataclass(frozen=True)
class BatchItemResult(BatchItem):
    """A completed item, with its scrape result (stored JSON)."""

    result: dict[str, Any] | None


@dataclass(frozen=True)
class FailedBatchItem(BatchItem):
    error: str | None
    error_code: str | None


AnyBatchItem = ExpiredBatchItem | BatchItem


@dataclass(frozen=True)
class BatchView:
    """``GET /api/v1/batch/{id}``, one window of its items."""

    batch_id: str
    type: str
    status: str
    total_requests: int
    total_urls: int
    completed: int
    failed: int
    pending: int
    running: int
    credits_used: int
    estimated_credits: int
    invalid_items: list[InvalidItem]
    created_at: datetime
    completed_at: datetime | None
    expires_at: datetime | None
    items: list[AnyBatchItem]


@dataclass(frozen=True)
class BatchPage(BatchView):
    has_more: bool
    next_offset: int | None


@dataclass(frozen=True)
class BatchAccepted(BatchView):
    """``POST /api/v1/batch`` accepted (``api/`` adds where to poll)."""

    job_ids: list[str]


@dataclass(frozen=True)
class BatchCancelled:
    batch_id: str
    status: str
    cancelled_jobs: int
    credits_refunded: int


def item_view(index: int, url: str, job: Job | None, include_results: bool) -> AnyBatchItem:
    if job is None:
        return ExpiredBatchItem(index=index, url=url)
    item = BatchItem(index, job.id, url, job.status, job.credits_used)
    if job.status == "completed" and include_results:
        return BatchItemResult(**vars(item), result=job.result)
    if job.status == "failed":
        return FailedBatchItem(**vars(item), error=job.error, error_code=job.error_code)
    return item


def batch_view(
    batch: Batch, jobs: list[Job], *, include_results: bool, window: slice = slice(None)
) -> BatchView:
    by_id = {j.id: j for j in jobs}
    pairs = list(enumerate(zip(batch.job_ids, batch.urls, strict=True)))[window]
    count = {
        s: sum(1 for j in jobs if j.status == s)
        for s in ("completed", "failed", "pending", "running")
    }
    return BatchView(
        batch_id=batch.id,
        type=batch.type,
        status=batch_status(batch, jobs),
        total_requests=len(batch.job_ids),
        total_urls=len(batch.urls),
        **count,
        credits_used=sum(j.credits_used for j in jobs),
        estimated_credits=batch.estimated_credits,
        invalid_items=batch.invalid_items,
        created_at=batch.created_at,
        completed_at=batch.completed_at,
        expires_at=batch.expires_at,
        items=[item_view(i, url, by_id.get(job_id), include_results) for i, (job_id, url) in pairs],
    )


class BatchWebhookItem(TypedDict):
    index: int
    job_id: str | None
    url: str
    status: str
    error_code: str | None


class BatchWebhookData(TypedDict):
    """``batch.completed`` / ``batch.failed`` data: where the items stand, without results."""

    batch_id: str
    type: str
    status: str
    total_requests: int
    completed: int
    failed: int
    credits_used: int
    results_url: str
    items: list[BatchWebhookItem]


def _webhook_item(item: AnyBatchItem) -> BatchWebhookItem:
    failed = item if isinstance(item, FailedBatchItem | ExpiredBatchItem) else None
    return {
        "index": item.index,
        "job_id": item.job_id,
        "url": item.url,
        "status": item.status,
        "error_code": failed.error_code if failed else None,
    }


def webhook_data(batch: Batch, jobs: list[Job]) -> tuple[str, BatchWebhookData]:
    view = batch_view(batch, jobs, include_results=False)
    event = "batch.completed" if view.status == "completed" else "batch.failed"
    return event, {
        "batch_id": batch.id,
        "type": batch.type,
        "status": view.status,
        "total_requests": view.total_requests,
        "completed": view.completed,
        "failed": view.failed,
        "credits_used": view.credits_used,
        "results_url": f"/api/v1/batch/{batch.id}",
        "items": [_webhook_item(item) for item in view.items],
    }
