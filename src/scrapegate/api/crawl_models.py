"""Response models of the crawl routes (``api/crawl.py``).

Each mirrors a dataclass of ``jobs.crawl_views``; fields are declared in wire order, and a
``MISSING`` default leaves a key out when the dataclass has no such attribute.
"""

from __future__ import annotations

from typing import Any

from pydantic import MISSING

from scrapegate.api.wire import WireModel, WireTime
from scrapegate.jobs.crawl_views import CrawlStarted

CRAWL_STARTED_MESSAGE = "Crawl started. Poll GET /api/v1/crawl/{crawl_id} for progress."


def crawl_url(crawl_id: str) -> str:
    return f"/api/v1/crawl/{crawl_id}"


class CrawlStartedResponse(WireModel):
    crawl_id: str
    status: str
    url: str
    estimated_pages: int
    total_enqueued: int
    estimated_credits: int
    max_pages: int
    created_at: WireTime
    poll_url: str
    stream_url: str
    message: str

    @classmethod
    def of(cls, started: CrawlStarted) -> CrawlStartedResponse:
        poll = crawl_url(started.crawl_id)
        return cls.model_validate(
            vars(started)
            | {"poll_url": poll, "stream_url": f"{poll}/stream", "message": CRAWL_STARTED_MESSAGE}
        )


class CrawlPageBody(WireModel):
    url: str
    depth: int
    job_id: str
    status: str
    status_code: int | None
    tier_used: str | None
    credits_used: int
    error: str | None
    error_code: str | None
    result: dict[str, Any] | MISSING | None = MISSING  # completed pages only


class CrawlStatusResponse(WireModel):
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
    created_at: WireTime
    started_at: WireTime | None
    completed_at: WireTime | None
    expires_at: WireTime | None
    stop_reason: str | None
    error: str | None
    # With include_results=true only:
    pages: list[CrawlPageBody] | MISSING = MISSING
    has_more: bool | MISSING = MISSING
    next_offset: int | MISSING | None = MISSING


class CrawlListItemBody(WireModel):
    crawl_id: str
    url: str
    status: str
    total: int
    completed: int
    failed: int
    created_at: WireTime


class CrawlListResponse(WireModel):
    crawls: list[CrawlListItemBody]
    total: int
    limit: int
    offset: int
    has_more: bool


class CrawlCancelResponse(WireModel):
    crawl_id: str
    status: str
    cancelled: bool
    cancelled_jobs: int
    credits_refunded: int
