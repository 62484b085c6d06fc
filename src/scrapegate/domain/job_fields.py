"""What callers derive from a stored job: its parsed request, where it came from, tiers tried."""

from __future__ import annotations

from typing import TypedDict

from scrapegate.domain.job_origin import JobSource
from scrapegate.domain.records import Job
from scrapegate.domain.scrape_request import ScrapeRequest


def job_request(job: Job) -> ScrapeRequest:
    return ScrapeRequest.from_json(job.request)


class LogOrigin(TypedDict):
    """Request-log columns saying where a job came from, as ``UsageRow`` keyword arguments."""

    source: JobSource
    endpoint_type: str
    crawl_id: str | None
    batch_id: str | None
    source_client: str | None


def log_origin(job: Job) -> LogOrigin:
    origin = job.origin
    source = origin.source
    return LogOrigin(
        source=source,
        endpoint_type="scrape" if source == "api" else source,
        crawl_id=origin.crawl_id,
        batch_id=origin.batch_id,
        source_client=origin.source_client,
    )


def tiers_attempted(job: Job) -> list[str]:
    billing = (job.result or {}).get("billing") or {}
    attempts = billing.get("escalations") or (job.error_details or {}).get("attempts") or []
    return [str(a["tier"]) for a in attempts if isinstance(a, dict) and "tier" in a]
