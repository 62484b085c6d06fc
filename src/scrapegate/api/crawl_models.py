"""Request and response models of the crawl routes (``api/crawl.py``).

Each response model mirrors a dataclass of ``jobs.crawl_views``; fields are declared in wire
order, and a ``MISSING`` default leaves a key out when the dataclass has no such attribute.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import MISSING, Field

from scrapegate.api.body_docs import one_of
from scrapegate.api.scrape_request_models import (
    AdvancedBody,
    CostControlsBody,
    Format,
    ScrapeOptionsBody,
)
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.crawl_request import CRAWL_EVENTS
from scrapegate.domain.map_request import SITEMAP_MODES
from scrapegate.domain.scrape_model import DEFAULT_TIMEOUT_S
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


class CrawlAdvancedBody(AdvancedBody):
    wait_for: str | None = Field(None, description="per page: a CSS selector to wait for")
    timeout: float = Field(DEFAULT_TIMEOUT_S, ge=1, le=300, description="per page, seconds")


class CrawlCostControlsBody(CostControlsBody):
    max_credits: int | None = Field(None, ge=0, description="for the whole crawl")


class CrawlRequestBody(ScrapeOptionsBody):
    """``POST /api/v1/crawl``: crawl options, and the scrape options of every page."""

    url: str = Field(description="the start URL")
    formats: list[Format] | None = Field(None, description='default ["markdown"]')
    advanced: CrawlAdvancedBody | None = None
    cost_controls: CrawlCostControlsBody | None = None
    include_raw_html: bool = False
    max_pages: int = Field(50, ge=1, le=100_000)
    max_depth: int = Field(3, ge=0, le=50)
    include_patterns: list[str] | None = Field(None, max_length=100)
    exclude_patterns: list[str] | None = Field(None, max_length=100)
    pattern_syntax: Literal["glob", "regex"] = "glob"
    patterns_match_full_url: bool = False
    respect_robots: bool = True
    include_subdomains: bool = False
    allow_external_links: bool = False
    sitemap: Annotated[str, one_of(SITEMAP_MODES)] | bool = "include"
    sitemap_path: str | None = None
    ignore_query_parameters: bool = False
    deduplicate_similar_urls: bool = True
    max_concurrency: int = Field(10, ge=1, le=50)
    delay: float = Field(0, ge=0, le=60, description="seconds between requests to a host")
    crawl_timeout: int = Field(3_600, ge=60, le=86_400)
    webhook_url: str | None = None
    webhook_secret: str | None = Field(None, min_length=16, max_length=256)
    webhook_events: list[Annotated[str, one_of(CRAWL_EVENTS)]] | None = None
