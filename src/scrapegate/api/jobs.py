"""GET /api/v1/jobs/{job_id} (spec core-api §9)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from scrapegate.api.auth import require, services_of
from scrapegate.api.params import resource_id
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import Job
from scrapegate.domain.timefmt import iso

router = APIRouter(prefix="/api/v1", tags=["jobs"])


@router.get("/jobs/{job_id}", summary="Poll an asynchronous job")
async def get_job(
    job_id: str, request: Request, who: Principal = Depends(require("read", polling=True))
) -> dict[str, Any]:
    services = services_of(request)
    job = await services.scrape.job_for(who.org_id, resource_id(job_id, "Job"))
    position = await services.storage.jobs.queue_position(job) if job.status == "pending" else 0
    return job_view(job, position)


def job_view(job: Job, queue_position: int) -> dict[str, Any]:
    view: dict[str, Any] = {
        "job_id": job.id,
        "type": job.type,
        "status": job.status,
        "created_at": iso(job.created_at),
    }
    if job.status == "pending":
        view["queue_position"] = queue_position
        return view
    view["started_at"] = iso(job.started_at)
    if job.status == "running":
        view.update(current_tier=job.current_tier or "1", attempt=max(job.attempt, 1))
        return view
    view["completed_at"] = iso(job.completed_at)
    if job.status == "completed":
        view.update(
            credits_used=job.credits_used, result=job.result, result_expires_at=iso(job.expires_at)
        )
    else:
        view.update(
            error=job.error or "Job failed",
            error_code=job.error_code,
            error_details=job.error_details,
            credits_refunded=job.credits_refunded,
        )
    return view
