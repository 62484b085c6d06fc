"""What a crawl looks like on the wire (spec core-api §13.2, §13.4, §20.2 crawl events)."""

from __future__ import annotations

from typing import Any

from scrapegate.domain.records import Crawl, CrawlPage, Job, utcnow
from scrapegate.domain.timefmt import iso
from scrapegate.storage.protocols import Storage


def _page_view(page: CrawlPage, job: Job | None, include_results: bool) -> dict[str, Any]:
    result = (job.result or {}) if job is not None else {}
    view: dict[str, Any] = {
        "url": page.url,
        "depth": page.depth,
        "job_id": page.job_id,
        "status": job.status if job is not None else page.status,
        "status_code": result.get("status_code"),
        "tier_used": (result.get("billing") or {}).get("tier_used"),
        "credits_used": job.credits_used if job is not None else 0,
        "error": job.error if job is not None else None,
        "error_code": job.error_code if job is not None else None,
    }
    if include_results and job is not None and job.status == "completed":
        view["result"] = job.result
    return view


async def crawl_view(
    storage: Storage, crawl: Crawl, *, include_results: bool, offset: int, limit: int
) -> dict[str, Any]:
    counts = await storage.crawls.page_counts(crawl.id)
    used, _, running = await storage.crawls.job_totals(crawl.id)
    view: dict[str, Any] = {
        "crawl_id": crawl.id,
        "url": crawl.url,
        "status": crawl.status,
        "cancelled": crawl.cancelled,
        "total": counts["total"],
        "completed": counts["completed"],
        "failed": counts["failed"],
        "pending": counts["queued"] - running,
        "running": running,
        "pages_scraped": counts["completed"],
        "pages_total": counts["total"],
        "discovered": counts["total"] + crawl.robots_blocked,
        "robots_blocked": await storage.crawls.list_robots_blocked(crawl.id),
        "credits_used": used,
        "estimated_credits": None,
        "created_at": iso(crawl.created_at),
        "started_at": iso(crawl.started_at),
        "completed_at": iso(crawl.completed_at),
        "expires_at": iso(crawl.expires_at),
        "stop_reason": crawl.stop_reason,
        "error": crawl.error,
    }
    if include_results:
        pages = await storage.crawls.list_pages(crawl.id, offset=offset, limit=limit)
        jobs = {j.id: j for j in await storage.jobs.get_many([p.job_id for p in pages])}
        view["pages"] = [_page_view(p, jobs.get(p.job_id), True) for p in pages]
        has_more = offset + len(pages) < counts["total"]
        view.update(has_more=has_more, next_offset=offset + len(pages) if has_more else None)
    return view


def page_event(
    crawl: Crawl, job: Job, depth: int, counts: dict[str, int]
) -> tuple[str, dict[str, Any]]:
    result = job.result or {}
    progress = {
        "completed": counts["completed"],
        "failed": counts["failed"],
        "total": counts["total"],
    }
    base = {"crawl_id": crawl.id, "job_id": job.id, "url": job.request.get("url"), "depth": depth}
    if job.status == "completed":
        billing = result.get("billing") or {}
        return "page.completed", {
            **base,
            "final_url": result.get("final_url"),
            "status_code": result.get("status_code"),
            "title": result.get("title"),
            "tier_used": billing.get("tier_used"),
            "credits_used": job.credits_used,
            "response_time_ms": result.get("response_time_ms"),
            **progress,
            "result": result,
        }
    attempts = (job.error_details or {}).get("attempts") or []
    return "page.failed", {
        **base,
        "error": job.error,
        "error_code": job.error_code,
        "status_code": None,
        "tiers_attempted": [a.get("tier") for a in attempts],
        **progress,
    }


async def completed_data(storage: Storage, crawl: Crawl) -> dict[str, Any]:
    counts = await storage.crawls.page_counts(crawl.id)
    used, refunded, _ = await storage.crawls.job_totals(crawl.id)
    started = crawl.started_at or crawl.created_at
    ended = crawl.completed_at or utcnow()
    return {
        "crawl_id": crawl.id,
        "status": crawl.status,
        "cancelled": crawl.cancelled,
        "stop_reason": crawl.stop_reason,
        "completed": counts["completed"],
        "failed": counts["failed"],
        "total": counts["total"],
        "robots_blocked_count": crawl.robots_blocked,
        "credits_used": used,
        "credits_refunded": refunded,
        "duration_ms": int((ended - started).total_seconds() * 1000),
        "expires_at": iso(crawl.expires_at),
    }


async def progress_data(storage: Storage, crawl: Crawl) -> dict[str, Any]:
    """The ``crawl.progress`` event (spec core-api §13.4), with a rate and a naive ETA."""
    counts = await storage.crawls.page_counts(crawl.id)
    used, _, running = await storage.crawls.job_totals(crawl.id)
    elapsed_s = max((utcnow() - (crawl.started_at or crawl.created_at)).total_seconds(), 0.001)
    done = counts["completed"] + counts["failed"]
    per_minute = done * 60.0 / elapsed_s
    left = counts["queued"]
    return {
        "crawl_id": crawl.id,
        "status": crawl.status,
        "completed": counts["completed"],
        "failed": counts["failed"],
        "pending": left - running,
        "running": running,
        "total": counts["total"],
        "discovered": counts["total"] + crawl.robots_blocked,
        "credits_used": used,
        "elapsed_ms": int(elapsed_s * 1000),
        "pages_per_minute": round(per_minute, 1),
        "eta_ms": int(left * 60_000 / per_minute) if per_minute > 0 else None,
    }


def list_item(crawl: Crawl, counts: dict[str, int]) -> dict[str, Any]:
    """One row of ``GET /api/v1/crawl``."""
    return {
        "crawl_id": crawl.id,
        "url": crawl.url,
        "status": crawl.status,
        "total": counts["total"],
        "completed": counts["completed"],
        "failed": counts["failed"],
        "created_at": iso(crawl.created_at),
    }
