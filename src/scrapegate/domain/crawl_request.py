"""POST /api/v1/crawl bodies: crawl options plus the per-page scrape."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapegate.domain.json_codec import from_jsonable
from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.domain.request_documents import CrawlOptionsDocument
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


def _page_request(
    body: Mapping[str, Any], url: str, ctx: ValidationContext
) -> tuple[ScrapeRequest, int | None]:
    """The scrape applied to every page, validated like a POST /scrape body, and the crawl-wide
    ``cost_controls.max_credits`` taken out of it."""
    # The caller's JSON, reshaped before validation: a crawl nests some scrape options.
    page: JsonObject = {k: body[k] for k in PAGE_FIELDS if body.get(k) is not None}
    page["url"] = url
    page.setdefault("formats", ["markdown"])
    # wait_for and timeout ride inside advanced for crawls.
    page.update(_take_nested(page, "advanced", ("wait_for", "timeout")))
    max_credits = _take_nested(page, "cost_controls", ("max_credits",)).get("max_credits")
    # Links come from the converter's parse; the HTML is kept only when the caller asks.
    page["include_raw_html"] = body.get("include_raw_html") is True
    return parse_scrape_request(page, ctx), _crawl_max_credits(max_credits)


def _take_nested(page: JsonObject, name: str, keys: tuple[str, ...]) -> JsonObject:
    """Takes ``keys`` out of the nested object ``page[name]``, copied since the body is the
    caller's; a value that is no object is left for the scrape rules to reject."""
    value = page.get(name)
    if value and not isinstance(value, dict):
        return {}
    nested: JsonObject = dict(value) if isinstance(value, dict) else {}
    taken = {key: nested.pop(key) for key in keys if key in nested}
    page[name] = nested
    return taken


def _crawl_max_credits(value: JsonValue | None) -> int | None:
    if value is not None and (not isinstance(value, int | float) or value < 0):
        raise InvalidRequest(
            "max_credits must be greater than or equal to 0", field="cost_controls.max_credits"
        )
    return int(value) if value else None


def parse_crawl_request(body: object, ctx: ValidationContext) -> CrawlRequest:
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    top = FieldReader(body)
    url, _ = read_url(top, ctx)
    page, max_credits = _page_request(body, url, ctx)
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
        max_credits=max_credits,
        webhook_url=webhook_url,
        webhook_secret=secret,
        webhook_events=events or DEFAULT_EVENTS,
    )


def crawl_options(req: CrawlRequest) -> CrawlOptionsDocument:
    """The JSON stored with the crawl, so a restarted server can go on with it."""
    return CrawlOptionsDocument(
        url=req.url,
        wants_raw_html=req.wants_raw_html,
        max_pages=req.max_pages,
        max_depth=req.max_depth,
        include_patterns=list(req.include_patterns),
        exclude_patterns=list(req.exclude_patterns),
        pattern_syntax=req.pattern_syntax,
        patterns_match_full_url=req.patterns_match_full_url,
        respect_robots=req.respect_robots,
        include_subdomains=req.include_subdomains,
        allow_external_links=req.allow_external_links,
        sitemap=req.sitemap,
        sitemap_path=req.sitemap_path,
        ignore_query_parameters=req.ignore_query_parameters,
        deduplicate_similar_urls=req.deduplicate_similar_urls,
        max_concurrency=req.max_concurrency,
        delay=req.delay,
        crawl_timeout=req.crawl_timeout,
        max_credits=req.max_credits,
        webhook_url=req.webhook_url,
        webhook_secret=req.webhook_secret,
        webhook_events=list(req.webhook_events),
        page=req.page.to_json(),
    )


def crawl_from_options(options: Mapping[str, Any]) -> CrawlRequest:
    """The crawl request back from its stored options (older ones may lack newer keys)."""
    return from_jsonable(CrawlRequest, options)
