"""Response model of ``POST /api/v1/map``: mirrors ``jobs.map_service``."""

from __future__ import annotations

from scrapegate.api.wire import WireModel


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
