"""GET /api/v1/dashboard/detailed-logs (spec platform-api A.4 #10): rows, crawl groups, or both."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scrapegate.domain.records import UsageRow
from scrapegate.domain.timefmt import iso
from scrapegate.errors import InvalidRequest
from scrapegate.platform.dashboard_window import Window
from scrapegate.storage.analytics_protocol import LogAggregate, LogQuery
from scrapegate.storage.protocols import Storage

SOURCES = ("playground", "api", "crawl", "batch", "schedule", "monitor", "firecrawl")


def checked_source(source: str | None) -> str | None:
    if source is not None and source not in SOURCES:
        raise InvalidRequest(f"source must be one of: {', '.join(SOURCES)}", "source")
    return source


def log_view(row: UsageRow, key_names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "job_id": row.job_id,
        "created_at": iso(row.created_at),
        "url": row.url,
        "domain": row.domain,
        "source": row.source,
        "endpoint_type": row.endpoint_type,
        "mode": row.mode,
        "status": row.status,
        "error_code": row.error_code,
        "status_code": row.target_status_code,
        "tier_used": row.tier,
        "credits_used": row.credits,
        "cached": row.cache_hit,
        "response_time_ms": row.latency_ms,
        "crawl_id": row.crawl_id,
        "api_key_id": row.key_id,
        "api_key_name": key_names.get(row.key_id or ""),
    }


def _page(items_key: str, items: list[Any], total: int, offset: int, limit: int) -> dict[str, Any]:
    return {
        items_key: items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "has_more": offset + len(items) < total,
    }


class DetailedLogs:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def _key_names(self, org_id: str) -> dict[str, str]:
        return {k.id: k.name for k in await self._storage.api_keys.list_for_org(org_id)}

    async def rows(
        self, org_id: str, window: Window, source: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        query = replace(window.query(org_id), source=source)
        rows = await self._storage.analytics.list_rows(query, offset=offset, limit=limit)
        total = await self._storage.analytics.count_rows(query)
        names = await self._key_names(org_id)
        return _page("logs", [log_view(r, names) for r in rows], total, offset, limit)

    async def _summaries(self, query: LogQuery, groups: list[LogAggregate]) -> list[dict[str, Any]]:
        ids = tuple(g.key[0] for g in groups)
        domains: dict[str, str | None] = {}
        for g in await self._storage.analytics.aggregate(
            replace(query, crawl_ids=ids), ["crawl_id", "domain"], order_by="requests"
        ):
            domains.setdefault(g.key[0], g.key[1])
        urls = await self._storage.analytics.crawl_urls(query.org_id, ids)
        summaries = []
        for g in groups:
            summaries.append(
                {
                    "crawl_id": g.key[0],
                    "url": urls.get(g.key[0]),  # None once the crawl itself was purged
                    "domain": domains.get(g.key[0]),
                    "total_pages": g.requests,
                    "successful_pages": g.successful,
                    "failed_pages": g.failed,
                    "credits_used": g.credits,
                    "started_at": iso(g.first_at),
                    "ended_at": iso(g.last_at),
                }
            )
        return summaries

    async def _all_crawls(self, query: LogQuery) -> list[LogAggregate]:
        """Every crawl of the window, newest activity first (one scan; crawls are few)."""
        groups = await self._storage.analytics.aggregate(
            replace(query, has_crawl=True), ["crawl_id"], order_by="last_at"
        )
        return groups

    async def crawl_groups(
        self, org_id: str, window: Window, source: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        query = replace(window.query(org_id), source=source, has_crawl=True)
        crawls = await self._all_crawls(query)
        page = crawls[offset : offset + limit]
        return _page("groups", await self._summaries(query, page), len(crawls), offset, limit)

    async def mixed(
        self, org_id: str, window: Window, source: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """Plain rows and crawl groups newest first; a group counts as one entry.

        The page can only hold the newest ``offset + limit`` plain rows and any crawl, so those
        are merged by time instead of grouping every row of the window.
        """
        query = replace(window.query(org_id), source=source)
        analytics = self._storage.analytics
        crawls = await self._all_crawls(query)
        plain_query = replace(query, has_crawl=False)
        plain = await analytics.list_rows(plain_query, offset=0, limit=offset + limit)
        total = await analytics.count_rows(plain_query) + len(crawls)
        merged: list[tuple[Any, str, UsageRow | LogAggregate]] = [
            (row.created_at, row.id, row) for row in plain
        ]
        merged += [(g.last_at, g.key[0], g) for g in crawls]
        merged.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
        page = [entry[2] for entry in merged[offset : offset + limit]]
        groups = [item for item in page if isinstance(item, LogAggregate)]
        names = await self._key_names(org_id)
        return _page("logs", await self._entries(query, page, groups, names), total, offset, limit)

    async def _entries(
        self,
        query: LogQuery,
        page: list[UsageRow | LogAggregate],
        groups: list[LogAggregate],
        names: dict[str, str],
    ) -> list[dict[str, Any]]:
        crawl_query = replace(query, crawl_ids=tuple(g.key[0] for g in groups))
        children = await self._storage.analytics.list_rows(
            crawl_query, offset=0, limit=sum(g.requests for g in groups)
        )
        summaries = {s["crawl_id"]: s for s in await self._summaries(crawl_query, groups)}
        logs: list[dict[str, Any]] = []
        for item in page:
            if isinstance(item, UsageRow):
                logs.append(log_view(item, names))
                continue
            crawl_id = item.key[0]
            logs.append(
                {
                    "type": "crawl_group",
                    "crawl_id": crawl_id,
                    "summary": summaries[crawl_id],
                    "children": [log_view(r, names) for r in children if r.crawl_id == crawl_id],
                }
            )
        return logs
