"""What a crawl looks like on the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from scrapegate.domain.records import Crawl, CrawlPage, Job, utcnow
from scrapegate.domain.timefmt import iso
from scrapegate.storage.protocols import Storage


@dataclass(frozen=True)
class CrawlPageView:
    """One page of a crawl's results."""

    url: str
    depth: int
    job_id: str
    status: str
    status_code: int | None
    tier_used: str | None
    credits_used: int
    error: str | None
    error_code: str | None


@dataclass(frozen=True)
class CrawlPageResult(CrawlPageView):
    """A completed page, with its scrape result (stored JSON, as the scrape returned it)."""

    result: dict[str, Any] | None


@dataclass(frozen=True)
class CrawlView:
    """``GET /api/v1/crawl/{id}`` without results."""

    crawl_id: str
    url: str
    status: str
    cancelled: bool
    total: int
    completed: int
    failed: int
    pending: int
    running: int
    pages_scraped: int
    pages_total: int
    discovered: int
    robots_blocked: list[str]
    credits_used: int
    estimated_credits: int | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    expires_at: datetime | None
    stop_reason: str | None
    error: str | None


@dataclass(frozen=True)
class CrawlResultsView(CrawlView):
    """``GET /api/v1/crawl/{id}?include_results=true``: one window of pages."""

    pages: list[CrawlPageView]
    has_more: bool
    next_offset: int | None


def _page_view(page: CrawlPage, job: Job | None) -> CrawlPageView:
    result = (job.result or {}) if job is not None else {}
    view = CrawlPageView(
        url=page.url,
        depth=page.depth,
        job_id=page.job_id,
        status=job.status if job is not None else page.status,
        status_code=result.get("status_code"),
        tier_used=(result.get("billing") or {}).get("tier_used"),
        credits_used=job.credits_used if job is not None else 0,
        error=job.error if job is not None else None,
        error_code=job.error_code if job is not None else None,
    )
    if job is not None and job.status == "completed":
        return CrawlPageResult(**vars(view), result=job.result)
    return view


async def crawl_view(
    storage: Storage, crawl: Crawl, *, include_results: bool, offset: int, limit: int
) -> CrawlView:
    counts = await storage.crawls.page_counts(crawl.id)
    used, _, running = await storage.crawls.job_totals(crawl.id)
    view = CrawlView(
        crawl_id=crawl.id,
        url=crawl.url,
        status=crawl.status,
        cancelled=crawl.cancelled,
        total=counts["total"],
        completed=counts["completed"],
        failed=counts["failed"],
        pending=counts["queued"] - running,
        running=running,
        pages_scraped=counts["completed"],
        pages_total=counts["total"],
        discovered=counts["total"] + crawl.robots_blocked,
        robots_blocked=await storage.crawls.list_robots_blocked(crawl.id),
        credits_used=used,
        estimated_credits=None,
        created_at=crawl.created_at,
        started_at=crawl.started_at,
        completed_at=crawl.completed_at,
        expires_at=crawl.expires_at,
        stop_reason=crawl.stop_reason,
        error=crawl.error,
    )
    if not include_results:
        return view
    pages = await storage.crawls.list_pages(crawl.id, offset=offset, limit=limit)
    jobs = {j.id: j for j in await storage.jobs.get_many([p.job_id for p in pages])}
    has_more = offset + len(pages) < counts["total"]
    return CrawlResultsView(
        **vars(view),
        pages=[_page_view(p, jobs.get(p.job_id)) for p in pages],
        has_more=has_more,
        next_offset=offset + len(pages) if has_more else None,
    )


class CrawlStartedWebhook(TypedDict):
    crawl_id: str
    url: str
    estimated_pages: int
    max_pages: int


class PageEventData(TypedDict):
    crawl_id: str
    job_id: str
    url: str | None
    depth: int


class PageCompletedData(PageEventData):
    final_url: str | None
    status_code: int | None
    title: str | None
    tier_used: str | None
    credits_used: int
    response_time_ms: int | None
    completed: int
    failed: int
    total: int
    result: dict[str, Any]  # the page's stored scrape result; the event log leaves it out


class PageFailedData(PageEventData):
    error: str | None
    error_code: str | None
    status_code: None
    tiers_attempted: list[str | None]
    completed: int
    failed: int
    total: int


class PageCompletedWebhook(PageCompletedData):
    """``crawl.page`` for a completed page: the event with the job's status."""

    status: str


class PageFailedWebhook(PageFailedData):
    status: str


def _page_base(crawl: Crawl, job: Job, depth: int) -> PageEventData:
    return {"crawl_id": crawl.id, "job_id": job.id, "url": job.request.get("url"), "depth": depth}


def _completed_page(
    crawl: Crawl, job: Job, depth: int, counts: dict[str, int]
) -> PageCompletedData:
    result = job.result or {}
    billing = result.get("billing") or {}
    return {
        **_page_base(crawl, job, depth),
        "final_url": result.get("final_url"),
        "status_code": result.get("status_code"),
        "title": result.get("title"),
        "tier_used": billing.get("tier_used"),
        "credits_used": job.credits_used,
        "response_time_ms": result.get("response_time_ms"),
        "completed": counts["completed"],
        "failed": counts["failed"],
        "total": counts["total"],
        "result": result,
    }


def _failed_page(crawl: Crawl, job: Job, depth: int, counts: dict[str, int]) -> PageFailedData:
    attempts = (job.error_details or {}).get("attempts") or []
    return {
        **_page_base(crawl, job, depth),
        "error": job.error,
        "error_code": job.error_code,
        "status_code": None,
        "tiers_attempted": [a.get("tier") for a in attempts],
        "completed": counts["completed"],
        "failed": counts["failed"],
        "total": counts["total"],
    }


def page_event(
    crawl: Crawl, job: Job, depth: int, counts: dict[str, int]
) -> tuple[str, PageCompletedData | PageFailedData]:
    if job.status == "completed":
        return "page.completed", _completed_page(crawl, job, depth, counts)
    return "page.failed", _failed_page(crawl, job, depth, counts)


def page_webhook(
    crawl: Crawl, job: Job, depth: int, counts: dict[str, int]
) -> PageCompletedWebhook | PageFailedWebhook:
    """``crawl.page`` data: the page event, then the job's status."""
    if job.status == "completed":
        return {**_completed_page(crawl, job, depth, counts), "status": job.status}
    return {**_failed_page(crawl, job, depth, counts), "status": job.status}


class CrawlCompletedData(TypedDict):
    """The ``crawl.completed`` event of the stream."""

    crawl_id: str
    status: str
    cancelled: bool
    stop_reason: str | None
    completed: int
    failed: int
    total: int
    robots_blocked_count: int
    credits_used: int
    credits_refunded: int
    duration_ms: int
    expires_at: str | None


class CrawlEndedWebhook(CrawlCompletedData):
    """``crawl.completed`` / ``crawl.failed`` webhook data: the event, then where to read."""

    url: str
    results_url: str


async def completed_data(storage: Storage, crawl: Crawl) -> CrawlCompletedData:
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


def ended_webhook(data: CrawlCompletedData, crawl: Crawl) -> CrawlEndedWebhook:
    return {**data, "url": crawl.url, "results_url": f"/api/v1/crawl/{crawl.id}"}


class CrawlProgressData(TypedDict):
    crawl_id: str
    status: str
    completed: int
    failed: int
    pending: int
    running: int
    total: int
    discovered: int
    credits_used: int
    elapsed_ms: int
    pages_per_minute: float
    eta_ms: int | None


# The data of every webhook event a crawl sends.
CrawlWebhookData = (
    CrawlStartedWebhook | PageCompletedWebhook | PageFailedWebhook | CrawlEndedWebhook
)
# What a crawl's event log holds (page results are dropped before storing).
CrawlEventData = PageCompletedData | PageFailedData | CrawlProgressData | CrawlCompletedData


async def progress_data(storage: Storage, crawl: Crawl) -> CrawlProgressData:
    """The ``crawl.progress`` event, with a rate and a naive ETA."""
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


@dataclass(frozen=True)
class CrawlListItem:
    """One row of ``GET /api/v1/crawl``."""

    crawl_id: str
    url: str
    status: str
    total: int
    completed: int
    failed: int
    created_at: datetime


@dataclass(frozen=True)
class CrawlList:
    crawls: list[CrawlListItem]
    total: int
    limit: int
    offset: int
    has_more: bool


def list_item(crawl: Crawl, counts: dict[str, int]) -> CrawlListItem:
    return CrawlListItem(
        crawl_id=crawl.id,
        url=crawl.url,
        status=crawl.status,
        total=counts["total"],
        completed=counts["completed"],
        failed=counts["failed"],
        created_at=crawl.created_at,
    )


@dataclass(frozen=True)
class CrawlStarted:
    """``POST /api/v1/crawl`` accepted (``api/`` adds where to poll and stream)."""

    crawl_id: str
    status: str
    url: str
    estimated_pages: int
    total_enqueued: int
    estimated_credits: int
    max_pages: int
    created_at: datetime


@dataclass(frozen=True)
class CrawlCancelled:
    crawl_id: str
    status: str
    cancelled: bool
    cancelled_jobs: int
    credits_refunded: int
