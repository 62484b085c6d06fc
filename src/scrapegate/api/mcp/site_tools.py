"""The multi-page tools: crawl (and waiting for one with progress notifications), map, search
and batch scrapes; each an HTTP call to the scrapegate API with the caller's key."""

from __future__ import annotations

import anyio
from mcp_types import CallToolResult

from scrapegate.api.mcp.gateway import ApiCaller
from scrapegate.api.mcp.tool_args import (
    Advanced,
    BatchId,
    BatchUrls,
    Country,
    CrawlId,
    Domain,
    ExtractionProfile,
    ExtractionSchema,
    Formats,
    IgnoreInvalid,
    IncludeMetadata,
    IncludeResults,
    IncludeSubdomains,
    Language,
    Limit,
    MapSearch,
    MaxConcurrency,
    MaxDepth,
    MaxPages,
    NumResults,
    Offset,
    Page,
    Patterns,
    Query,
    RenderJs,
    RespectRobots,
    SafeSearch,
    ScrapeDefaults,
    ScrapeResults,
    Sitemap,
    SitemapPath,
    TimeRange,
    Url,
    UseProxy,
    Wait,
    WaitTimeout,
    WebhookUrl,
)
from scrapegate.api.mcp.tools import ToolContext, api_body, caller_of, compact, json_result, path_id
from scrapegate.domain.json_types import JsonObject

CRAWL_ENDS = ("completed", "partial", "failed")


def crawl_path(crawl_id: str) -> str:
    return f"/api/v1/crawl/{path_id(crawl_id)}"


def _count(status: JsonObject, key: str) -> int:
    value = status.get(key)
    return value if isinstance(value, int) else 0


async def wait_for_crawl(
    ctx: ToolContext, caller: ApiCaller, crawl_id: str, patience_s: float
) -> JsonObject:
    """Poll the crawl until it ends or ``patience_s`` passes, sending a progress notification
    whenever more pages are done (progress must only grow)."""
    interval = ctx.request_context.lifespan_context.config.poll_interval_s
    deadline = anyio.current_time() + patience_s
    reported = -1
    while True:
        status = (await caller.get(crawl_path(crawl_id))).body
        done = _count(status, "completed") + _count(status, "failed")
        if done > reported:
            total = _count(status, "total") or None
            message = f"{status.get('status')}: {done} of {total or '?'} pages done"
            await ctx.report_progress(done, total, message)
            reported = done
        if status.get("status") in CRAWL_ENDS or anyio.current_time() >= deadline:
            return status
        await anyio.sleep(interval)


async def alterlab_crawl(
    ctx: ToolContext,
    url: Url,
    max_pages: MaxPages = None,
    max_depth: MaxDepth = None,
    include_patterns: Patterns = None,
    exclude_patterns: Patterns = None,
    sitemap: Sitemap = None,
    formats: Formats = None,
    extraction_schema: ExtractionSchema = None,
    extraction_profile: ExtractionProfile = None,
    render_js: RenderJs = None,
    use_proxy: UseProxy = None,
    max_concurrency: MaxConcurrency = None,
    respect_robots: RespectRobots = None,
    include_subdomains: IncludeSubdomains = None,
    webhook_url: WebhookUrl = None,
    advanced: Advanced = None,
    wait: Wait = False,
    wait_timeout: WaitTimeout = 600.0,
    include_results: IncludeResults = None,
) -> CallToolResult:
    """Crawl a website: discover its URLs (sitemaps and links) and scrape every page. Returns
    the crawl_id at once; poll with alterlab_crawl_status. With wait=true the call lasts until
    the crawl ends (progress notifications on the way) and returns its status, and with
    include_results=true every page's content too."""
    body = api_body(locals(), leave_out=("wait", "wait_timeout", "include_results"))
    caller = caller_of(ctx)
    started = (await caller.post("/api/v1/crawl", body)).body
    if not wait:
        return json_result(started)
    crawl_id = str(started.get("crawl_id"))
    status = await wait_for_crawl(ctx, caller, crawl_id, wait_timeout)
    if include_results:
        status = (await caller.get(crawl_path(crawl_id), {"include_results": True})).body
    return json_result(status)


async def alterlab_crawl_status(
    ctx: ToolContext,
    crawl_id: CrawlId,
    include_results: IncludeResults = None,
    offset: Offset = None,
    limit: Limit = None,
) -> CallToolResult:
    """A crawl's progress (discovering, running, completed, partial, failed) and page counts;
    with include_results=true its pages' content, paged by offset and limit."""
    params = compact(include_results=include_results, offset=offset, limit=limit)
    return json_result((await caller_of(ctx).get(crawl_path(crawl_id), params)).body)


async def alterlab_crawl_cancel(ctx: ToolContext, crawl_id: CrawlId) -> CallToolResult:
    """Cancel a crawl: pages not yet started are dropped and their reserved credits released;
    pages already scraped stay available through alterlab_crawl_status."""
    return json_result((await caller_of(ctx).delete(crawl_path(crawl_id))).body)


async def alterlab_search(
    ctx: ToolContext,
    query: Query,
    num_results: NumResults = None,
    page: Page = None,
    domain: Domain = None,
    country: Country = None,
    language: Language = None,
    time_range: TimeRange = None,
    safe_search: SafeSearch = None,
    scrape_results: ScrapeResults = None,
    formats: Formats = None,
    extraction_schema: ExtractionSchema = None,
) -> CallToolResult:
    """Search the web and return the results (URL, title, snippet); with scrape_results=true
    every result page is scraped too (billed per page, like a scrape)."""
    body = api_body(locals())
    return json_result((await caller_of(ctx).post("/api/v1/search", body)).body)


async def alterlab_map(
    ctx: ToolContext,
    url: Url,
    max_pages: MaxPages = None,
    max_depth: MaxDepth = None,
    include_patterns: Patterns = None,
    exclude_patterns: Patterns = None,
    search: MapSearch = None,
    sitemap: Sitemap = None,
    sitemap_path: SitemapPath = None,
    include_metadata: IncludeMetadata = None,
    include_subdomains: IncludeSubdomains = None,
    respect_robots: RespectRobots = None,
) -> CallToolResult:
    """Discover a website's URLs (robots.txt, sitemaps, feeds and links) without scraping
    them: a list of URLs with where each was found and its depth."""
    body = api_body(locals())
    return json_result((await caller_of(ctx).post("/api/v1/map", body)).body)


async def alterlab_batch_scrape(
    ctx: ToolContext,
    urls: BatchUrls,
    defaults: ScrapeDefaults = None,
    ignore_invalid: IgnoreInvalid = None,
) -> CallToolResult:
    """Submit up to 100 scrapes at once; returns a batch_id at once, poll it with
    alterlab_batch_status. The whole estimate is reserved up front and unused credits are
    refunded."""
    body = api_body(locals())
    return json_result((await caller_of(ctx).post("/api/v1/batch", body)).body)


async def alterlab_batch_status(
    ctx: ToolContext,
    batch_id: BatchId,
    include_results: IncludeResults = None,
    offset: Offset = None,
    limit: Limit = None,
) -> CallToolResult:
    """A batch's progress and its items (with their results unless include_results=false)."""
    params = compact(include_results=include_results, offset=offset, limit=limit)
    path = f"/api/v1/batch/{path_id(batch_id)}"
    return json_result((await caller_of(ctx).get(path, params)).body)


SITE_TOOLS = (
    alterlab_crawl,
    alterlab_crawl_status,
    alterlab_crawl_cancel,
    alterlab_search,
    alterlab_map,
    alterlab_batch_scrape,
    alterlab_batch_status,
)
