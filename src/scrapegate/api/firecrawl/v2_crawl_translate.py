"""Firecrawl v2 crawl and batch-scrape bodies to the core requests (pure functions).

The per-page scrape options go through the scrape translation, so a crawl's pages and a batch's
items are scraped exactly as ``POST /v2/scrape`` would scrape them; the core's own crawl and
batch validation then judge the result, as they judge an AlterLab body.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from scrapegate.api.crawl_models import CrawlAdvancedBody, CrawlRequestBody
from scrapegate.api.firecrawl.v2_crawl_models import V2BatchScrapeBody, V2CrawlBody
from scrapegate.api.firecrawl.v2_models import V2ScrapeBody
from scrapegate.api.firecrawl.v2_translate import check_url, core_scrape_body, read_body
from scrapegate.api.scrape_request_models import AdvancedBody, ScrapeRequestBody
from scrapegate.domain.batch_request import BatchRequest, parse_batch_request
from scrapegate.domain.crawl_request import PAGE_FIELDS, CrawlRequest, parse_crawl_request
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import FeatureUnavailable, InvalidRequest, InvalidURL

DEFAULT_CRAWL_LIMIT = 10_000
MAX_CRAWL_LIMIT = 100_000
MAX_CRAWL_DEPTH = 50  # also stands for Firecrawl's "unlimited"
MAX_CORE_CONCURRENCY = 50
MAX_BATCH_URLS = 1_000
PROMPT_WARNING = "The prompt was ignored: no LLM turns it into crawl options on this server."
# A batch item's own fields: the rest of a scrape body is shared by every item.
BATCH_ITEM_FIELDS = frozenset({"url", "sync_wait_seconds"})


@dataclass(frozen=True)
class CrawlPlan:
    request: CrawlRequest
    warning: str | None


@dataclass(frozen=True)
class BatchPlan:
    request: BatchRequest
    invalid_urls: tuple[str, ...] | None  # only when the caller asked to skip invalid URLs


def reject_unserved(webhook: object, append_to_id: str | None = None) -> None:
    """Options whose Firecrawl behaviour this server does not reproduce yet: a loud 501 rather
    than deliveries in another shape, or a second batch the caller did not ask for."""
    if webhook is not None:
        raise FeatureUnavailable("Webhooks are not supported by this server yet", "firecrawl")
    if append_to_id is not None:
        raise FeatureUnavailable("appendToId is not supported by this server", "firecrawl")


def crawl_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_CRAWL_LIMIT
    if limit <= 0:
        raise InvalidRequest("limit must be greater than 0", "limit")
    return min(limit, MAX_CRAWL_LIMIT)


def crawl_depth(depth: int | None) -> int:
    if depth is None:
        return MAX_CRAWL_DEPTH
    if depth < 0:
        raise InvalidRequest("maxDiscoveryDepth must not be negative", "maxDiscoveryDepth")
    return min(depth, MAX_CRAWL_DEPTH)


def concurrency(value: int | None) -> int | None:
    """Firecrawl's ``maxConcurrency`` is a ceiling: the core's own ceiling applies below it."""
    if value is None:
        return None
    if value <= 0:
        raise InvalidRequest("maxConcurrency must be greater than 0", "maxConcurrency")
    return min(value, MAX_CORE_CONCURRENCY)


def start_path_pattern(url: str, full_url: bool) -> str | None:
    """The regex that keeps a crawl under its start URL's path (None for a site root).

    It matches the path itself and whatever lies below it, never a sibling that merely shares
    its first characters (``/docs`` covers ``/docs/a``, not ``/docs-archive``)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path:
        return None
    prefix = re.escape(path)
    if full_url:
        return rf"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*{prefix}(?:[/?#]|$)"
    return rf"^{prefix}(?:/|$)"


def check_patterns(patterns: list[str] | None, field: str) -> None:
    """Firecrawl answers a bad regex with a 400 (the core would only find it mid-start)."""
    for index, pattern in enumerate(patterns or []):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InvalidRequest(f"Invalid regular expression: {exc}", f"{field}.{index}") from None


def include_patterns(body: V2CrawlBody, url: str) -> list[str]:
    """``includePaths``, each AND-ed with the start-path condition unless ``crawlEntireDomain``:
    patterns are searched, so the condition is a leading anchor before a lazy gap."""
    includes = list(body.include_paths or [])
    scope = None if body.crawl_entire_domain else start_path_pattern(url, body.regex_on_full_url)
    if scope is None:
        return includes
    if not includes:
        return [scope]
    anchored = scope.removeprefix("^")
    return [rf"^(?={anchored})[\s\S]*?(?:{pattern})" for pattern in includes]


def page_scrape(
    options: V2ScrapeBody | None, url: str, ctx: ValidationContext
) -> tuple[ScrapeRequestBody, int]:
    """The core scrape of every page (or item) and its timeout in seconds."""
    scrape = (options or V2ScrapeBody()).model_copy(update={"url": url})
    core, _, timeout_ms = core_scrape_body(scrape, ctx)
    return core, math.ceil(timeout_ms / 1000)


def _set_fields(model: BaseModel, names: Iterable[str]) -> dict[str, Any]:
    """The fields the translation set, as they are (nested models stay models)."""
    chosen = model.model_fields_set.intersection(names)
    return {name: getattr(model, name) for name in chosen if getattr(model, name) is not None}


def crawl_body(body: V2CrawlBody, url: str, ctx: ValidationContext) -> CrawlRequestBody:
    page, timeout_s = page_scrape(body.scrape_options, url, ctx)
    fields = _set_fields(page, PAGE_FIELDS)
    if page.force_refresh:  # a crawl page cannot skip the lookup alone (maxAge 0): no cache
        fields["cache"] = False
        fields.pop("cache_ttl", None)
    advanced = page.advanced or AdvancedBody.model_construct()
    # A crawl carries the per-page timeout inside ``advanced``.
    fields["advanced"] = CrawlAdvancedBody.model_construct(
        **_set_fields(advanced, AdvancedBody.model_fields), timeout=timeout_s
    )
    crawl: dict[str, Any] = {
        "url": url,
        "include_raw_html": page.include_raw_html,
        "max_pages": crawl_limit(body.limit),
        "max_depth": crawl_depth(body.max_discovery_depth),
        "include_patterns": include_patterns(body, url) or None,
        "exclude_patterns": body.exclude_paths or None,
        "pattern_syntax": "regex",
        "patterns_match_full_url": body.regex_on_full_url,
        "respect_robots": not body.ignore_robots_txt,
        "include_subdomains": body.allow_subdomains,
        "allow_external_links": body.allow_external_links,
        "sitemap": body.sitemap,
        "ignore_query_parameters": body.ignore_query_parameters,
        "deduplicate_similar_urls": body.deduplicate_similar_urls,
        "max_concurrency": concurrency(body.max_concurrency),
        "delay": body.delay,
    }
    chosen = {name: value for name, value in crawl.items() if value is not None}
    return CrawlRequestBody.model_construct(**fields, **chosen)


def plan_v2_crawl(raw: object, ctx: ValidationContext) -> CrawlPlan:
    return plan_crawl(read_body(raw, V2CrawlBody), ctx)


def plan_crawl(body: V2CrawlBody, ctx: ValidationContext) -> CrawlPlan:
    url = check_url(body.url)
    reject_unserved(body.webhook)
    check_patterns(include_patterns(body, url), "includePaths")  # as the core will see them
    check_patterns(body.exclude_paths, "excludePaths")
    core = crawl_body(body, url, ctx)
    # Unvalidated on purpose: the core's crawl rules judge it (parse_crawl_request).
    request = parse_crawl_request(core.model_dump(exclude_unset=True), ctx)
    return CrawlPlan(request, PROMPT_WARNING if body.prompt else None)


def split_urls(urls: list[object] | None, skip_invalid: bool) -> tuple[list[str], list[str]]:
    """(usable, refused) by Firecrawl's URL rule; a refused one is a 400 unless skipped."""
    if not urls:
        raise InvalidURL("Invalid URL: no URLs were given", "urls")
    if len(urls) > MAX_BATCH_URLS:
        raise InvalidRequest(f"urls must hold at most {MAX_BATCH_URLS} URLs", "urls")
    usable: list[str] = []
    refused: list[str] = []
    for index, url in enumerate(urls):
        text = url if isinstance(url, str) else None
        try:
            usable.append(check_url(text))
        except InvalidURL:
            if not skip_invalid:
                raise InvalidURL(f"Invalid URL: {url}", f"urls.{index}") from None
            refused.append(str(url))
    return usable, refused


def plan_v2_batch(raw: object, ctx: ValidationContext) -> BatchPlan:
    return plan_batch(read_body(raw, V2BatchScrapeBody), ctx)


def plan_batch(body: V2BatchScrapeBody, ctx: ValidationContext) -> BatchPlan:
    reject_unserved(body.webhook, body.append_to_id)
    concurrency(body.max_concurrency)  # validated; the core paces batch items itself
    urls, refused = split_urls(body.urls, body.ignore_invalid_urls)
    if not urls:
        raise InvalidURL("Invalid URL: no valid URLs were given", "urls")
    page, _ = page_scrape(body, urls[0], ctx)  # the batch body is a scrape body too
    shared = page.model_dump(exclude=set(BATCH_ITEM_FIELDS), exclude_none=True, exclude_unset=True)
    core = {"urls": urls, "defaults": shared, "ignore_invalid": body.ignore_invalid_urls}
    request = parse_batch_request(core, ctx, MAX_BATCH_URLS)
    # The core's own URL rules (network policy) may refuse more of them when skipping is on.
    refused += [urls[item["index"]] for item in request.invalid_items]
    return BatchPlan(request, tuple(refused) if body.ignore_invalid_urls else None)
