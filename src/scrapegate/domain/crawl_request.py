"""POST /api/v1/crawl bodies: crawl options plus the per-page scrape."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.request_rules import read_url, read_webhook
from scrapegate.domain.scrape_request import ScrapeRequest, parse_scrape_request
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import InvalidRequest

CRAWL_EVENTS = ("crawl.started", "crawl.page", "crawl.completed", "crawl.failed")
DEFAULT_EVENTS = ("crawl.started", "crawl.completed", "crawl.failed")
PAGE_FIELDS = (
    "formats",
    "extraction_schema",
    "extraction_profile",
    "extraction_prompt",
    "headers",
    "location",
    "cache",
    "cache_ttl",
    "mode",
    "advanced",
    "cost_controls",
)


@dataclass(frozen=True)
class CrawlRequest:
    url: str
    page: ScrapeRequest  # the scrape applied to every page (its url is the start URL)
    wants_raw_html: bool  # the caller asked for raw_html; otherwise it is only used for links
    max_pages: int = 50
    max_depth: int = 3
    include_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    pattern_syntax: str = "glob"
    patterns_match_full_url: bool = False
    respect_robots: bool = True
    include_subdomains: bool = False
    allow_external_links: bool = False
    sitemap: str = "include"
    sitemap_path: str | None = None
    ignore_query_parameters: bool = False
    deduplicate_similar_urls: bool = True
    max_concurrency: int = 10
    delay: float = 0.0
    crawl_timeout: int = 3_600
    max_credits: int | None = None  # for the whole crawl
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_events: tuple[str, ...] = DEFAULT_EVENTS

    def page_for(self, url: str) -> ScrapeRequest:
        return dataclasses.replace(self.page, url=url)


def _int(top: FieldReader, name: str, low: int, high: int, default: int) -> int:
    value = top.integer(name, low, high, f"{name} must be between {low} and {high}")
    return default if value is None else value


def _sitemap(top: FieldReader) -> str:
    value = top.raw("sitemap")
    if value is None:
        return "include"
    if isinstance(value, bool):
        return "include" if value else "skip"
    if value not in ("include", "skip", "only"):
        raise top.error("sitemap", "sitemap must be one of: include, skip, only")
    return str(value)


def _page_body(body: Mapping[str, Any], url: str) -> tuple[dict[str, Any], int | None]:
    page: dict[str, Any] = {k: body[k] for k in PAGE_FIELDS if body.get(k) is not None}
    page["url"] = url
    page.setdefault("formats", ["markdown"])
    advanced = dict(page.get("advanced") or {})
    for name in ("wait_for", "timeout"):  # these two ride inside advanced for crawls
        if name in advanced:
            page[name] = advanced.pop(name)
    page["advanced"] = advanced
    controls = dict(page.get("cost_controls") or {})
    max_credits = controls.pop("max_credits", None)
    page["cost_controls"] = controls
    page["include_raw_html"] = True  # links are read from the page's HTML
    return page, max_credits


def parse_crawl_request(body: object, ctx: ValidationContext) -> CrawlRequest:
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    top = FieldReader(body)
    url, _ = read_url(top, ctx)
    page_body, max_credits = _page_body(body, url)
    page = parse_scrape_request(page_body, ctx)
    if max_credits is not None and (not isinstance(max_credits, int | float) or max_credits < 0):
        raise InvalidRequest(
            "max_credits must be greater than or equal to 0", field="cost_controls.max_credits"
        )
    webhook_url, secret, events = read_webhook(top, ctx, CRAWL_EVENTS)
    syntax = top.raw("pattern_syntax") or "glob"
    if syntax not in ("glob", "regex"):
        raise top.error("pattern_syntax", "pattern_syntax must be one of: glob, regex")
    return CrawlRequest(
        url=url,
        page=page,
        wants_raw_html=body.get("include_raw_html") is True,
        max_pages=_int(top, "max_pages", 1, 100_000, 50),
        max_depth=_int(top, "max_depth", 0, 50, 3),
        include_patterns=top.string_list("include_patterns", max_items=100) or (),
        exclude_patterns=top.string_list("exclude_patterns", max_items=100) or (),
        pattern_syntax=str(syntax),
        patterns_match_full_url=top.boolean("patterns_match_full_url", False),
        respect_robots=top.boolean("respect_robots", True),
        include_subdomains=top.boolean("include_subdomains", False),
        allow_external_links=top.boolean("allow_external_links", False),
        sitemap=_sitemap(top),
        sitemap_path=top.string("sitemap_path", 2_048, "too long"),
        ignore_query_parameters=top.boolean("ignore_query_parameters", False),
        deduplicate_similar_urls=top.boolean("deduplicate_similar_urls", True),
        max_concurrency=_int(top, "max_concurrency", 1, 50, 10),
        delay=top.number("delay", 0, 60, "delay must be between 0 and 60 seconds") or 0.0,
        crawl_timeout=_int(top, "crawl_timeout", 60, 86_400, 3_600),
        max_credits=int(max_credits) if max_credits else None,
        webhook_url=webhook_url,
        webhook_secret=secret,
        webhook_events=events or DEFAULT_EVENTS,
    )


def crawl_options(req: CrawlRequest) -> dict[str, Any]:
    """The JSON stored with the crawl, so a restarted server can go on with it."""
    options = {f.name: getattr(req, f.name) for f in dataclasses.fields(req) if f.name != "page"}
    for name in ("include_patterns", "exclude_patterns", "webhook_events"):
        options[name] = list(options[name])
    options["page"] = req.page.to_json()
    return options


def crawl_from_options(options: Mapping[str, Any]) -> CrawlRequest:
    values = dict(options)
    page = ScrapeRequest.from_json(values.pop("page"))
    for name in ("include_patterns", "exclude_patterns", "webhook_events"):
        values[name] = tuple(values[name])
    return CrawlRequest(page=page, **values)
