"""Firecrawl v2 scrape and map bodies to the core requests (pure functions).

A body becomes the core body model and then passes the core's own validation, so a Firecrawl
request obeys exactly the rules an AlterLab request does; Firecrawl's extra rules run first.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError

from scrapegate.api.firecrawl.v2_document import DocumentView
from scrapegate.api.firecrawl.v2_models import (
    CLIENT_INJECTED_KEYS,
    ActionBody,
    FirecrawlBody,
    FormatObject,
    V2MapBody,
    V2ScrapeBody,
)
from scrapegate.api.map_models import MapRequestBody
from scrapegate.api.scrape_request_models import (
    AdvancedBody,
    BrowserActionBody,
    CostControlsBody,
    LocationBody,
    ScrapeRequestBody,
)
from scrapegate.domain.map_request import MapRequest, parse_map_request
from scrapegate.domain.scrape_request import ScrapeRequest, parse_scrape_request
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import FeatureUnavailable, InvalidRequest, InvalidURL

log = logging.getLogger(__name__)

BodyT = TypeVar("BodyT", bound=FirecrawlBody)

DEFAULT_TIMEOUT_MS = 60_000
DEFAULT_MAX_AGE_MS = 172_800_000
MAX_CACHE_TTL_S = 86_400  # the core cache keeps entries at most a day
MIN_CACHE_TTL_S = 60
MAX_SYNC_WAIT_S = 120  # the core's sync hold; the route waits out the rest of ``timeout``
MAX_ACTIONS = 50
MAX_ACTION_WAIT_MS = 60_000
CORE_WAIT_CHUNK_MS = 30_000  # the core's longest single wait action
MAX_MAP_LIMIT = 30_000
OUTPUT_FORMATS = frozenset({"markdown", "html", "rawHtml", "links", "screenshot"})
UNSERVED_FORMATS = frozenset({"json", "summary"})
IGNORED_FORMATS = frozenset(
    {
        "images",
        "changeTracking",
        "branding",
        "product",
        "menu",
        "query",
        "question",
        "highlights",
        "attributes",
        "audio",
        "video",
    }
)
FORMAT_ALIASES = {"raw_html": "rawHtml", "screenshot@fullPage": "screenshot"}
PROXIES = ("basic", "auto", "stealth", "enhanced")


@dataclass(frozen=True)
class FormatChoice:
    """The Firecrawl outputs asked for, and a warning for each format this server ignores."""

    wanted: frozenset[str]
    full_page_screenshot: bool = False
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScrapePlan:
    """The core request, how to present its result, and how long to hold the connection."""

    request: ScrapeRequest
    view: DocumentView
    hold_seconds: float


@dataclass(frozen=True)
class CacheChoice:
    cache: bool = False
    ttl: int | None = None
    force_refresh: bool = False


@dataclass(frozen=True)
class MapPlan:
    request: MapRequest
    explicit_timeout: bool  # only a caller's own timeout makes an expired map a 408


def read_body(raw: object, model: type[BodyT]) -> BodyT:
    """The body as ``model``; a type error becomes the core's 400 with the field's path."""
    if not isinstance(raw, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    unknown = set(raw) - known_keys(model) - CLIENT_INJECTED_KEYS
    if unknown:
        log.debug("ignored Firecrawl body keys: %s", ", ".join(sorted(map(str, unknown))))
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _invalid(exc) from None


@functools.cache
def known_keys(model: type[FirecrawlBody]) -> frozenset[str]:
    return frozenset(field.alias or name for name, field in model.model_fields.items())


def _invalid(exc: ValidationError) -> InvalidRequest:
    first = exc.errors()[0]
    loc = [str(part) for part in first["loc"]]
    if loc and loc[0] == "formats":
        position = loc[1] if len(loc) > 1 else ""
        return InvalidRequest(f"Invalid format: {first.get('input')!r}", f"formats.{position}")
    return InvalidRequest(str(first["msg"]), ".".join(loc[:2]) or None)


def check_url(url: str | None) -> str:
    """Firecrawl's own URL rule; the core's rules (SSRF, length) run after it."""
    parts = urlsplit(url or "")
    if url is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InvalidURL("Invalid URL", "url")
    return url


def read_formats(formats: list[str | FormatObject] | None) -> FormatChoice:
    wanted: set[str] = set()
    screenshots = 0
    full_page = False
    warnings: list[str] = []
    for entry in formats if formats is not None else ["markdown"]:
        raw = entry if isinstance(entry, str) else entry.type
        kind = FORMAT_ALIASES.get(raw, raw)
        if kind == "json":
            _check_json_format(entry)
        if kind in UNSERVED_FORMATS:
            raise FeatureUnavailable(
                f'The "{kind}" format is not supported by this server', "firecrawl"
            )
        if kind in IGNORED_FORMATS:
            warnings.append(f'Format "{kind}" is not supported by this server and was ignored')
            continue
        if kind not in OUTPUT_FORMATS:
            raise InvalidRequest(f"Invalid format: {raw}", "formats")
        if kind == "screenshot":
            screenshots += 1
            full_page = raw == "screenshot@fullPage" or (
                isinstance(entry, FormatObject) and bool(entry.full_page)
            )
        wanted.add(kind)
    if screenshots > 1:
        raise InvalidRequest("Only one screenshot format is allowed", "formats")
    return FormatChoice(frozenset(wanted), full_page, tuple(warnings))


def _check_json_format(entry: str | FormatObject) -> None:
    if isinstance(entry, str) or (entry.schema_ is None and entry.prompt is None):
        raise InvalidRequest("json format requires a schema or a prompt", "formats")


def read_timing(body: V2ScrapeBody) -> tuple[int, int]:
    """(timeout, waitFor) in milliseconds, by Firecrawl's rules."""
    timeout = body.timeout
    if timeout is not None and not 1_000 <= timeout <= 300_000:
        raise InvalidRequest("timeout must be between 1000 and 300000", "timeout")
    wait = body.wait_for or 0
    if not 0 <= wait <= 60_000:
        raise InvalidRequest("waitFor must be between 0 and 60000", "waitFor")
    if timeout is not None and wait > timeout / 2:
        raise InvalidRequest("waitFor must not exceed half of timeout", "waitFor")
    return (DEFAULT_TIMEOUT_MS if timeout is None else timeout), wait


def _waits(milliseconds: int) -> list[BrowserActionBody]:
    """One wait as core waits (each at most 30 s)."""
    chunks: list[BrowserActionBody] = []
    while milliseconds > 0:
        step = min(milliseconds, CORE_WAIT_CHUNK_MS)
        chunks.append(BrowserActionBody.model_construct(type="wait", milliseconds=step))
        milliseconds -= step
    return chunks


def core_actions(actions: list[ActionBody] | None, wait_ms: int) -> list[BrowserActionBody]:
    """``waitFor`` as a leading wait, then each Firecrawl action as core actions."""
    actions = actions or []
    if len(actions) > MAX_ACTIONS:
        raise InvalidRequest("Too many actions", "actions")
    waited = wait_ms + sum(a.milliseconds or 0 for a in actions if a.type == "wait")
    if waited > MAX_ACTION_WAIT_MS:
        raise InvalidRequest("Total wait time of actions must not exceed 60 seconds", "actions")
    translated = _waits(wait_ms)
    for index, action in enumerate(actions):
        translated.extend(core_action(action, index))
    return translated


def core_action(action: ActionBody, index: int) -> list[BrowserActionBody]:
    kind = action.type
    if kind == "wait":
        if action.selector:
            return [BrowserActionBody.model_construct(type="wait_for", selector=action.selector)]
        if not action.milliseconds or action.milliseconds < 0:
            raise InvalidRequest("wait needs milliseconds or a selector", f"actions.{index}")
        return _waits(action.milliseconds)
    simple: dict[str, BrowserActionBody] = {
        "click": BrowserActionBody.model_construct(
            type="click", selector=action.selector, all=action.all
        ),
        "write": BrowserActionBody.model_construct(type="type", text=action.text),
        "press": BrowserActionBody.model_construct(type="press", key=action.key),
        "scroll": BrowserActionBody.model_construct(
            type="scroll", direction=action.direction or "down", amount=1, selector=action.selector
        ),
        "screenshot": BrowserActionBody.model_construct(
            type="screenshot", full_page=bool(action.full_page)
        ),
        "scrape": BrowserActionBody.model_construct(type="snapshot"),
        "executeJavascript": BrowserActionBody.model_construct(
            type="evaluate", script=action.script
        ),
        "pdf": BrowserActionBody.model_construct(
            type="pdf", format=action.format, landscape=action.landscape
        ),
    }
    if kind not in simple:
        raise InvalidRequest(f"Invalid action type: {kind}", f"actions.{index}.type")
    return [simple[kind]]


def read_cache(body: V2ScrapeBody) -> CacheChoice:
    """``maxAge`` > 0 looks the cache up (entries live at most ``maxAge``, capped at a day);
    ``storeInCache`` alone stores without a lookup. The core cache cannot look up without
    storing, so ``storeInCache: false`` only matters when ``maxAge`` is 0."""
    max_age = DEFAULT_MAX_AGE_MS if body.max_age is None else body.max_age
    if max_age < 0:
        raise InvalidRequest("maxAge must not be negative", "maxAge")
    lookup = max_age > 0
    if body.zero_data_retention or not (lookup or body.store_in_cache):
        return CacheChoice()
    ttl = math.ceil(max_age / 1000) if lookup else MAX_CACHE_TTL_S
    return CacheChoice(True, max(MIN_CACHE_TTL_S, min(ttl, MAX_CACHE_TTL_S)), not lookup)


def read_location(body: V2ScrapeBody) -> LocationBody | None:
    location = body.location
    if location is None or (location.country is None and not location.languages):
        return None
    country = location.country
    if country is not None:
        country = "US" if country.lower() == "us-generic" else country.upper()
    languages = location.languages or []
    return LocationBody.model_construct(
        country=country, language=languages[0] if languages else None
    )


def check_parsers(parsers: list[str | dict[str, Any]] | None) -> None:
    for parser in parsers or []:
        kind = parser if isinstance(parser, str) else parser.get("type")
        if kind != "pdf":
            raise InvalidRequest("parsers must be an array of supported parsers", "parsers")


def check_browser(
    formats: FormatChoice, actions: list[BrowserActionBody], ctx: ValidationContext
) -> None:
    """Firecrawl names the option that needs the browser; the core only says "browser"."""
    if ctx.browser_available:
        return
    if actions:
        raise FeatureUnavailable(
            "Actions are not supported on this server (no browser available)", "actions"
        )
    if "screenshot" in formats.wanted:
        raise FeatureUnavailable(
            "Screenshots are not supported on this server (no browser available)", "screenshot"
        )


def core_formats(formats: FormatChoice) -> list[str]:
    """The core outputs behind the Firecrawl ones; links come from ``include_raw_html``."""
    chosen: list[str] = [name for name in ("markdown", "html") if name in formats.wanted]
    if "rawHtml" in formats.wanted:
        chosen.append("raw")
    return chosen or ["text"]  # the core needs one format; text is the cheapest unused one


def advanced_body(
    body: V2ScrapeBody, formats: FormatChoice, actions: list[BrowserActionBody]
) -> AdvancedBody:
    options: dict[str, Any] = {
        "only_main_content": body.only_main_content,
        "mobile": body.mobile,
        "skip_tls_verification": body.skip_tls_verification,
        "remove_base64_images": body.remove_base64_images,
        "block_ads": body.block_ads,
    }
    if body.include_tags:
        options["include_selectors"] = body.include_tags
    if body.exclude_tags:
        options["exclude_selectors"] = body.exclude_tags
    if actions or "screenshot" in formats.wanted:
        options["render_js"] = True  # the core runs actions and screenshots on a rendered page
    if "screenshot" in formats.wanted:
        options["screenshot"] = True
        options["full_page_screenshot"] = formats.full_page_screenshot
    if actions:
        options["actions"] = actions
    if body.proxy in ("stealth", "enhanced"):
        options["use_proxy"] = True
    return AdvancedBody.model_construct(**options)


def core_scrape_body(
    body: V2ScrapeBody, ctx: ValidationContext
) -> tuple[ScrapeRequestBody, FormatChoice, int]:
    """The core body for a Firecrawl body, its formats and the hold time (ms)."""
    if body.alexandria is not None:  # the official client sends these bodies without a url
        raise FeatureUnavailable("This endpoint is not supported by this server", "firecrawl")
    url = check_url(body.url)
    formats = read_formats(body.formats)
    timeout_ms, wait_ms = read_timing(body)
    actions = core_actions(body.actions, wait_ms)
    check_parsers(body.parsers)
    if body.proxy is not None and body.proxy not in PROXIES:
        raise InvalidRequest(f"proxy must be one of: {', '.join(PROXIES)}", "proxy")
    check_browser(formats, actions, ctx)
    cache = read_cache(body)
    timeout_s = math.ceil(timeout_ms / 1000)
    options: dict[str, Any] = {
        "url": url,
        "formats": core_formats(formats),
        "timeout": timeout_s,
        "sync_wait_seconds": min(timeout_s, MAX_SYNC_WAIT_S),
        "include_raw_html": "links" in formats.wanted,
        "advanced": advanced_body(body, formats, actions),
        "cache": cache.cache,
        "force_refresh": cache.force_refresh,
        "headers": body.headers,
        "location": read_location(body),
        "cache_ttl": cache.ttl,
    }
    if body.proxy in ("stealth", "enhanced"):
        options["cost_controls"] = CostControlsBody.model_construct(prefer_speed=True)
    # Unvalidated on purpose: the core's own rules judge it (parse_scrape_request).
    chosen = {name: value for name, value in options.items() if value is not None}
    return ScrapeRequestBody.model_construct(**chosen), formats, timeout_ms


def plan_v2_scrape(raw: object, ctx: ValidationContext) -> ScrapePlan:
    return plan_scrape(read_body(raw, V2ScrapeBody), ctx)


def plan_scrape(body: V2ScrapeBody, ctx: ValidationContext) -> ScrapePlan:
    """The plan of a read body (v1 bodies arrive here rewritten to v2 terms)."""
    core, formats, timeout_ms = core_scrape_body(body, ctx)
    request = parse_scrape_request(core.model_dump(exclude_none=True, exclude_unset=True), ctx)
    return ScrapePlan(request, DocumentView.of(request, formats.warnings), timeout_ms / 1000)


def plan_v2_map(raw: object, ctx: ValidationContext) -> MapPlan:
    return plan_map(read_body(raw, V2MapBody), ctx)


def plan_map(body: V2MapBody, ctx: ValidationContext) -> MapPlan:
    url = check_url(body.url)
    if not 1 <= body.limit <= MAX_MAP_LIMIT:
        raise InvalidRequest(f"limit must be between 1 and {MAX_MAP_LIMIT}", "limit")
    core = MapRequestBody.model_construct(
        url=url,
        max_pages=body.limit,
        max_depth=3,
        search=body.search,
        sitemap=body.sitemap,
        include_metadata=False,
        include_subdomains=body.include_subdomains,
        ignore_query_parameters=body.ignore_query_parameters,
    )
    options = core.model_dump(exclude_none=True, exclude_unset=True)
    if body.timeout is not None:
        # The core map runs 5-300 s; Firecrawl's bound is the caller's, in milliseconds.
        options["timeout"] = max(5, min(300, math.ceil(body.timeout / 1000)))
    return MapPlan(parse_map_request(options, ctx), body.timeout is not None)
