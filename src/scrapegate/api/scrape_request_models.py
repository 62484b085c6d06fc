"""The body of ``POST /api/v1/scrape`` (and ``/scrape/estimate``) as OpenAPI shows it.

The route validates the raw JSON with the domain's rules (domain/scrape_request.py); these models
only document it. Every enum is the tuple the matching rule checks against, so the two cannot
drift. Batch, crawl and search bodies reuse the parts.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from scrapegate.api.body_docs import RequestModel, one_of
from scrapegate.domain.action_rules import ACTION_PARAMS, ACTION_TYPES, MAX_ACTIONS
from scrapegate.domain.advanced_rules import CONTENT_TYPES as SECTION_TYPES
from scrapegate.domain.advanced_rules import MAX_SELECTORS, WAIT_CONDITIONS
from scrapegate.domain.request_rules import (
    CONTENT_TYPES,
    FORMATS,
    LLM_PROVIDERS,
    MAX_PROMPT_CHARS,
    MAX_RESPONSE_BYTES,
    METHODS,
    MODE_ALIASES,
    MODES,
    PROFILES,
    WEBHOOK_EVENTS,
)
from scrapegate.domain.scrape_model import (
    DEFAULT_CACHE_TTL_S,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT_S,
    DEFAULT_WAIT_FOR_TIMEOUT_MS,
)
from scrapegate.domain.tier_rules import MAX_WAIT_FOR_CHARS, PDF_FORMATS
from scrapegate.domain.tiers import TIER_ORDER

TierChoice = Annotated[str, one_of(tier.value for tier in TIER_ORDER)]
Format = Annotated[str, one_of(FORMATS)]


def _choices(action: str, param: str) -> tuple[str, ...]:
    return ACTION_PARAMS[action][param].choices


class LocationBody(RequestModel):
    country: str | None = Field(None, description="ISO 3166-1 alpha-2: the proxy exit country")
    language: str | None = Field(None, description="ISO 639-1 or BCP 47: Accept-Language")


class CostControlsBody(RequestModel):
    max_credits: int | None = Field(None, ge=0, description="0 or absent: no bound")
    max_tier: TierChoice | None = None
    force_tier: TierChoice | None = None
    prefer_cost: bool = False
    prefer_speed: bool = False
    fail_fast: bool = False
    fail_fast_tier: TierChoice | None = None
    time_budget: float | None = Field(None, ge=5, le=300, description="seconds")


class SectionFilterBody(RequestModel):
    min_content_blocks: int = Field(0, ge=0)
    exclude_content_types: list[Annotated[str, one_of(SECTION_TYPES)]] | None = None
    content_only: bool = False


class ViewportBody(RequestModel):
    width: int = Field(1366, ge=320, le=3840)
    height: int = Field(768, ge=240, le=2160)


class BrowserActionBody(RequestModel):
    """One browser action; which fields apply depends on ``type``."""

    type: Annotated[str, one_of(ACTION_TYPES)]
    selector: str | None = None
    milliseconds: int | None = Field(None, description="wait")
    timeout_ms: int | None = Field(None, description="wait_for, click")
    state: Annotated[str, one_of(_choices("wait_for", "state"))] | None = None
    all: bool | None = Field(None, description="click")
    button: Annotated[str, one_of(_choices("click", "button"))] | None = None
    count: int | None = Field(None, description="click")
    value: str | None = Field(None, description="fill")
    text: str | None = Field(None, description="type")
    delay_ms: int | None = Field(None, description="type, infinite_scroll")
    key: str | None = Field(None, description="press: a Playwright key name")
    direction: Annotated[str, one_of(_choices("scroll", "direction"))] | None = None
    amount: int | None = Field(None, description="scroll: screens")
    max_scrolls: int | None = Field(None, description="infinite_scroll")
    stop_selector: str | None = Field(None, description="infinite_scroll")
    full_page: bool | None = Field(None, description="screenshot")
    script: str | None = Field(None, description="evaluate")
    format: Annotated[str, one_of(_choices("pdf", "format"))] | None = None
    landscape: bool | None = Field(None, description="pdf")


class AdvancedBody(RequestModel):
    render_js: bool | Literal["auto"] = False
    screenshot: bool = False
    full_page_screenshot: bool = True
    markdown: bool = False
    generate_pdf: bool = False
    ocr: bool = False
    use_proxy: bool = False
    use_own_proxy: bool = False
    use_system_proxy: bool = False
    proxy_integration_id: str | None = None
    proxy_country: str | None = None
    remove_cookie_banners: bool = True
    wait_condition: Annotated[str, one_of(WAIT_CONDITIONS)] = "networkidle"
    scroll_to_load: bool = False
    scroll_count: int = Field(3, ge=1, le=10)
    include_iframes: bool = False
    flatten_shadow_dom: bool = False
    section_filter: SectionFilterBody | None = None
    session_id: str | None = None
    cookies: dict[str, str] | None = None
    session_headers: dict[str, str] | None = None
    actions: list[BrowserActionBody] | None = Field(None, max_length=MAX_ACTIONS)
    only_main_content: bool = True
    include_selectors: list[str] | None = Field(None, max_length=MAX_SELECTORS)
    exclude_selectors: list[str] | None = Field(None, max_length=MAX_SELECTORS)
    block_ads: bool = True
    block_images: bool = False
    mobile: bool = False
    viewport: ViewportBody | None = None
    skip_tls_verification: bool = False
    remove_base64_images: bool = True
    rag_chunk_tokens: int = Field(512, ge=64, le=4096)
    rag_overlap_tokens: int = Field(64, ge=0)


class ScrapeOptionsBody(RequestModel):
    """What a scrape asks for besides its URL: shared by batch items, crawl pages and search
    results."""

    mode: Annotated[str, one_of((*MODES, *MODE_ALIASES))] = "auto"
    formats: list[Format] | None = None
    extraction_schema: dict[str, Any] | None = None
    extraction_prompt: str | None = Field(None, max_length=MAX_PROMPT_CHARS)
    extraction_profile: Annotated[str, one_of(PROFILES)] | None = None
    extraction_provider: Annotated[str, one_of(LLM_PROVIDERS)] | None = None
    extraction_model: str | None = None
    headers: dict[str, str] | None = None
    location: LocationBody | None = None
    cache: bool | Literal["only"] = False
    cache_ttl: int = Field(DEFAULT_CACHE_TTL_S, ge=60, le=86_400)
    advanced: AdvancedBody | None = None
    cost_controls: CostControlsBody | None = None


class ScrapeFieldsBody(ScrapeOptionsBody):
    """Every scrape field but the URL: what a batch's ``defaults`` may set."""

    sync: bool = True
    sync_wait_seconds: float | None = Field(None, ge=1, le=120)
    force_refresh: bool = False
    include_raw_html: bool = False
    timeout: float = Field(DEFAULT_TIMEOUT_S, ge=1, le=300)
    evidence: bool = False
    promote_schema_org: bool = True
    wait_for: str | None = Field(None, max_length=MAX_WAIT_FOR_CHARS)
    wait_for_timeout_ms: int = Field(DEFAULT_WAIT_FOR_TIMEOUT_MS, ge=100, le=60_000)
    screenshot: bool | None = Field(None, description="alias of advanced.screenshot")
    wait_until: Annotated[str, one_of(WAIT_CONDITIONS)] | None = Field(
        None, description="alias of advanced.wait_condition"
    )
    pdf_format: Annotated[str, one_of(PDF_FORMATS)] = "markdown"
    ocr_language: str = "eng"
    method: Annotated[str, one_of(METHODS)] = "GET"
    body: str | None = None
    content_type: Annotated[str, one_of(CONTENT_TYPES)] | None = None
    country: str | None = Field(None, description="legacy alias of location.country")
    webhook_url: str | None = None
    webhook_secret: str | None = Field(None, min_length=16, max_length=256)
    webhook_events: list[Annotated[str, one_of(WEBHOOK_EVENTS)]] | None = None
    max_response_bytes: int = Field(DEFAULT_MAX_RESPONSE_BYTES, ge=0, le=MAX_RESPONSE_BYTES)
    respect_robots: bool = False
    min_tier: TierChoice | None = None
    asp: bool | None = Field(None, description="legacy alias of cost_controls.prefer_speed")


class ScrapeRequestBody(ScrapeFieldsBody):
    url: str = Field(max_length=8_192, description="absolute http(s) URL")
