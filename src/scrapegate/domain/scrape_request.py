"""Scrape request validation: raw JSON body in, normalised ``ScrapeRequest`` out.

Rules run in the spec's order and the first failure is raised. Network-dependent checks are left
to later stages: DNS answers (rule 4) to the fetchers, robots.txt (rule 73) to the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict, TypeVar

from scrapegate.domain.advanced_rules import TopLevelAliases, read_advanced
from scrapegate.domain.header_rules import read_headers
from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.request_rules import (
    read_cache,
    read_extraction,
    read_formats,
    read_location,
    read_max_response_bytes,
    read_method_and_body,
    read_mode,
    read_url,
    read_webhook,
)
from scrapegate.domain.scrape_model import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT_S,
    DEFAULT_WAIT_FOR_TIMEOUT_MS,
    Action,
    Advanced,
    CostControls,
    Location,
    Mode,
    ScrapeRequest,
    SectionFilter,
    Viewport,
)
from scrapegate.domain.tier_rules import (
    WAIT_FOR_DETAIL,
    check_integrations,
    check_tiers_and_features,
    check_wait_for,
    read_cost_controls,
    read_document_options,
)
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import InvalidRequest

T = TypeVar("T")

__all__ = [
    "Action",
    "Advanced",
    "CostControls",
    "Location",
    "Mode",
    "ScrapeRequest",
    "SectionFilter",
    "ValidationContext",
    "Viewport",
    "parse_estimate_request",
    "parse_scrape_request",
]


class TopLevelFields(TypedDict):
    """The plain top-level options, read first, as ScrapeRequest keyword arguments."""

    url: str
    mode: Mode
    formats: tuple[str, ...] | None
    timeout: float
    sync_wait_seconds: float | None
    sync: bool | None
    force_refresh: bool
    include_raw_html: bool
    evidence: bool
    promote_schema_org: bool
    respect_robots: bool
    wait_for: str | None
    wait_for_timeout_ms: int


def _read_wait_for(top: FieldReader) -> str | None:
    value = top.raw("wait_for")
    if value is not None and not isinstance(value, str):
        raise top.error("wait_for", WAIT_FOR_DETAIL)
    return value


def _read_aliases(top: FieldReader) -> TopLevelAliases:
    wait_until = top.raw("wait_until")
    # A non-string wait_until is reported by rule 17 like any other invalid value.
    return TopLevelAliases(
        screenshot=top.optional_boolean("screenshot"),
        wait_until=None if wait_until is None else str(wait_until),
    )


def _read_top_level(top: FieldReader, ctx: ValidationContext) -> TopLevelFields:
    """Rules 2-11 and the plain top-level options (keyword arguments run left to right)."""
    url, _ = read_url(top, ctx)
    timeout_detail = "timeout must be between 1 and 300 seconds"
    wait_detail = "wait_for_timeout_ms must be between 100 and 60000"
    return TopLevelFields(
        url=url,
        mode=read_mode(top),
        formats=read_formats(top),
        timeout=_or_default(top.number("timeout", 1, 300, timeout_detail), DEFAULT_TIMEOUT_S),
        sync_wait_seconds=top.number(
            "sync_wait_seconds", 1, 120, "sync_wait_seconds must be between 1 and 120"
        ),
        sync=top.optional_boolean("sync"),
        force_refresh=top.boolean("force_refresh", False),
        include_raw_html=top.boolean("include_raw_html", False),
        evidence=top.boolean("evidence", False),
        promote_schema_org=top.boolean("promote_schema_org", True),
        respect_robots=top.boolean("respect_robots", False),
        wait_for=_read_wait_for(top),
        wait_for_timeout_ms=_or_default(
            top.integer("wait_for_timeout_ms", 100, 60_000, wait_detail),
            DEFAULT_WAIT_FOR_TIMEOUT_MS,
        ),
    )


def _or_default(value: T | None, default: T) -> T:
    return default if value is None else value


def _check_method_rendering(top_level: TopLevelFields, method: str, advanced: Advanced) -> None:
    """Rule 35: non-GET requests run on tiers 1-3, so nothing may need a browser."""
    probe = ScrapeRequest(
        url=top_level["url"],
        mode=top_level["mode"],
        wait_for=top_level["wait_for"],
        advanced=advanced,
    )
    if method != "GET" and probe.floor_tier.needs_browser:
        raise InvalidRequest(
            f"method {method} cannot be combined with browser rendering", field="method"
        )


def _with_legacy_markdown(
    formats: tuple[str, ...] | None, advanced: Advanced
) -> tuple[str, ...] | None:
    """``advanced.markdown`` only ensures ``markdown`` is among explicitly requested formats."""
    if formats is not None and advanced.markdown and "markdown" not in formats:
        return (*formats, "markdown")
    return formats


def _read_request(top: FieldReader, ctx: ValidationContext) -> ScrapeRequest:
    """Rules 2-57, in order."""
    top_level = _read_top_level(top, ctx)
    advanced_reader = top.child("advanced", label="")
    advanced = read_advanced(advanced_reader, _read_aliases(top))
    top_level["formats"] = _with_legacy_markdown(top_level["formats"], advanced)
    cache, cache_ttl = read_cache(top, top.raw("method"), ctx.default_cache_ttl_s)
    method, body, content_type = read_method_and_body(top)
    _check_method_rendering(top_level, method, advanced)
    headers = read_headers(top, "headers") or {}
    max_response_bytes = read_max_response_bytes(top, DEFAULT_MAX_RESPONSE_BYTES)
    location = read_location(top, advanced_reader, ctx)
    webhook_url, webhook_secret, webhook_events = read_webhook(top, ctx)
    extraction = read_extraction(top, ctx)
    cost_controls, min_tier = read_cost_controls(top)
    return ScrapeRequest(
        **top_level,
        **extraction,
        advanced=advanced,
        cache=cache,
        cache_ttl=cache_ttl,
        method=method,
        body=body,
        content_type=content_type,
        headers=headers,
        max_response_bytes=max_response_bytes,
        location=location,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_events=webhook_events,
        cost_controls=cost_controls,
        min_tier=min_tier,
    )


def parse_scrape_request(body: object, ctx: ValidationContext) -> ScrapeRequest:
    """Validate a ``POST /api/v1/scrape`` body; raises the first violated rule's error."""
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    top = FieldReader(body)
    request = _read_request(top, ctx)
    check_tiers_and_features(request, ctx)
    request = read_document_options(top, request, ctx)
    check_integrations(request)
    check_wait_for(request)
    return request


def parse_estimate_request(body: object, ctx: ValidationContext) -> ScrapeRequest:
    """``POST /api/v1/scrape/estimate`` takes the same body and the same rules."""
    return parse_scrape_request(body, ctx)
