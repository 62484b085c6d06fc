"""GET /api/v1/dashboard/detailed-logs: rows, crawl groups, or both."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from scrapegate.domain.records import UsageRow
from scrapegate.errors import InvalidRequest
from scrapegate.platform.dashboard_window import Window
from scrapegate.storage.analytics_protocol import LogAggregate, LogQuery
from scrapegate.storage.protocols import Storage

SOURCES = ("playground", "api", "crawl", "batch", "schedule", "monitor", "firecrawl")


def checked_source(source: str | None) -> str | None:
    if source is not None and source not in SOURCES:
        raise InvalidRequest(f"source must be one of: {', '.join(SOURCES)}", "source")
    return source


@dataclass(frozen=True)
class LogView:
    """One request-log row as the dashboard shows it."""

    id: str
    job_id: str | None
    created_at: datetime
    url: str | None
    domain: str | None
    source: str | None
    endpoint_type: str | None
    mode: str | None
    status: str
    error_code: str | None
    status_code: int | None  # the target's status
    tier_used: str | None
    credits_used: int
    cached: bool
    response_time_ms: int
    crawl_id: str | None
    api_key_id: str | None
    api_key_name: str | None


@dataclass(frozen=True)
class CrawlSummary:
    crawl_id: str
    url: str | None  # None once the crawl itself was purged
    domain: str | None
    total_pages: int
    successful_pages: int
    failed_pages: int
    credits_used: int
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class CrawlGroup:
    """A crawl among plain rows: its summary and its rows."""

    crawl_id: str
    summary: CrawlSummary
    children: list[LogView]
    type: Literal["crawl_group"] = "crawl_group"


@dataclass(frozen=True)
class Paging:
    total: int
    limit: int
    offset: int
    has_more: bool


@dataclass(frozen=True)
class LogPage(Paging):
    logs: list[LogView | CrawlGroup]


@dataclass(frozen=True)
class CrawlGroupPage(Paging):
    groups: list[CrawlSummary]


def _log_page(logs: list[LogView | CrawlGroup], total: int, offset: int, limit: int) -> LogPage:
    return LogPage(total, limit, offset, has_more=offset + len(logs) < total, logs=logs)


def log_view(row: UsageRow, key_names: dict[str, str]) -> LogView:
    return LogView(
        id=row.id,
        job_id=row.job_id,
        created_at=row.created_at,
        url=row.url,
        domain=row.domain,
        source=row.source,
        endpoint_type=row.endpoint_type,
        mode=row.mode,
        status=row.status,
        error_code=row.error_code,
        status_code=row.target_status_code,
        tier_used=row.tier,
        credits_used=row.credits,
        cached=row.cache_hit,
        response_time_ms=row.latency_ms,
        crawl_id=row.crawl_id,
        api_key_id=row.key_id,
        api_key_name=key_names.get(row.key_id or ""),
    )


class DetailedLogs:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def _key_names(self, org_id: str) -> dict[str, str]:
        return {k.id: k.name for k in await self._storage.api_keys.list_for_org(org_id)}

    async def rows(
        self, org_id: str, window: Window, source: str | None, offset: int, limit: int
    ) -> LogPage:
        query = replace(window.query(org_id), source=source)
        rows = await self._storage.analytics.list_rows(query, offset=offset, limit=limit)
        total = await self._storage.analytics.count_rows(query)
        names = await self._key_names(org_id)
        return _log_page([log_view(r, names) for r in rows], total, offset, limit)

    async def _summaries(self, query: LogQuery, groups: list[LogAggregate]) -> list[CrawlSummary]:
        ids = tuple(g.key[0] for g in groups)
        domains: dict[str, str | None] = {}
        for g in await self._storage.analytics.aggregate(
            replace(query, crawl_ids=ids), ["crawl_id", "domain"], order_by="requests"
        ):
            domains.setdefault(g.key[0], g.key[1])
        urls = await self._storage.analytics.crawl_urls(query.org_id, ids)
        return [
            CrawlSummary(
                crawl_id=g.key[0],
                url=urls.get(g.key[0]),
                domain=domains.get(g.key[0]),
                total_pages=g.requests,
                successful_pages=g.successful,
                failed_pages=g.failed,
                credits_used=g.credits,
                started_at=g.first_at,
                ended_at=g.last_at,
            )
            for g in groups
        ]

    async def _all_crawls(self, query: LogQuery) -> list[LogAggregate]:
        """Every crawl of the window, newest activity first (one scan; crawls are few)."""
        groups = await self._storage.analytics.aggregate(
            replace(query, has_crawl=True), ["crawl_id"], order_by="last_at"
        )
        return groups

    async def crawl_groups(
        self, org_id: str, window: Window, source: str | None, offset: int, limit: int
    ) -> CrawlGroupPage:
        query = replace(window.query(org_id), source=source, has_crawl=True)
        crawls = await self._all_crawls(query)
        page = crawls[offset : offset + limit]
        groups = await self._summaries(query, page)
        more = offset + len(groups) < len(crawls)
        return CrawlGroupPage(len(crawls), limit, offset, has_more=more, groups=groups)

    async def mixed(
        self, org_id: str, window: Window, source: str | None, offset: int, limit: int
    ) -> LogPage:
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
        return _log_page(await self._entries(query, page, groups, names), total, offset, limit)

    async def _entries(
        self,
        query: LogQuery,
        page: list[UsageRow | LogAggregate],
        groups: list[LogAggregate],
        names: dict[str, str],
    ) -> list[LogView | CrawlGroup]:
        crawl_query = replace(query, crawl_ids=tuple(g.key[0] for g in groups))
        children = await self._storage.analytics.list_rows(
            crawl_query, offset=0, limit=sum(g.requests for g in groups)
        )
        summaries = {s.crawl_id: s for s in await self._summaries(crawl_query, groups)}
        logs: list[LogView | CrawlGroup] = []
        for item in page:
            if isinstance(item, UsageRow):
                logs.append(log_view(item, names))
                continue
            crawl_id = item.key[0]
            rows = [log_view(r, names) for r in children if r.crawl_id == crawl_id]
            logs.append(CrawlGroup(crawl_id, summaries[crawl_id], rows))
        return logs
