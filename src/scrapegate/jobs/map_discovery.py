"""The discovery walk behind POST /api/v1/map: sitemaps, feeds, then links breadth-first."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from scrapegate.domain.map_request import MapRequest
from scrapegate.domain.netrules import NetPolicy
from scrapegate.engine.robots import RobotsRules
from scrapegate.errors import ScrapegateError
from scrapegate.fetchers.base import Fetcher, FetchError, FetchRequest
from scrapegate.fetchers.decode import decode_html
from scrapegate.jobs.discovery.links import extract_feed_links, extract_links, parse_html
from scrapegate.jobs.discovery.patterns import UrlFilter
from scrapegate.jobs.discovery.scope import CrawlScope
from scrapegate.jobs.discovery.sitemaps import crawl_sitemaps, well_known_sitemap_urls
from scrapegate.jobs.discovery.traps import looks_like_trap
from scrapegate.jobs.discovery.urls import UrlDeduper

PAGE_BYTES = 2 * 1024 * 1024


@dataclass
class FoundUrl:
    url: str
    depth: int
    source: str  # start, sitemap, link, feed
    lastmod: str | None = None
    title: str | None = None
    description: str | None = None
    relevance_score: float | None = None


@dataclass
class MapWalk:
    req: MapRequest
    robots: RobotsRules | None  # None: robots.txt is not applied (respect_robots false)
    deadline: float
    robots_txt: RobotsRules | None = None  # what the site's robots.txt says, for the response
    found: list[FoundUrl] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    robots_blocked: int = 0
    stop_reason: str = "finished"
    fetches: int = 0
    seen: UrlDeduper = field(init=False)
    scope: CrawlScope = field(init=False)
    filter: UrlFilter = field(init=False)
    shapes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.seen = UrlDeduper(ignore_query=self.req.ignore_query_parameters)
        self.scope = CrawlScope(self.req.url, include_subdomains=self.req.include_subdomains)
        self.filter = UrlFilter(self.req.include_patterns, self.req.exclude_patterns)

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.deadline

    def offer(self, item: FoundUrl) -> bool:
        """Keep ``item`` when it is new, in scope, wanted and allowed; False otherwise."""
        url = item.url
        if not self.scope.in_scope(url) or looks_like_trap(url, seen_path_shapes=self.shapes):
            return False
        if item.source != "start" and not self.filter.allows(url):
            return False
        if url in self.seen:
            return False
        if self.robots is not None and not self.robots.allowed(url):
            self.seen.add(url)
            self.robots_blocked += 1
            return False
        self.seen.add(url)
        self.found.append(item)
        return True


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


async def walk_sitemaps(
    walk: MapWalk, fetcher: Fetcher, policy: NetPolicy, extra: list[str]
) -> None:
    req = walk.req
    if req.sitemap_path:
        candidates = [_absolute(req.url, req.sitemap_path)]
    else:
        robots_maps = walk.robots.sitemaps if walk.robots else []
        candidates = [*robots_maps, *well_known_sitemap_urls(origin_of(req.url))]
    found = await crawl_sitemaps(
        fetcher,
        [*candidates, *extra],
        policy,
        # Filters run after reading, so read well past max_pages before giving up on a sitemap.
        limit=min(req.max_pages * 10 + 1_000, 100_000),
        timeout_s=max(walk.deadline - time.monotonic(), 1.0),
    )
    walk.sitemaps = found.sitemaps
    for entry in found.entries:
        walk.offer(FoundUrl(entry.url, 1, entry.source, lastmod=entry.lastmod))


def _absolute(base: str, path: str) -> str:
    return path if path.startswith(("http://", "https://")) else origin_of(base) + path.lstrip("/")


@dataclass(frozen=True)
class FetchedHtml:
    url: str
    html: str
    title: str | None
    description: str | None


async def fetch_page(
    fetcher: Fetcher, policy: NetPolicy, url: str, timeout_s: float
) -> FetchedHtml | None:
    try:
        response = await fetcher.fetch(
            FetchRequest(url=url, policy=policy, timeout_s=timeout_s, max_response_bytes=PAGE_BYTES)
        )
    except (FetchError, ScrapegateError):
        return None
    if response.status_code >= 400 or response.media_type not in (
        None,
        "text/html",
        "application/xhtml+xml",
    ):
        return None
    text = decode_html(response.body, response.header_charset)[0]
    title, description = title_and_description(text)
    return FetchedHtml(response.url, text, title, description)


def title_and_description(html: str) -> tuple[str | None, str | None]:
    root = parse_html(html[:500_000])
    if root is None:
        return None, None
    title_el = next(root.iter("title"), None)
    title = " ".join((title_el.text or "").split()) if title_el is not None else ""
    description = ""
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in ("description", "og:description"):
            description = " ".join((meta.get("content") or "").split())
            break
    return title or None, description or None


async def walk_links(
    walk: MapWalk,
    fetcher: Fetcher,
    policy: NetPolicy,
    max_fetches: int,
    start_page: FetchedHtml | None,
) -> None:
    queue: deque[tuple[FetchedHtml | None, str, int]] = deque([(start_page, walk.req.url, 0)])
    while queue:
        if walk.expired:
            walk.stop_reason = "timeout"
            return
        if len(walk.found) > walk.req.max_pages:
            return  # enough to fill the answer; the caller cuts it and says max_pages
        page, url, depth = queue.popleft()
        if page is None:
            if walk.fetches >= max_fetches:
                return
            walk.fetches += 1
            page = await fetch_page(
                fetcher, policy, url, min(10.0, walk.deadline - time.monotonic())
            )
        if page is None or depth >= walk.req.max_depth:
            continue
        for link in extract_links(page.html, page.url):
            if walk.offer(FoundUrl(link, depth + 1, "link")):
                queue.append((None, link, depth + 1))


def feeds_of(page: FetchedHtml | None) -> list[str]:
    return extract_feed_links(page.html, page.url) if page is not None else []
