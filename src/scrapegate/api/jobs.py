"""GET /api/v1/jobs/{job_id}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic_core import to_json

from scrapegate.api.deps import PollingPrincipal, ScrapeServiceDep, StorageDep
from scrapegate.api.params import resource_id
from scrapegate.api.scrape_models import JobStatusResponse
from scrapegate.domain.records import Job
from scrapegate.domain.timefmt import iso

router = APIRouter(prefix="/api/v1", tags=["jobs"])


@router.get(
    "/jobs/{job_id}",
    summary="Poll an asynchronous job",
    response_class=Response,
    responses={
        200: {
            "model": JobStatusResponse,
            "description": "The job",
            "content": {"application/json": {}},
        }
    },
)
async def get_job(
    job_id: str, who: PollingPrincipal, scrapes: ScrapeServiceDep, storage: StorageDep
) -> Response:
    job = await scrapes.job_for(who.org_id, resource_id(job_id, "Job"))
    position = await storage.jobs.queue_position(job) if job.status == "pending" else 0
    return job_response(job, position)


def job_response(job: Job, queue_position: int) -> Response:
    """The ``JobStatusResponse`` shape, serialised straight from the job: the poll is hot and
    the result large, so nothing is validated (pydantic's encoder, as a dict route had)."""
    view: dict[str, Any] = {
        "job_id": job.id,
        "type": job.type,
        "status": job.status,
        "created_at": iso(job.created_at),
    }
    if job.status == "pending":
        view["queue_position"] = queue_position
    elif job.status == "running":
        view.update(
            started_at=iso(job.started_at),
            current_tier=job.current_tier or "1",
            attempt=max(job.attempt, 1),
        )
    elif job.status == "completed":
        view.update(started_at=iso(job.started_at), completed_at=iso(job.completed_at))
        view.update(
            credits_used=job.credits_used, result=job.result, result_expires_at=iso(job.expires_at)
        )
    else:
        view.update(started_at=iso(job.started_at), completed_at=iso(job.completed_at))
        view.update(
            error=job.error or "Job failed",
            error_code=job.error_code,
            error_details=job.error_details,
            credits_refunded=job.credits_refunded,
        )
    return Response(to_json(view), media_type="application/json")
