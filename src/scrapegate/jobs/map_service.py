"""POST /api/v1/map: URL discovery without any index."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

from scrapegate.domain.map_request import MapRequest
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import UsageRow, new_id, utcnow
from scrapegate.engine.domains import registrable_domain
from scrapegate.engine.robots import RobotsRules, fetch_robots
from scrapegate.fetchers.base import Fetcher
from scrapegate.jobs.map_discovery import (
    FoundUrl,
    MapWalk,
    feeds_of,
    fetch_page,
    origin_of,
    walk_links,
    walk_sitemaps,
)
from scrapegate.metering.reservations import Reservation, admit
from scrapegate.storage.protocols import Storage

WORD = re.compile(r"[a-z0-9]+")
METADATA_LIMIT = 1_000
METADATA_CONCURRENCY = 8


@dataclass(frozen=True)
class MapSettings:
    price: int = 1_000
    max_fetches: int = 200
    billing_enabled: bool = False


class MapService:
    def __init__(
        self, storage: Storage, fetcher: Fetcher, policy: NetPolicy, settings: MapSettings
    ) -> None:
        self._storage = storage
        self._fetcher = fetcher
        self._policy = policy
        self._settings = settings

    async def map(self, who: Principal, req: MapRequest) -> MapResult:
        started = time.monotonic()
        map_id = new_id()
        reservation = Reservation(
            self._storage.ledger, who.org_id, map_id, enabled=self._settings.billing_enabled
        )
        if self._settings.billing_enabled:
            await admit(
                reservation, self._settings.price, await self._storage.ledger.balance(who.org_id)
            )
        try:
            walk = await self._discover(req, started)
        except Exception:
            await reservation.settle(0)
            raise
        await reservation.settle(self._settings.price)
        await self._log(who, req, map_id, started)
        return _response(map_id, req, walk, self._settings.price, started)

    async def _discover(self, req: MapRequest, started: float) -> MapWalk:
        robots = await fetch_robots(self._fetcher, origin_of(req.url), self._policy)
        walk = MapWalk(
            req, robots if req.respect_robots else None, started + req.timeout, robots_txt=robots
        )
        start_page = await fetch_page(self._fetcher, self._policy, req.url, 10.0)
        walk.offer(FoundUrl(req.url, 0, "start"))
        if req.sitemap != "skip":
            await walk_sitemaps(walk, self._fetcher, self._policy, feeds_of(start_page))
        if req.sitemap != "only":
            await walk_links(
                walk, self._fetcher, self._policy, self._settings.max_fetches, start_page
            )
        if req.include_metadata or req.search:
            await self._metadata(walk)
        if req.search:
            rank(walk.found, req.search)
        if len(walk.found) > req.max_pages:
            walk.found = walk.found[: req.max_pages]
            walk.stop_reason = "max_pages"
        return walk

    async def _metadata(self, walk: MapWalk) -> None:
        gate = asyncio.Semaphore(METADATA_CONCURRENCY)

        async def fill(item: FoundUrl) -> None:
            async with gate:
                if walk.expired:
                    return
                page = await fetch_page(self._fetcher, self._policy, item.url, 10.0)
                if page is not None:
                    item.title, item.description = page.title, page.description

        await asyncio.gather(*(fill(item) for item in walk.found[:METADATA_LIMIT]))

    async def _log(self, who: Principal, req: MapRequest, map_id: str, started: float) -> None:
        await self._storage.usage.append(
            UsageRow(
                id=new_id(),
                org_id=who.org_id,
                key_id=who.key.id,
                route="/api/v1/map",
                method="POST",
                status_code=200,
                latency_ms=int((time.monotonic() - started) * 1000),
                kind="scrape",
                job_id=map_id,
                url=req.url,
                domain=registrable_domain(req.url),
                mode="map",
                credits=self._settings.price,
                source="api",
                user_id=who.key.user_id,
                endpoint_type="map",
                completed_at=utcnow(),
            )
        )


def rank(found: list[FoundUrl], query: str) -> None:
    """Relevance of path words, title and description; keep only matches when any exist."""
    terms = set(WORD.findall(query.lower()))
    for item in found:
        words = set(WORD.findall(f"{item.url} {item.title or ''} {item.description or ''}".lower()))
        item.relevance_score = round(len(terms & words) / len(terms), 3) if terms else 0.0
    if any(item.relevance_score for item in found):
        found[:] = [item for item in found if item.relevance_score]
    found.sort(key=lambda item: -(item.relevance_score or 0.0))


@dataclass(frozen=True)
class RobotsView:
    exists: bool
    disallowed_paths: list[str]
    sitemaps: list[str]


@dataclass(frozen=True)
class MapResult:
    """``POST /api/v1/map``: the URLs found, in order."""

    map_id: str
    url: str
    total_urls: int
    sitemap_found: bool
    sitemaps: list[str]
    urls: list[FoundUrl]
    robots_txt: RobotsView
    robots_blocked_count: int
    truncated: bool
    stop_reason: str
    credits_used: int
    duration_ms: int


def _robots_view(rules: RobotsRules | None) -> RobotsView:
    if rules is None:
        return RobotsView(exists=False, disallowed_paths=[], sitemaps=[])
    return RobotsView(rules.exists, list(rules.disallowed_paths), list(rules.sitemaps))


def _response(map_id: str, req: MapRequest, walk: MapWalk, price: int, started: float) -> MapResult:
    return MapResult(
        map_id=map_id,
        url=req.url,
        total_urls=len(walk.found),
        sitemap_found=bool(walk.sitemaps),
        sitemaps=walk.sitemaps,
        urls=list(walk.found),
        robots_txt=_robots_view(walk.robots_txt),
        robots_blocked_count=walk.robots_blocked,
        truncated=walk.stop_reason != "finished",
        stop_reason=walk.stop_reason,
        credits_used=price,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
