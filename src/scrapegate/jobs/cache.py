"""The opt-in response cache: scoped per organization, free on a hit."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from scrapegate.domain.records import CacheEntry, utcnow
from scrapegate.domain.scrape_document import CachedScrapeDocument, ScrapeResultDocument
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.timefmt import iso
from scrapegate.jobs.hot import HotCache
from scrapegate.storage.protocols import CacheRepository


class ResponseCache:
    def __init__(self, repository: CacheRepository) -> None:
        self._repository = repository
        self._hot: HotCache[CacheEntry] = HotCache()

    async def _entry(self, req: ScrapeRequest, org_id: str) -> CacheEntry | None:
        key = req.cache_key(org_id)
        entry = self._hot.get(key)
        if entry is None:
            entry = await self._repository.get(key, utcnow())
            if entry is not None:
                self._hot.put(key, entry, (entry.expires_at - utcnow()).total_seconds())
        if entry is None or entry.org_id != org_id or entry.expires_at <= utcnow():
            return None
        return entry

    async def lookup(
        self, req: ScrapeRequest, org_id: str, job_id: str
    ) -> CachedScrapeDocument | None:
        """The stored document of a hit, marked cached, uncharged and renamed to ``job_id``."""
        if not req.cache or req.force_refresh:
            return None
        entry = await self._entry(req, org_id)
        return None if entry is None else as_cache_hit(entry, job_id)

    async def exists(self, req: ScrapeRequest, org_id: str) -> bool:
        return await self._entry(req, org_id) is not None

    async def store(self, req: ScrapeRequest, org_id: str, document: ScrapeResultDocument) -> None:
        if not req.cache or document["status_code"] >= 400:
            return
        now = utcnow()
        entry = CacheEntry(
            key=req.cache_key(org_id),
            org_id=org_id,
            response=dict(document),
            created_at=now,
            expires_at=now + timedelta(seconds=req.cache_ttl),
        )
        await self._repository.put(entry)
        self._hot.put(entry.key, entry, float(req.cache_ttl))


def as_cache_hit(entry: CacheEntry, job_id: str) -> CachedScrapeDocument:
    # Scrape entries are written by ``store`` alone, from a scrape document.
    stored = cast(ScrapeResultDocument, entry.response)
    # Shallow: only top-level keys change, and the entry itself is shared and read-only.
    return {
        **stored,
        "job_id": job_id,
        "cached": True,
        "cached_at": iso(entry.created_at),
        "credits_used": 0,
        "response_time_ms": 0,
        "billing": {
            **stored["billing"],
            "total_credits": 0,
            "base_credits": 0,
            "addon_credits": 0,
            "addons": [],
            "escalations": [],
            "cached": True,
            "savings": 0,
            "original_cost_microcents": 0,
            "final_cost_microcents": 0,
        },
    }
