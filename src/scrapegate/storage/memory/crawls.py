"""Crawls and their pages in memory.

No method awaits while it changes state, so each runs atomically on the event loop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from scrapegate.domain.records import Crawl, CrawlEvent, CrawlPage
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.memory.state import MemoryState, detached

PAGE_STATUSES = ("queued", "completed", "failed")


class MemoryCrawlRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def create(self, crawl: Crawl) -> Crawl:
        self._state.require_organization(crawl.org_id)
        if crawl.id in self._state.crawls:
            raise Conflict(f"crawl {crawl.id} already exists")
        self._state.crawls[crawl.id] = detached(crawl)
        self._state.crawl_pages[crawl.id] = {}
        return crawl

    async def get(self, crawl_id: str) -> Crawl | None:
        return detached(self._state.crawls.get(crawl_id))

    async def save(self, crawl: Crawl) -> None:
        stored = self._state.crawls.get(crawl.id)
        if stored is None:
            raise NotFound(f"crawl {crawl.id} does not exist")
        copy = detached(crawl)
        copy.robots_blocked = stored.robots_blocked  # only add_robots_blocked moves the count
        self._state.crawls[crawl.id] = copy

    async def add_robots_blocked(self, crawl_id: str, urls: Sequence[str], *, keep: int) -> int:
        stored = self._state.crawls.get(crawl_id)
        if stored is None:
            if not urls:
                return 0
            raise NotFound(f"crawl {crawl_id} does not exist")
        listed = self._state.crawl_robots_blocked.setdefault(crawl_id, [])
        fresh = list(dict.fromkeys(urls))
        if len(listed) < keep:  # a list with room holds every URL counted so far
            known = set(listed)
            fresh = [url for url in fresh if url not in known]
        listed.extend(fresh[: max(keep - len(listed), 0)])
        stored.robots_blocked += len(fresh)
        return len(fresh)

    async def list_robots_blocked(self, crawl_id: str) -> list[str]:
        return list(self._state.crawl_robots_blocked.get(crawl_id, ()))

    async def add_pages(self, pages: Sequence[CrawlPage], *, max_pages: int) -> list[CrawlPage]:
        for crawl_id in {page.crawl_id for page in pages}:
            if crawl_id not in self._state.crawls:
                raise NotFound(f"crawl {crawl_id} does not exist")
        inserted: list[CrawlPage] = []
        for page in pages:
            stored = self._state.crawl_pages[page.crawl_id]
            if page.url_key in stored or len(stored) >= max_pages:
                continue
            # Pages are never removed one by one, so the count is also the highest seq.
            added = dataclasses.replace(page, seq=len(stored) + 1)
            stored[page.url_key] = detached(added)
            inserted.append(added)
        return inserted

    async def mark_page(self, crawl_id: str, job_id: str, status: str, at: datetime) -> bool:
        for page in self._state.crawl_pages.get(crawl_id, {}).values():
            if page.job_id == job_id and page.status != status:
                page.status = status
                page.completed_at = None if status == "queued" else at
                return True
        return False

    async def page_counts(self, crawl_id: str) -> dict[str, int]:
        counts = dict.fromkeys(PAGE_STATUSES, 0)
        pages = self._state.crawl_pages.get(crawl_id, {})
        for page in pages.values():
            counts[page.status] = counts.get(page.status, 0) + 1
        counts["total"] = len(pages)
        return counts

    async def list_pages(self, crawl_id: str, *, offset: int, limit: int) -> list[CrawlPage]:
        pages = list(self._state.crawl_pages.get(crawl_id, {}).values())
        return detached(pages[offset : offset + limit])

    async def finish(
        self, crawl_id: str, *, status: str, stop_reason: str, at: datetime, expires_at: datetime
    ) -> bool:
        stored = self._state.crawls.get(crawl_id)
        if stored is None or stored.completed_at is not None:
            return False
        stored.status, stored.stop_reason = status, stop_reason
        stored.completed_at, stored.expires_at = at, expires_at
        return True

    async def count_unfinished(self, org_id: str) -> int:
        return sum(
            1 for c in self._state.crawls.values() if c.org_id == org_id and c.completed_at is None
        )

    async def list_unfinished(self) -> list[Crawl]:
        found = [c for c in self._state.crawls.values() if c.completed_at is None]
        found.sort(key=lambda c: (c.created_at, c.id))
        return detached(found)

    async def list_for_org(
        self, org_id: str, *, statuses: Sequence[str] | None, offset: int, limit: int
    ) -> tuple[list[Crawl], int]:
        found = [
            c
            for c in self._state.crawls.values()
            if c.org_id == org_id and (statuses is None or c.status in statuses)
        ]
        found.sort(key=lambda c: (c.created_at, c.id), reverse=True)
        return detached(found[offset : offset + limit]), len(found)

    async def job_totals(self, crawl_id: str) -> tuple[int, int, int]:
        jobs = [
            self._state.jobs[p.job_id]
            for p in self._state.crawl_pages.get(crawl_id, {}).values()
            if p.job_id in self._state.jobs
        ]
        running = sum(1 for j in jobs if j.status == "running")
        return sum(j.credits_used for j in jobs), sum(j.credits_refunded for j in jobs), running

    async def add_event(self, crawl_id: str, event: str, data: dict[str, Any]) -> CrawlEvent:
        if crawl_id not in self._state.crawls:
            raise NotFound(f"crawl {crawl_id} does not exist")
        self._state.crawl_event_seq += 1
        item = CrawlEvent(self._state.crawl_event_seq, crawl_id, event, detached(data))
        self._state.crawl_events.setdefault(crawl_id, []).append(item)
        return detached(item)

    async def events_since(self, crawl_id: str, last_id: int, *, limit: int) -> list[CrawlEvent]:
        events = [e for e in self._state.crawl_events.get(crawl_id, ()) if e.id > last_id]
        return detached(events[:limit])

    async def purge(self, now: datetime) -> int:
        gone = [
            key
            for key, crawl in self._state.crawls.items()
            if crawl.expires_at is not None and crawl.expires_at <= now
        ]
        for key in gone:
            del self._state.crawls[key]
            del self._state.crawl_pages[key]
            self._state.crawl_events.pop(key, None)
            self._state.crawl_robots_blocked.pop(key, None)
        return len(gone)
