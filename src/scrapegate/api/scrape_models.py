"""Response models of ``POST /api/v1/scrape`` and ``GET /api/v1/jobs/{id}``.

Both routes are hot: they send bytes built without validating the (large) scrape result, and
these models document them in OpenAPI; ``ScrapeAcceptedResponse`` also builds the 202 body.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import MISSING, ConfigDict

from scrapegate.api.wire import WireModel, WireTime
from scrapegate.jobs.scrape_service import ScrapeAccepted

JOB_ACCEPTED_MESSAGE = "Job accepted. Poll GET /api/v1/jobs/{job_id} for the result."


def job_url(job_id: str) -> str:
    return f"/api/v1/jobs/{job_id}"


class ScrapeAcceptedResponse(WireModel):
    job_id: str
    status: Literal["pending", "running"]
    reason: Literal["sync_false", "webhook_only", "sync_budget_exceeded"]
    poll_url: str
    created_at: WireTime
    estimated_credits: int
    message: str

    @classmethod
    def of(cls, accepted: ScrapeAccepted) -> ScrapeAcceptedResponse:
        poll = job_url(accepted.job_id)
        return cls.model_validate(
            vars(accepted) | {"poll_url": poll, "message": JOB_ACCEPTED_MESSAGE}
        )


class ScrapeResultResponse(WireModel):
    """A finished scrape (documented in part: the engine assembles the whole body)."""

    model_config = ConfigDict(extra="allow")

    job_id: str
    url: str
    final_url: str
    status_code: int
    content: Any
    cached: bool
    credits_used: int
    billing: dict[str, Any]


class JobStatusResponse(WireModel):
    """A job at each stage: keys appear as it advances (pending, running, then its end)."""

    job_id: str
    type: str
    status: Literal["pending", "running", "completed", "failed"]
    created_at: WireTime
    queue_position: int | MISSING = MISSING  # pending
    started_at: WireTime | MISSING | None = MISSING
    current_tier: str | MISSING = MISSING  # running
    attempt: int | MISSING = MISSING
    completed_at: WireTime | MISSING | None = MISSING
    credits_used: int | MISSING = MISSING  # completed
    result: dict[str, Any] | MISSING | None = MISSING
    result_expires_at: WireTime | MISSING | None = MISSING
    error: str | MISSING = MISSING  # failed
    error_code: str | MISSING | None = MISSING
    error_details: dict[str, Any] | MISSING | None = MISSING
    credits_refunded: int | MISSING = MISSING
