"""Scrape request validation: raw JSON body in, normalised ``ScrapeRequest`` out.

Rules run in the spec's order and the first failure is raised. Network-dependent checks are left
to later stages: DNS answers (rule 4) to the fetchers, robots.txt (rule 73) to the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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

# Plain top-level booleans with their defaults.
TOP_FLAGS: dict[str, bool] = {
    "force_refresh": False,
    "include_raw_html": False,
    "evidence": False,
    "promote_schema_org": True,
    "respect_robots": False,
}


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


def _read_basics(top: FieldReader, ctx: ValidationContext) -> dict[str, Any]:
    """Rules 2-11 and the plain top-level options."""
    url, _ = read_url(top, ctx)
    fields: dict[str, Any] = {"url": url, "mode": read_mode(top), "formats": read_formats(top)}
    timeout = top.number("timeout", 1, 300, "timeout must be between 1 and 300 seconds")
    fields["timeout"] = DEFAULT_TIMEOUT_S if timeout is None else timeout
    fields["sync_wait_seconds"] = top.number(
        "sync_wait_seconds", 1, 120, "sync_wait_seconds must be between 1 and 120"
    )
    fields["sync"] = top.optional_boolean("sync")
    fields.update({name: top.boolean(name, default) for name, default in TOP_FLAGS.items()})
    fields["wait_for"] = _read_wait_for(top)
    wait_ms = top.integer(
        "wait_for_timeout_ms", 100, 60_000, "wait_for_timeout_ms must be between 100 and 60000"
    )
    fields["wait_for_timeout_ms"] = DEFAULT_WAIT_FOR_TIMEOUT_MS if wait_ms is None else wait_ms
    return fields


def _check_method_rendering(fields: dict[str, Any]) -> None:
    """Rule 35: non-GET requests run on tiers 1-3, so nothing may need a browser."""
    method = fields["method"]
    probe = ScrapeRequest(
        url=fields["url"],
        mode=fields["mode"],
        wait_for=fields["wait_for"],
        advanced=fields["advanced"],
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


def _read_request_fields(top: FieldReader, ctx: ValidationContext) -> dict[str, Any]:
    """Rules 2-57, in order, as ScrapeRequest keyword arguments."""
    fields = _read_basics(top, ctx)
    advanced_reader = top.child("advanced", label="")
    fields["advanced"] = read_advanced(advanced_reader, _read_aliases(top))
    fields["formats"] = _with_legacy_markdown(fields["formats"], fields["advanced"])
    fields["cache"], fields["cache_ttl"] = read_cache(
        top, top.raw("method"), ctx.default_cache_ttl_s
    )
    fields["method"], fields["body"], fields["content_type"] = read_method_and_body(top)
    _check_method_rendering(fields)
    fields["headers"] = read_headers(top, "headers") or {}
    fields["max_response_bytes"] = read_max_response_bytes(top, DEFAULT_MAX_RESPONSE_BYTES)
    fields["location"] = read_location(top, advanced_reader, ctx)
    webhook = read_webhook(top, ctx)
    fields["webhook_url"], fields["webhook_secret"], fields["webhook_events"] = webhook
    fields.update(read_extraction(top, ctx))
    fields["cost_controls"], fields["min_tier"] = read_cost_controls(top)
    return fields


def parse_scrape_request(body: object, ctx: ValidationContext) -> ScrapeRequest:
    """Validate a ``POST /api/v1/scrape`` body; raises the first violated rule's error."""
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    top = FieldReader(body)
    request = ScrapeRequest(**_read_request_fields(top, ctx))
    check_tiers_and_features(request, ctx)
    request = read_document_options(top, request, ctx)
    check_integrations(request)
    check_wait_for(request)
    return request


def parse_estimate_request(body: object, ctx: ValidationContext) -> ScrapeRequest:
    """``POST /api/v1/scrape/estimate`` takes the same body and the same rules."""
    return parse_scrape_request(body, ctx)
