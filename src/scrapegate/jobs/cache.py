"""The opt-in response cache (spec core-api §6.5): scoped per organization, free on a hit."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from scrapegate.domain.records import CacheEntry, utcnow
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.timefmt import iso
from scrapegate.storage.protocols import CacheRepository


class ResponseCache:
    def __init__(self, repository: CacheRepository) -> None:
        self._repository = repository

    async def lookup(self, req: ScrapeRequest, org_id: str, job_id: str) -> dict[str, Any] | None:
        if not req.cache or req.force_refresh:
            return None
        entry = await self._repository.get(req.cache_key(org_id), utcnow())
        if entry is None or entry.org_id != org_id:
            return None
        return as_cache_hit(entry, job_id)

    async def exists(self, req: ScrapeRequest, org_id: str) -> bool:
        entry = await self._repository.get(req.cache_key(org_id), utcnow())
        return entry is not None and entry.org_id == org_id

    async def store(self, req: ScrapeRequest, org_id: str, response: dict[str, Any]) -> None:
        if not req.cache or response.get("status_code", 500) >= 400:
            return
        now = utcnow()
        await self._repository.put(
            CacheEntry(
                key=req.cache_key(org_id),
                org_id=org_id,
                response=response,
                created_at=now,
                expires_at=now + timedelta(seconds=req.cache_ttl),
            )
        )


def as_cache_hit(entry: CacheEntry, job_id: str) -> dict[str, Any]:
    response = copy.deepcopy(entry.response)
    billing = response.get("billing") or {}
    response.update(
        {
            "job_id": job_id,
            "cached": True,
            "cached_at": iso(entry.created_at),
            "credits_used": 0,
            "response_time_ms": 0,
        }
    )
    response["billing"] = {
        **billing,
        "total_credits": 0,
        "base_credits": 0,
        "addon_credits": 0,
        "addons": [],
        "escalations": [],
        "cached": True,
        "savings": 0,
        "original_cost_microcents": 0,
        "final_cost_microcents": 0,
    }
    return response
