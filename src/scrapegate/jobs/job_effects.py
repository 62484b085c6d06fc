"""What follows a job's end, apart from its own row: the request-log line and the webhook.

Each write is keyed by the job (a fixed request-log id, one webhook delivery per job and
event), so replaying a job's effects after its worker died writes nothing twice.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol, TypedDict

from scrapegate.domain.job_fields import job_request, log_origin, tiers_attempted
from scrapegate.domain.records import Job, UsageRow, utcnow
from scrapegate.domain.timefmt import iso
from scrapegate.engine.domains import registrable_domain
from scrapegate.jobs.batch_views import BatchWebhookData
from scrapegate.jobs.crawl_views import CrawlWebhookData
from scrapegate.jobs.search_views import (
    SearchBatchWebhookData,
    SearchCompletedData,
    SearchFailedData,
)
from scrapegate.storage.protocols import Storage

EFFECTS_NAMESPACE = uuid.UUID("5b8f0c1e-6a57-4f0e-9a43-2d7f3f0e9c11")


class JobWebhookData(TypedDict):
    job_id: str
    job_type: str
    url: str
    status: str


class JobCompletedData(JobWebhookData):
    status_code: int | None  # the target's
    credits_used: int
    tier_used: str | None
    completed_at: str | None
    result: dict[str, Any]  # the stored scrape result


class JobFailedData(JobWebhookData):
    error: str | None
    error_code: str | None
    credits_refunded: int
    failed_at: str | None


# The data of every webhook event jobs send.
WebhookData = (
    JobCompletedData
    | JobFailedData
    | BatchWebhookData
    | SearchCompletedData
    | SearchFailedData
    | SearchBatchWebhookData
    | CrawlWebhookData
)


class WebhookSink(Protocol):
    async def enqueue(
        self,
        *,
        org_id: str,
        url: str,
        secret: str,
        event: str,
        data: WebhookData,
        job_id: str | None = None,
    ) -> Any: ...


def log_row_id(job_id: str) -> str:
    return str(uuid.uuid5(EFFECTS_NAMESPACE, f"{job_id}:scrape"))


def usage_row(job: Job) -> UsageRow:
    req = job_request(job)
    result = job.result or {}
    done = job.status == "completed"
    status = int(result.get("status_code") or 200) if done else 0
    started = job.started_at or job.created_at
    latency = int(((job.completed_at or utcnow()) - started).total_seconds() * 1000)
    return UsageRow(
        id=log_row_id(job.id),
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
        tier=job.current_tier if done else None,
        credits=job.credits_used,
        bytes=job.size_bytes,
        cache_hit=False,
        error_code=None if done else job.error_code,
        **log_origin(job),
        status=job.status,
        target_status_code=status or None,
        tiers_attempted=tiers_attempted(job),
        proxy_country=req.country,
        created_at=job.created_at,
        completed_at=job.completed_at,
    )


def webhook_event(job: Job) -> tuple[str, JobCompletedData | JobFailedData]:
    url = job_request(job).url
    base: JobWebhookData = {
        "job_id": job.id,
        "job_type": job.type,
        "url": url,
        "status": job.status,
    }
    if job.status == "completed":
        result = job.result or {}
        completed: JobCompletedData = {
            **base,
            "status_code": result.get("status_code"),
            "credits_used": job.credits_used,
            "tier_used": job.current_tier,
            "completed_at": iso(job.completed_at),
            "result": result,
        }
        return "job.completed", completed
    failed: JobFailedData = {
        **base,
        "error": job.error,
        "error_code": job.error_code,
        "credits_refunded": job.credits_refunded,
        "failed_at": iso(job.completed_at),
    }
    return "job.failed", failed


class JobEffects:
    def __init__(self, storage: Storage, webhooks: WebhookSink | None) -> None:
        self._storage = storage
        self._webhooks = webhooks

    async def record(self, job: Job) -> None:
        await self._storage.usage.append_once(usage_row(job))
        if self._webhooks is None or not job.webhook_url:
            return
        event, data = webhook_event(job)
        await self._webhooks.enqueue(
            org_id=job.org_id,
            url=job.webhook_url,
            secret=job.webhook_secret or "",
            event=event,
            data=data,
            job_id=job.id,
        )
