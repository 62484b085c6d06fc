"""What a batch looks like on the wire (spec core-api §12.2, §20.2 batch events)."""

from __future__ import annotations

from typing import Any

from scrapegate.domain.records import Batch, Job
from scrapegate.domain.timefmt import iso


def batch_status(batch: Batch, jobs: list[Job]) -> str:
    if batch.cancelled:
        return "cancelled"
    # Done once its last item's bookkeeping closed it (completed_at, expires_at), not before.
    if batch.completed_at is not None and jobs and all(j.terminal for j in jobs):
        return "completed" if any(j.status == "completed" for j in jobs) else "failed"
    if all(j.status == "pending" for j in jobs):
        return "pending"
    return "running"


def item_view(index: int, url: str, job: Job | None, include_results: bool) -> dict[str, Any]:
    if job is None:
        return {
            "index": index,
            "job_id": None,
            "url": url,
            "status": "failed",
            "error": "The job's result has expired",
            "error_code": "JOB_EXPIRED",
            "credits_used": 0,
        }
    item: dict[str, Any] = {
        "index": index,
        "job_id": job.id,
        "url": url,
        "status": job.status,
        "credits_used": job.credits_used,
    }
    if job.status == "completed" and include_results:
        item["result"] = job.result
    if job.status == "failed":
        item.update(error=job.error, error_code=job.error_code)
    return item


def batch_view(batch: Batch, jobs: list[Job], *, include_results: bool) -> dict[str, Any]:
    by_id = {j.id: j for j in jobs}
    items = [
        item_view(i, url, by_id.get(job_id), include_results)
        for i, (job_id, url) in enumerate(zip(batch.job_ids, batch.urls, strict=True))
    ]
    count = {
        s: sum(1 for j in jobs if j.status == s)
        for s in ("completed", "failed", "pending", "running")
    }
    return {
        "batch_id": batch.id,
        "type": batch.type,
        "status": batch_status(batch, jobs),
        "total_requests": len(batch.job_ids),
        "total_urls": len(batch.urls),
        **count,
        "credits_used": sum(j.credits_used for j in jobs),
        "estimated_credits": batch.estimated_credits,
        "invalid_items": batch.invalid_items,
        "created_at": iso(batch.created_at),
        "completed_at": iso(batch.completed_at),
        "expires_at": iso(batch.expires_at),
        "items": items,
    }


def webhook_data(batch: Batch, jobs: list[Job]) -> tuple[str, dict[str, Any]]:
    view = batch_view(batch, jobs, include_results=False)
    status = view["status"]
    event = "batch.completed" if status == "completed" else "batch.failed"
    items = [
        {k: item.get(k) for k in ("index", "job_id", "url", "status", "error_code")}
        for item in view["items"]
    ]
    return event, {
        "batch_id": batch.id,
        "type": batch.type,
        "status": status,
        "total_requests": view["total_requests"],
        "completed": view["completed"],
        "failed": view["failed"],
        "credits_used": view["credits_used"],
        "results_url": f"/api/v1/batch/{batch.id}",
        "items": items,
    }
