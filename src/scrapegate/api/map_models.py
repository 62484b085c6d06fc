"""Request and response models of ``POST /api/v1/map``; the response mirrors
``jobs.map_service``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from scrapegate.api.body_docs import RequestModel, one_of
from scrapegate.api.wire import WireModel
from scrapegate.domain.map_request import SITEMAP_MODES


class MappedUrlBody(WireModel):
    url: str
    depth: int
    source: str
    lastmod: str | None
    title: str | None
    description: str | None
    relevance_score: float | None


class RobotsTxtBody(WireModel):
    exists: bool
    disallowed_paths: list[str]
    sitemaps: list[str]


class MapResponse(WireModel):
    map_id: str
    url: str
    total_urls: int
    sitemap_found: bool
    sitemaps: list[str]
    urls: list[MappedUrlBody]
    robots_txt: RobotsTxtBody
    robots_blocked_count: int
    truncated: bool
    stop_reason: str
    credits_used: int
    duration_ms: int


class MapRequestBody(RequestModel):
    """``POST /api/v1/map``."""

    url: str = Field(description="the start URL")
    max_pages: int = Field(500, ge=1, le=50_000, description="URLs returned at most")
    max_depth: int = Field(3, ge=0, le=10)
    include_patterns: list[str] | None = Field(None, max_length=100)
    exclude_patterns: list[str] | None = Field(None, max_length=100)
    search: str | None = Field(None, max_length=500, description="rank URLs by relevance")
    sitemap: Annotated[str, one_of(SITEMAP_MODES)] | bool = "include"
    sitemap_path: str | None = None
    include_metadata: bool = False
    include_subdomains: bool = False
    respect_robots: bool = True
    ignore_query_parameters: bool = False
    timeout: float = Field(25, ge=5, le=300, description="seconds")
