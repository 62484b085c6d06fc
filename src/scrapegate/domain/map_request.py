"""POST /api/v1/map bodies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.request_rules import read_url
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import InvalidRequest

SITEMAP_MODES = ("include", "skip", "only")


@dataclass(frozen=True)
class MapRequest:
    url: str
    max_pages: int = 500
    max_depth: int = 3
    include_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    search: str | None = None
    sitemap: str = "include"
    sitemap_path: str | None = None
    include_metadata: bool = False
    include_subdomains: bool = False
    respect_robots: bool = True
    ignore_query_parameters: bool = False
    timeout: float = 25.0


def _sitemap_mode(top: FieldReader) -> str:
    value = top.raw("sitemap")
    if value is None:
        return "include"
    if isinstance(value, bool):
        return "include" if value else "skip"
    if value not in SITEMAP_MODES:
        raise top.error("sitemap", "sitemap must be one of: include, skip, only")
    return str(value)


def _patterns(top: FieldReader, name: str) -> tuple[str, ...]:
    patterns = top.string_list(name, max_items=100) or ()
    if any(not p or len(p) > 1_000 for p in patterns):
        raise top.error(name, f"{name} must hold non-empty patterns of at most 1000 characters")
    return patterns


def parse_map_request(body: object, ctx: ValidationContext) -> MapRequest:
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    top = FieldReader(body)
    url, _ = read_url(top, ctx)
    max_pages = top.integer("max_pages", 1, 50_000, "max_pages must be between 1 and 50000")
    max_depth = top.integer("max_depth", 0, 10, "max_depth must be between 0 and 10")
    timeout = top.number("timeout", 5, 300, "timeout must be between 5 and 300 seconds")
    return MapRequest(
        url=url,
        max_pages=500 if max_pages is None else max_pages,
        max_depth=3 if max_depth is None else max_depth,
        include_patterns=_patterns(top, "include_patterns"),
        exclude_patterns=_patterns(top, "exclude_patterns"),
        search=top.string("search", 500, "search must be at most 500 characters"),
        sitemap=_sitemap_mode(top),
        sitemap_path=top.string("sitemap_path", 2_048, "sitemap_path is too long"),
        include_metadata=top.boolean("include_metadata", False),
        include_subdomains=top.boolean("include_subdomains", False),
        respect_robots=top.boolean("respect_robots", True),
        ignore_query_parameters=top.boolean("ignore_query_parameters", False),
        timeout=25.0 if timeout is None else timeout,
    )
