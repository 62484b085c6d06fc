"""Firecrawl v2 crawl and batch-scrape bodies, and the status, errors and list answers.

Request models ignore unknown keys like the scrape body does; response models dump camelCase
without null fields, except where Firecrawl's clients need a key present (``data``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from scrapegate.api.firecrawl.v2_models import (
    Document,
    FirecrawlBody,
    V2ScrapeBody,
    WireBody,
)

JobStatus = Literal["scraping", "completed", "failed", "cancelled"]


class V2CrawlBody(FirecrawlBody):
    """``POST /v2/crawl``."""

    url: str | None = Field(None, description="the start URL")
    prompt: str | None = Field(None, description="ignored: no LLM turns it into options here")
    include_paths: list[str] | None = Field(None, description="regexes matched on the path")
    exclude_paths: list[str] | None = Field(None, description="regexes matched on the path")
    regex_on_full_url: bool = Field(False, alias="regexOnFullURL")
    max_discovery_depth: int | None = Field(None, description="default unlimited (50)")
    limit: int | None = Field(None, description="pages, default 10000 (at most 100000)")
    sitemap: Literal["include", "skip", "only"] = "include"
    ignore_query_parameters: bool = False
    deduplicate_similar_urls: bool = Field(True, alias="deduplicateSimilarURLs")
    crawl_entire_domain: bool = Field(False, description="false: stay under the start path")
    allow_external_links: bool = False
    allow_subdomains: bool = False
    ignore_robots_txt: bool = False
    delay: float | None = Field(None, description="seconds between requests to a host")
    max_concurrency: int | None = None
    scrape_options: V2ScrapeBody | None = None
    webhook: str | dict[str, Any] | None = Field(None, description="not supported yet")


class V2BatchScrapeBody(V2ScrapeBody):
    """``POST /v2/batch/scrape``: the URLs, and scrape options at the top level."""

    urls: list[Any] | None = Field(None, description="1-1000 absolute http(s) URLs")
    ignore_invalid_urls: bool = Field(False, alias="ignoreInvalidURLs")
    append_to_id: str | None = Field(None, description="not supported yet")
    max_concurrency: int | None = None
    webhook: str | dict[str, Any] | None = Field(None, description="not supported yet")


class JobStartedResponse(WireBody):
    success: Literal[True] = True
    id: str
    url: str
    invalid_urls: list[str] | None = Field(None, alias="invalidURLs")
    warning: str | None = None


class JobStatusResponse(WireBody):
    """A crawl or batch with one page of its documents."""

    success: Literal[True] = True
    status: JobStatus
    completed: int
    total: int
    credits_used: int
    expires_at: str
    next: str | None = None
    data: list[Document]
    error: str | None = None


class JobError(WireBody):
    id: str
    timestamp: str | None = None
    url: str
    code: str | None = None
    error: str


class JobErrorsResponse(WireBody):
    success: Literal[True] = True
    errors: list[JobError]
    robots_blocked: list[str]


class CancelResponse(WireBody):
    success: Literal[True] = True
    status: Literal["cancelled"] = "cancelled"


class ActiveCrawl(WireBody):
    id: str
    team_id: str
    url: str
    created_at: str = Field(alias="created_at")
    options: dict[str, Any] | None = None


class ActiveCrawlsResponse(WireBody):
    success: Literal[True] = True
    crawls: list[ActiveCrawl]
