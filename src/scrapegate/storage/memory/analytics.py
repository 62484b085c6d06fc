"""Request-log queries over the in-memory usage rows (same answers as the SQL version)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from scrapegate.domain.records import UsageRow
from scrapegate.storage.analytics_protocol import (
    AggregateOrder,
    Dimension,
    LogAggregate,
    LogQuery,
)
from scrapegate.storage.memory.state import MemoryState, detached


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _hour(row: UsageRow) -> datetime:
    return _utc(row.created_at).replace(minute=0, second=0, microsecond=0)


def _day(row: UsageRow) -> datetime:
    return _hour(row).replace(hour=0)


DIMENSIONS: dict[str, Callable[[UsageRow], Any]] = {
    "domain": lambda r: r.domain,
    "endpoint_type": lambda r: r.endpoint_type,
    "mode": lambda r: r.mode,
    "proxy_country": lambda r: r.proxy_country,
    "target_status_code": lambda r: r.target_status_code,
    "error_code": lambda r: r.error_code,
    "tier": lambda r: r.tier,
    "route": lambda r: f"{r.method} {r.route}",
    "url": lambda r: r.url,
    "crawl_id": lambda r: r.crawl_id,
    "key_id": lambda r: r.key_id,
    "hour": _hour,
    "day": _day,
    "weekday": lambda r: _utc(r.created_at).weekday(),
    "hour_of_day": lambda r: _utc(r.created_at).hour,
    "entry": lambda r: r.crawl_id or r.id,
}


def matches(row: UsageRow, q: LogQuery) -> bool:
    checks = (
        row.org_id == q.org_id and row.kind == q.kind,
        q.since <= row.created_at < q.until,
        q.domain is None or row.domain == q.domain,
        q.source is None or row.source == q.source,
        q.status is None or row.status == q.status,
        q.mode is None or row.mode == q.mode,
        q.url_contains is None or q.url_contains in (row.url or ""),
        q.crawl_ids is None or row.crawl_id in q.crawl_ids,
        q.ids is None or row.id in q.ids,
        q.has_crawl is None or q.has_crawl == (row.crawl_id is not None),
    )
    return all(checks)


def _null_first(value: Any) -> tuple[bool, Any]:
    return (value is not None, value)


def _totals(key: tuple[Any, ...], rows: list[UsageRow]) -> LogAggregate:
    times = [r.created_at for r in rows]
    return LogAggregate(
        key=key,
        requests=len(rows),
        successful=sum(r.status == "completed" for r in rows),
        failed=sum(r.status == "failed" for r in rows),
        credits=sum(r.credits for r in rows),
        cached=sum(r.cache_hit for r in rows),
        latency_ms_total=sum(r.latency_ms for r in rows),
        first_at=min(times) if times else None,
        last_at=max(times) if times else None,
    )


def _sort(groups: list[LogAggregate], order_by: AggregateOrder | None) -> list[LogAggregate]:
    groups.sort(key=lambda g: tuple(_null_first(v) for v in g.key))
    if order_by == "requests":
        groups.sort(key=lambda g: g.requests, reverse=True)
    elif order_by == "credits":
        groups.sort(key=lambda g: g.credits, reverse=True)
    elif order_by == "last_at":
        groups.sort(key=lambda g: g.last_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return groups


class MemoryRequestLogQueries:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def _rows(self, query: LogQuery) -> list[UsageRow]:
        return [row for row in self._state.usage if matches(row, query)]

    async def aggregate(
        self,
        query: LogQuery,
        group_by: Sequence[Dimension] = (),
        *,
        order_by: AggregateOrder | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[LogAggregate]:
        rows = self._rows(query)
        if not group_by:
            return [_totals((), rows)]
        grouped: dict[tuple[Any, ...], list[UsageRow]] = {}
        for row in rows:
            key = tuple(DIMENSIONS[name](row) for name in group_by)
            grouped.setdefault(key, []).append(row)
        groups = _sort([_totals(key, members) for key, members in grouped.items()], order_by)
        end = None if limit is None else offset + limit
        return groups[offset:end]

    async def count_groups(self, query: LogQuery, dimension: Dimension) -> int:
        values = {DIMENSIONS[dimension](row) for row in self._rows(query)}
        return len(values - {None})

    async def latency_percentile(self, query: LogQuery, fraction: float) -> int | None:
        latencies = sorted(row.latency_ms for row in self._rows(query))
        if not latencies:
            return None
        rank = max(math.ceil(fraction * len(latencies)), 1)
        return latencies[rank - 1]

    async def list_rows(self, query: LogQuery, *, offset: int, limit: int) -> list[UsageRow]:
        rows = self._rows(query)
        rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return detached(rows[offset : offset + limit])

    async def count_rows(self, query: LogQuery) -> int:
        return len(self._rows(query))

    async def crawl_urls(self, org_id: str, crawl_ids: Sequence[str]) -> dict[str, str]:
        crawls = (self._state.crawls.get(crawl_id) for crawl_id in crawl_ids)
        return {c.id: c.url for c in crawls if c is not None and c.org_id == org_id}

    async def row_for_job(self, org_id: str, job_id: str) -> UsageRow | None:
        rows = [
            r
            for r in self._state.usage
            if r.org_id == org_id and r.job_id == job_id and r.kind == "scrape"
        ]
        return detached(max(rows, key=lambda r: (r.created_at, r.id))) if rows else None
