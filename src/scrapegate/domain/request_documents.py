"""The JSON documents a validated request is stored as: a job's ``request``, a crawl's ``options``.

Each mirrors its dataclass field for field (tuples as lists, tiers as their values); a restarted
server reads them back with ``from_jsonable``, so a key renamed here is a stored shape changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NotRequired, TypedDict

if TYPE_CHECKING:
    from scrapegate.domain.json_types import JsonObject
    from scrapegate.domain.scrape_model import CacheOption, Mode, RenderJS


class LocationDocument(TypedDict):
    country: str | None
    language: str | None


class SectionFilterDocument(TypedDict):
    min_content_blocks: int
    exclude_content_types: list[str]
    content_only: bool


class ViewportDocument(TypedDict):
    width: int
    height: int


class ActionDocument(TypedDict):
    type: str
    selector: str | None
    milliseconds: int | None
    timeout_ms: int | None
    state: str | None
    all: bool | None
    button: str | None
    count: int | None
    value: str | None
    text: str | None
    delay_ms: int | None
    key: str | None
    direction: str | None
    amount: int | None
    max_scrolls: int | None
    stop_selector: str | None
    full_page: bool | None
    script: str | None
    format: str | None
    landscape: bool | None


class AdvancedDocument(TypedDict):
    render_js: RenderJS
    screenshot: bool
    full_page_screenshot: bool
    markdown: bool
    generate_pdf: bool
    ocr: bool
    use_proxy: bool
    use_own_proxy: bool
    use_system_proxy: bool
    proxy_integration_id: str | None
    remove_cookie_banners: bool
    wait_condition: str
    scroll_to_load: bool
    scroll_count: int
    include_iframes: bool
    flatten_shadow_dom: bool
    section_filter: SectionFilterDocument | None
    session_id: str | None
    cookies: dict[str, str] | None
    session_headers: dict[str, str] | None
    actions: list[ActionDocument]
    only_main_content: bool
    include_selectors: list[str]
    exclude_selectors: list[str]
    block_ads: bool
    block_images: bool
    mobile: bool
    viewport: ViewportDocument | None
    skip_tls_verification: bool
    remove_base64_images: bool
    rag_chunk_tokens: int
    rag_overlap_tokens: int


class CostControlsDocument(TypedDict):
    max_credits: int | None
    max_tier: str | None  # a Tier value: "1" to "5", or "3.5"
    force_tier: str | None
    prefer_cost: bool
    prefer_speed: bool
    fail_fast: bool
    fail_fast_tier: str
    time_budget: float | None


class ScrapeRequestDocument(TypedDict):
    """A ``ScrapeRequest``: every field, secrets included (it is what a worker runs)."""

    url: str
    mode: Mode
    sync: bool | None
    sync_wait_seconds: float | None
    formats: list[str] | None
    force_refresh: bool
    include_raw_html: bool
    timeout: float
    evidence: bool
    promote_schema_org: bool
    extraction_schema: JsonObject | None  # the caller's JSON schema
    extraction_prompt: str | None
    extraction_profile: str | None
    extraction_provider: str | None
    extraction_model: str | None
    wait_for: str | None
    wait_for_timeout_ms: int
    pdf_format: str
    ocr_language: str
    headers: dict[str, str]
    method: str
    body: str | None
    content_type: str | None
    location: LocationDocument | None
    cache: CacheOption
    cache_ttl: int
    webhook_url: str | None
    webhook_secret: str | None
    webhook_events: list[str] | None
    max_response_bytes: int
    respect_robots: bool
    min_tier: str | None
    advanced: AdvancedDocument
    cost_controls: CostControlsDocument


class CrawlOptionsDocument(TypedDict):
    """A ``CrawlRequest`` (``page`` last), so a restarted server can go on with the crawl."""

    url: str
    wants_raw_html: bool
    max_pages: int
    max_depth: int
    include_patterns: list[str]
    exclude_patterns: list[str]
    pattern_syntax: str
    patterns_match_full_url: bool
    respect_robots: bool
    include_subdomains: bool
    allow_external_links: bool
    sitemap: str
    sitemap_path: str | None
    ignore_query_parameters: bool
    deduplicate_similar_urls: bool
    max_concurrency: int
    delay: float
    crawl_timeout: int
    max_credits: int | None
    webhook_url: str | None
    webhook_secret: str | None
    webhook_events: list[str]
    page: ScrapeRequestDocument


class ResultScrapeOptions(TypedDict, total=False):
    """The scrape options of a search, as the caller sent them: each result's scrape gets them."""

    formats: list[str]
    extraction_schema: JsonObject  # the caller's JSON schema
    extraction_profile: str
    extraction_prompt: str
    advanced: JsonObject  # forwarded verbatim, aliases and all
    cost_controls: JsonObject


class ResultScrapeBody(ResultScrapeOptions):
    """The ``POST /scrape``-shaped body that scrapes one search result."""

    url: str
    sync: bool
    sync_wait_seconds: float


class SearchOptionsDocument(TypedDict):
    num_results: int
    page: int
    country: str | None
    language: str | None
    time_range: str | None
    safe_search: str
    scrape_results: bool
    scrape_options: NotRequired[ResultScrapeOptions]  # only when scrape_results is true


class SearchRequestDocument(SearchOptionsDocument):
    """A ``SearchRequest`` as stored with its job (secrets excluded), its options flattened in."""

    query: str
    domain: str | None
    sync: bool
    webhook_url: str | None
