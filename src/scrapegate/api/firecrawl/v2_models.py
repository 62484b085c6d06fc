"""Firecrawl v2 bodies: the scrape and map requests (lenient) and the Document they answer with.

Request models ignore unknown keys, so the official client's injected options (``origin``,
``fastMode``, ``integration``, …) pass silently; they also document the bodies in OpenAPI.
Response models dump with camelCase aliases and without null fields (only what was asked appears).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from scrapegate.api.body_docs import RequestModel

# Keys the official clients send that change nothing here (accepted without a debug line).
CLIENT_INJECTED_KEYS = frozenset(
    {
        "origin",
        "integration",
        "zeroDataRetention",
        "fastMode",
        "useMock",
        "minAge",
        "lockdown",
        "profile",
        "redactPII",
        "threatProtection",
        "auditMetadata",
        "checkPromptInjection",
        "domainTools",
        "toolDetail",
        "robotsUserAgent",
        "useIndex",
        "filterByPath",
        "agent",
        "enterprise",
        "highlights",
    }
)


class FirecrawlBody(RequestModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class ViewportBody(FirecrawlBody):
    width: int | None = None
    height: int | None = None


class FormatObject(FirecrawlBody):
    """``{type, …}`` form of a format; only the screenshot and json options matter here."""

    type: str
    full_page: bool | None = None
    quality: int | None = None
    viewport: ViewportBody | None = None
    schema_: dict[str, Any] | None = Field(None, alias="schema")
    prompt: str | None = None


class LocationBody(FirecrawlBody):
    country: str | None = None
    languages: list[str] | None = None


class ActionBody(FirecrawlBody):
    """One Firecrawl action; which fields apply depends on ``type``."""

    type: str
    milliseconds: int | None = None
    selector: str | None = None
    all: bool | None = None
    text: str | None = None
    key: str | None = None
    direction: str | None = None
    full_page: bool | None = None
    script: str | None = None
    format: str | None = None
    landscape: bool | None = None


class V2ScrapeBody(FirecrawlBody):
    """``POST /v2/scrape``."""

    url: str | None = Field(None, description="absolute http(s) URL")
    formats: list[str | FormatObject] | None = Field(None, description='default ["markdown"]')
    only_main_content: bool = True
    include_tags: list[str] | None = None
    exclude_tags: list[str] | None = None
    headers: dict[str, str] | None = None
    wait_for: int | None = Field(None, description="milliseconds, 0-60000")
    timeout: int | None = Field(None, description="milliseconds, 1000-300000 (default 60000)")
    mobile: bool = False
    skip_tls_verification: bool = True
    remove_base64_images: bool = True
    block_ads: bool = True
    proxy: str | None = Field(None, description="basic, auto, stealth or enhanced")
    location: LocationBody | None = None
    actions: list[ActionBody] | None = None
    parsers: list[str | dict[str, Any]] | None = None
    max_age: int | None = Field(None, description="milliseconds; 0 skips the cache lookup")
    store_in_cache: bool = True
    zero_data_retention: bool = False
    alexandria: list[Any] | dict[str, Any] | None = Field(None, description="not supported")


class V2MapBody(FirecrawlBody):
    """``POST /v2/map``."""

    url: str | None = Field(None, description="the start URL")
    search: str | None = None
    sitemap: Literal["include", "skip", "only"] = "include"
    include_subdomains: bool = True
    ignore_query_parameters: bool = True
    limit: int = Field(5_000, description="1-30000")
    timeout: int | None = Field(None, description="milliseconds")
    location: LocationBody | None = None


class WireBody(BaseModel):
    """A response part: camelCase on the wire, null fields left out."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class DocumentMetadata(WireBody):
    """The page's metadata; ``extra`` holds every other ``<meta>`` under its own name."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    title: str | None = None
    description: str | None = None
    language: str | None = None
    keywords: str | None = None
    robots: str | None = None
    og_title: str | None = None
    og_description: str | None = None
    og_url: str | None = None
    og_image: str | None = None
    og_audio: str | None = None
    og_determiner: str | None = None
    og_locale: str | None = None
    og_locale_alternate: list[str] | None = None
    og_site_name: str | None = None
    og_video: str | None = None
    favicon: str | None = None
    published_time: str | None = None
    modified_time: str | None = None
    source_url: str = Field(alias="sourceURL")
    url: str
    status_code: int
    content_type: str | None = None
    scrape_id: str
    num_pages: int | None = None
    proxy_used: Literal["basic", "stealth"]
    cache_state: Literal["hit", "miss"] | None = None
    cached_at: str | None = None
    credits_used: int
    tier_used: str
    error: str | None = None


class ActionsOutput(WireBody):
    screenshots: list[str] = []
    scrapes: list[dict[str, str]] = []
    javascript_returns: list[dict[str, Any]] = []
    pdfs: list[str] = []


class Document(WireBody):
    markdown: str | None = None
    html: str | None = None
    raw_html: str | None = None
    links: list[str] | None = None
    screenshot: str | None = None
    actions: ActionsOutput | None = None
    warning: str | None = None
    metadata: DocumentMetadata


class ScrapeResponse(WireBody):
    success: Literal[True] = True
    data: Document


class MapLink(WireBody):
    url: str
    title: str | None = None
    description: str | None = None


class MapResponse(WireBody):
    success: Literal[True] = True
    links: list[MapLink]
