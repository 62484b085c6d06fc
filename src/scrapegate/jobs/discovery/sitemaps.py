"""Sitemap discovery: fetch sitemaps (indexes followed breadth-first, bounded) and list URLs."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin

from scrapegate.domain.netrules import NetPolicy
from scrapegate.errors import URLNotAllowed
from scrapegate.fetchers.base import Fetcher, FetchError, FetchRequest
from scrapegate.jobs.discovery.sitemap_parse import (
    MAX_SITEMAP_BYTES,
    SitemapDocument,
    SitemapEntry,
    SitemapError,
    SitemapInvalid,
    SitemapKind,
    SitemapRefused,
    parse_sitemap_bytes,
)

__all__ = [
    "WELL_KNOWN_SITEMAP_PATHS",
    "SitemapDiscovery",
    "SitemapDocument",
    "SitemapEntry",
    "SitemapError",
    "SitemapInvalid",
    "SitemapKind",
    "SitemapRefused",
    "crawl_sitemaps",
    "discover_sitemap_urls",
    "parse_sitemap_bytes",
    "well_known_sitemap_urls",
]

logger = logging.getLogger(__name__)

# Probed when robots.txt lists no sitemap.
WELL_KNOWN_SITEMAP_PATHS = (
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/sitemap-index.xml",
    "/wp-sitemap.xml",
    "/sitemap.txt",
)
SITEMAP_TIMEOUT_S = 30.0


def well_known_sitemap_urls(origin: str) -> list[str]:
    return [urljoin(origin, path) for path in WELL_KNOWN_SITEMAP_PATHS]


@dataclass
class SitemapDiscovery:
    entries: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # files read successfully, in order
    failures: dict[str, str] = field(default_factory=dict)  # sitemap URL -> why it gave nothing
    truncated: bool = False  # a cap (limit, file count, size) cut the discovery short


@dataclass
class _Walk:
    """State of one breadth-first walk over sitemap files."""

    limit: int
    result: SitemapDiscovery = field(default_factory=SitemapDiscovery)
    queue: deque[tuple[str, int]] = field(default_factory=deque)
    queued: set[str] = field(default_factory=set)
    seen_urls: set[str] = field(default_factory=set)

    def enqueue(self, url: str, depth: int) -> None:
        if url not in self.queued:
            self.queued.add(url)
            self.queue.append((url, depth))

    def add_entries(self, entries: list[SitemapEntry]) -> None:
        for entry in entries:
            if len(self.result.entries) >= self.limit:
                self.result.truncated = True
                return
            if entry.url not in self.seen_urls:
                self.seen_urls.add(entry.url)
                self.result.entries.append(entry)


async def crawl_sitemaps(
    fetcher: Fetcher,
    sitemap_urls: list[str],
    policy: NetPolicy,
    *,
    limit: int,
    max_sitemaps: int = 50,
    max_depth: int = 3,
    max_bytes: int = MAX_SITEMAP_BYTES,
    timeout_s: float = SITEMAP_TIMEOUT_S,
) -> SitemapDiscovery:
    """Read ``sitemap_urls`` and the indexes' children (at most ``max_sitemaps`` files, nesting
    at most ``max_depth``) until ``limit`` unique URLs are found. Failures are recorded."""
    walk = _Walk(limit=limit)
    for url in sitemap_urls:
        walk.enqueue(url, 0)
    fetched = 0
    while walk.queue and len(walk.result.entries) < limit:
        if fetched >= max_sitemaps:
            walk.result.truncated = True
            break
        url, depth = walk.queue.popleft()
        fetched += 1
        document = await _read_sitemap(fetcher, url, policy, walk, max_bytes, timeout_s)
        if document is None:
            continue
        walk.result.sitemaps.append(url)
        walk.add_entries(document.entries)
        walk.result.truncated = walk.result.truncated or document.truncated
        if document.sitemaps and depth >= max_depth:
            walk.result.failures[url] = "sitemap index nested too deeply"
            continue
        for child in document.sitemaps:
            walk.enqueue(child, depth + 1)
    return walk.result


async def _read_sitemap(
    fetcher: Fetcher,
    url: str,
    policy: NetPolicy,
    walk: _Walk,
    max_bytes: int,
    timeout_s: float,
) -> SitemapDocument | None:
    request = FetchRequest(
        url=url, policy=policy, timeout_s=timeout_s, max_response_bytes=max_bytes
    )
    failures = walk.result.failures
    try:
        response = await fetcher.fetch(request)
    except (FetchError, URLNotAllowed) as exc:
        failures[url] = f"fetch failed: {exc}"
        return None
    if not 200 <= response.status_code < 300:
        failures[url] = f"HTTP {response.status_code}"
        return None
    if response.truncated:
        walk.result.truncated = True  # the parser keeps the entries before the cut
    remaining = walk.limit - len(walk.result.entries)
    try:
        # Parsing up to 50 MB takes a while: keep the event loop free.
        return await asyncio.to_thread(
            parse_sitemap_bytes, response.body, limit=remaining, max_bytes=max_bytes
        )
    except SitemapError as exc:
        logger.info("sitemap %s skipped: %s", url, exc)
        failures[url] = str(exc)
        return None


async def discover_sitemap_urls(
    fetcher: Fetcher,
    sitemap_urls: list[str],
    policy: NetPolicy,
    *,
    limit: int,
    max_sitemaps: int = 50,
    max_depth: int = 3,
    max_bytes: int = MAX_SITEMAP_BYTES,
    timeout_s: float = SITEMAP_TIMEOUT_S,
) -> list[SitemapEntry]:
    """The unique page URLs listed by ``sitemap_urls`` (see ``crawl_sitemaps``)."""
    discovery = await crawl_sitemaps(
        fetcher,
        sitemap_urls,
        policy,
        limit=limit,
        max_sitemaps=max_sitemaps,
        max_depth=max_depth,
        max_bytes=max_bytes,
        timeout_s=timeout_s,
    )
    return discovery.entries
