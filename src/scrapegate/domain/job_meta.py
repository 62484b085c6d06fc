"""What a job row carries besides the request: runner bookkeeping under ``_meta``."""

from __future__ import annotations

from typing import Any

from scrapegate.domain.records import Job
from scrapegate.domain.scrape_request import ScrapeRequest

# Bookkeeping stored beside the request in the job row (source client, estimate at admission).
META_KEY = "_meta"


def job_meta(job: Job) -> dict[str, Any]:
    meta = job.request.get(META_KEY)
    return meta if isinstance(meta, dict) else {}


def job_request(job: Job) -> ScrapeRequest:
    return ScrapeRequest.from_json({k: v for k, v in job.request.items() if k != META_KEY})


def job_source(job: Job) -> str:
    """Where a job came from: ``crawl``, ``batch`` or ``api``."""
    meta = job_meta(job)
    return "crawl" if meta.get("crawl_id") else "batch" if meta.get("batch_id") else "api"


def log_origin(job: Job) -> dict[str, Any]:
    """Request-log columns saying where a job came from (spec platform-api A.0 ``source``)."""
    meta = job_meta(job)
    crawl_id, batch_id = meta.get("crawl_id"), meta.get("batch_id")
    source = job_source(job)
    return {
        "source": source,
        "endpoint_type": "scrape" if source == "api" else source,
        "crawl_id": crawl_id,
        "batch_id": batch_id,
        "source_client": meta.get("source"),
    }


def tiers_attempted(job: Job) -> list[str]:
    billing = (job.result or {}).get("billing") or {}
    attempts = billing.get("escalations") or (job.error_details or {}).get("attempts") or []
    return [str(a["tier"]) for a in attempts if isinstance(a, dict) and "tier" in a]
