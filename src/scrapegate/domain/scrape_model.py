"""The normalised scrape request with its floor tier, hashes and JSON form.

Built only by ``scrape_request.parse_scrape_request`` (or ``from_json`` for a persisted job), so
every value here has already passed the validation rules. Aliases are folded in: ``screenshot`` and
``wait_until`` live in ``advanced``, ``country``/``proxy_country`` in ``location``, ``asp`` in
``cost_controls.prefer_speed``, ``mode: "light"`` is ``"html"``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import orjson

from scrapegate.domain.json_codec import from_jsonable, to_jsonable
from scrapegate.domain.tiers import Tier
from scrapegate.domain.urls import TargetURL, normalized_url, parse_target_url

if TYPE_CHECKING:
    from scrapegate.domain.request_documents import ScrapeRequestDocument

Mode = Literal["auto", "html", "js", "pdf", "ocr"]
RenderJS = bool | Literal["auto"]
CacheOption = bool | Literal["only"]

DEFAULT_TIMEOUT_S = 90.0
DEFAULT_MAX_RESPONSE_BYTES = 5_242_880
DEFAULT_WAIT_FOR_TIMEOUT_MS = 10_000
DEFAULT_CACHE_TTL_S = 3_600


@dataclass(frozen=True)
class Location:
    country: str | None = None  # ISO 3166-1 alpha-2, upper case
    language: str | None = None  # ISO 639-1 or BCP 47


@dataclass(frozen=True)
class SectionFilter:
    min_content_blocks: int = 0
    exclude_content_types: tuple[str, ...] = ()
    content_only: bool = False


@dataclass(frozen=True)
class Viewport:
    width: int = 1366
    height: int = 768


@dataclass(frozen=True)
class Action:
    """One browser action. Fields that do not apply to ``type`` stay None; the ones that
    do carry their defaults."""

    type: str
    selector: str | None = None
    milliseconds: int | None = None
    timeout_ms: int | None = None
    state: str | None = None
    all: bool | None = None
    button: str | None = None
    count: int | None = None
    value: str | None = None
    text: str | None = None
    delay_ms: int | None = None
    key: str | None = None
    direction: str | None = None
    amount: int | None = None
    max_scrolls: int | None = None
    stop_selector: str | None = None
    full_page: bool | None = None
    script: str | None = None
    format: str | None = None
    landscape: bool | None = None


@dataclass(frozen=True)
class Advanced:
    render_js: RenderJS = False
    screenshot: bool = False
    full_page_screenshot: bool = True
    markdown: bool = False
    generate_pdf: bool = False
    ocr: bool = False
    use_proxy: bool = False
    use_own_proxy: bool = False
    use_system_proxy: bool = False
    proxy_integration_id: str | None = None
    remove_cookie_banners: bool = True
    wait_condition: str = "networkidle"
    scroll_to_load: bool = False
    scroll_count: int = 3
    include_iframes: bool = False
    flatten_shadow_dom: bool = False
    section_filter: SectionFilter | None = None
    session_id: str | None = None
    cookies: Mapping[str, str] | None = None
    session_headers: Mapping[str, str] | None = None
    actions: tuple[Action, ...] = ()
    only_main_content: bool = True
    include_selectors: tuple[str, ...] = ()
    exclude_selectors: tuple[str, ...] = ()
    block_ads: bool = True
    block_images: bool = False
    mobile: bool = False
    viewport: Viewport | None = None  # None: 1366x768, or 390x844 with ``mobile``
    skip_tls_verification: bool = False
    remove_base64_images: bool = True
    rag_chunk_tokens: int = 512
    rag_overlap_tokens: int = 64


@dataclass(frozen=True)
class CostControls:
    max_credits: int | None = None  # None: no bound (0 in the request means the same)
    max_tier: Tier | None = None  # None: the server default ("4", or "5" with auto CAPTCHA)
    force_tier: Tier | None = None
    prefer_cost: bool = False
    prefer_speed: bool = False
    fail_fast: bool = False
    fail_fast_tier: Tier = Tier.LIGHTJS
    time_budget: float | None = None

    def resolved_max_tier(self, captcha_auto_escalate: bool) -> Tier:
        if self.max_tier is not None:
            return self.max_tier
        return Tier.CAPTCHA if captcha_auto_escalate else Tier.BROWSER


@dataclass(frozen=True)
class ScrapeRequest:
    url: str  # verbatim, as echoed in the response
    mode: Mode = "auto"
    sync: bool | None = None  # None: absent from the body (matters for webhook-only requests)
    sync_wait_seconds: float | None = None
    formats: tuple[str, ...] | None = None  # None: omitted, ``content`` is the markdown string
    force_refresh: bool = False
    include_raw_html: bool = False
    timeout: float = DEFAULT_TIMEOUT_S
    evidence: bool = False
    promote_schema_org: bool = True
    extraction_schema: Mapping[str, Any] | None = None
    extraction_prompt: str | None = None
    extraction_profile: str | None = None
    extraction_provider: str | None = None
    extraction_model: str | None = None
    wait_for: str | None = None
    wait_for_timeout_ms: int = DEFAULT_WAIT_FOR_TIMEOUT_MS
    pdf_format: str = "markdown"
    ocr_language: str = "eng"
    headers: Mapping[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: str | None = None
    content_type: str | None = None  # application/json when ``body`` is set
    location: Location | None = None
    cache: CacheOption = False
    cache_ttl: int = DEFAULT_CACHE_TTL_S  # absent: the server's scrape.default_cache_ttl_s
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_events: tuple[str, ...] | None = None
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    respect_robots: bool = False
    min_tier: Tier | None = None
    advanced: Advanced = field(default_factory=Advanced)
    cost_controls: CostControls = field(default_factory=CostControls)

    @cached_property
    def target(self) -> TargetURL:
        return parse_target_url(self.url)

    @property
    def host(self) -> str:
        return self.target.host

    @property
    def country(self) -> str | None:
        return self.location.country if self.location is not None else None

    @property
    def uses_ocr(self) -> bool:
        return self.mode == "ocr" or self.advanced.ocr

    @property
    def floor_feature(self) -> tuple[Tier, str | None]:
        """The floor tier and the first feature that imposes it (None for tier 1)."""
        adv = self.advanced
        browser_features = (
            ('mode "js"', self.mode == "js"),
            ("render_js=true", adv.render_js is True),
            ("actions", bool(adv.actions)),
            ("screenshot", adv.screenshot),
            ("generate_pdf", adv.generate_pdf),
            ("scroll_to_load", adv.scroll_to_load),
            ("include_iframes", adv.include_iframes),
            ("flatten_shadow_dom", adv.flatten_shadow_dom),
        )
        for name, wanted in browser_features:
            if wanted:
                return Tier.BROWSER, name
        if self.wait_for is not None:
            return Tier.LIGHTJS, "wait_for"
        return Tier.CURL, None

    @property
    def floor_tier(self) -> Tier:
        return self.floor_feature[0]

    @property
    def lowest_start_tier(self) -> Tier:
        """The cheapest tier the first attempt may use before any playbook is consulted."""
        if self.cost_controls.force_tier is not None:
            return self.cost_controls.force_tier
        floor = self.floor_tier
        return max(floor, self.min_tier) if self.min_tier is not None else floor

    @property
    def browser_required(self) -> bool:
        """Whether validation already knows a browser tier must run (``render_js: "auto"``
        alone does not count: it only escalates when a JS shell is detected)."""
        forced = (self.cost_controls.force_tier, self.min_tier)
        return self.floor_tier.needs_browser or any(
            t is not None and t.needs_browser for t in forced
        )

    def to_json(self) -> ScrapeRequestDocument:
        """Every field, JSON-ready; secrets included because this is the persisted job form."""
        document: ScrapeRequestDocument = to_jsonable(self)
        return document

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScrapeRequest:
        return from_jsonable(cls, data)

    def canonical_hash(self) -> str:
        """SHA-256 over the canonical JSON of the normalised request (request coalescing)."""
        return _sha256_json(self.to_json())

    def cache_key(self, org_id: str) -> str:
        """The cache key: organization, normalised URL and every field that shapes the cached
        response."""
        adv = self.advanced
        parts = {
            "org": org_id,
            "url": normalized_url(self.target),
            "mode": self.mode,
            "formats": sorted(self.formats) if self.formats is not None else None,
            "render_js": adv.render_js,
            "wait_for": self.wait_for,
            "actions": to_jsonable(adv.actions),
            "location": to_jsonable(self.location),
            "headers": sorted((k.lower(), v) for k, v in self.headers.items()),
            "cookies": sorted(adv.cookies.items()) if adv.cookies is not None else None,
            "session_id": adv.session_id,
            "include_raw_html": self.include_raw_html,
            "extraction": [
                self.extraction_schema,
                self.extraction_prompt,
                self.extraction_profile,
                self.extraction_provider,
                self.extraction_model,
                self.evidence,
                self.promote_schema_org,
            ],
            "pdf_format": self.pdf_format,
            "ocr_language": self.ocr_language,
            "ocr": adv.ocr,
            "only_main_content": adv.only_main_content,
            "selectors": [list(adv.include_selectors), list(adv.exclude_selectors)],
            "section_filter": to_jsonable(adv.section_filter),
            "rag": [adv.rag_chunk_tokens, adv.rag_overlap_tokens],
            "remove_base64_images": adv.remove_base64_images,
        }
        return _sha256_json(parts)


def _sha256_json(value: Any) -> str:
    canonical = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()
