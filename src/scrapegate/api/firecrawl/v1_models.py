"""Firecrawl v1 bodies: the v2 bodies with v1's option names and defaults.

Each model only adds what v1 names differently; ``v1_translate`` rewrites a read v1 body into
the v2 body it stands for, so both versions share one translation to the core.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from scrapegate.api.firecrawl.v2_crawl_models import V2BatchScrapeBody, V2CrawlBody
from scrapegate.api.firecrawl.v2_models import (
    FirecrawlBody,
    LocationBody,
    V2ScrapeBody,
    WireBody,
)

V1_TIMEOUT_MS = 30_000


class JsonOptionsBody(FirecrawlBody):
    """v1 ``jsonOptions`` / ``extract``: what the ``json`` and ``extract`` formats ask for."""

    schema_: dict[str, Any] | None = Field(None, alias="schema")
    prompt: str | None = None
    system_prompt: str | None = None


class V1ScrapeBody(V2ScrapeBody):
    """``POST /v1/scrape`` (also a v1 crawl's ``scrapeOptions``): v1's defaults differ."""

    timeout: int | None = Field(V1_TIMEOUT_MS, description="milliseconds (default 30000)")
    skip_tls_verification: bool = False
    proxy: str | None = Field("basic", description="basic, auto, stealth or enhanced")
    max_age: int | None = Field(0, description="milliseconds; 0 (the default) skips the cache")
    parse_pdf: bool | None = Field(None, alias="parsePDF")
    geolocation: LocationBody | None = Field(None, description="alias of location")
    json_options: JsonOptionsBody | None = None
    extract: JsonOptionsBody | None = None
    change_tracking_options: dict[str, Any] | None = None


class V1CrawlBody(V2CrawlBody):
    """``POST /v1/crawl``."""

    max_depth: int | None = Field(None, description="default 10")
    allow_backward_links: bool | None = Field(None, description="alias of crawlEntireDomain")
    ignore_sitemap: bool = False
    scrape_options: V1ScrapeBody | None = None


class V1BatchScrapeBody(V1ScrapeBody, V2BatchScrapeBody):
    """``POST /v1/batch/scrape``: the URLs, and v1 scrape options at the top level."""


class V1MapBody(FirecrawlBody):
    """``POST /v1/map``."""

    url: str | None = Field(None, description="the start URL")
    search: str | None = None
    ignore_sitemap: bool = False
    sitemap_only: bool = False
    include_subdomains: bool = True
    ignore_query_parameters: bool = True
    limit: int = Field(5_000, description="1-30000")
    timeout: int | None = Field(None, description="milliseconds")
    location: LocationBody | None = None


class V1MapResponse(WireBody):
    success: Literal[True] = True
    links: list[str]
