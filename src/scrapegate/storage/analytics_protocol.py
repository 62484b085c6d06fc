"""Read-side queries over the request log for dashboards and usage.

Two implementations: ``storage.memory.analytics`` and ``storage.sql.analytics``; the contract
suite in tests/contract/test_analytics_queries.py checks that they agree. Time buckets are UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from scrapegate.domain.records import UsageRow

# What rows can be grouped by. Time buckets come back as UTC datetimes (start of the hour/day);
# "weekday" is 0-6 with Monday = 0, "hour_of_day" 0-23; "route" is "METHOD /path";
# "entry" is the crawl id of crawl rows and the row id of every other row.
Dimension = Literal[
    "domain",
    "endpoint_type",
    "mode",
    "proxy_country",
    "target_status_code",
    "error_code",
    "tier",
    "route",
    "url",
    "crawl_id",
    "key_id",
    "hour",
    "day",
    "weekday",
    "hour_of_day",
    "entry",
]
AggregateOrder = Literal["requests", "credits", "last_at"]


@dataclass(frozen=True)
class LogQuery:
    """Which rows of one organization's log: a half-open window [since, until) plus filters."""

    org_id: str
    since: datetime
    until: datetime
    kind: str = "scrape"
    domain: str | None = None
    source: str | None = None
    status: str | None = None
    mode: str | None = None
    url_contains: str | None = None
    crawl_ids: tuple[str, ...] | None = None
    ids: tuple[str, ...] | None = None
    has_crawl: bool | None = None  # True: crawl rows only; False: rows outside crawls only


@dataclass(frozen=True)
class LogAggregate:
    """Totals of one group of rows; ``key`` holds the group's values in ``group_by`` order."""

    key: tuple[Any, ...]
    requests: int
    successful: int
    failed: int
    credits: int
    cached: int
    latency_ms_total: int
    first_at: datetime | None
    last_at: datetime | None

    @property
    def avg_latency_ms(self) -> float | None:
        return self.latency_ms_total / self.requests if self.requests else None

    @property
    def success_rate(self) -> float:
        return self.successful / self.requests if self.requests else 0.0


class RequestLogQueries(Protocol):
    async def aggregate(
        self,
        query: LogQuery,
        group_by: Sequence[Dimension] = (),
        *,
        order_by: AggregateOrder | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[LogAggregate]:
        """One aggregate per distinct ``group_by`` value (one in all without ``group_by``, even
        over no rows). ``order_by`` sorts descending, ties by key ascending; without it groups come
        in key order (NULL first)."""
        ...

    async def count_groups(self, query: LogQuery, dimension: Dimension) -> int:
        """Distinct non-null values of ``dimension`` among the rows."""
        ...

    async def latency_percentile(self, query: LogQuery, fraction: float) -> int | None:
        """Nearest-rank percentile of ``latency_ms`` (``fraction`` in (0, 1]); None without rows."""
        ...

    async def list_rows(self, query: LogQuery, *, offset: int, limit: int) -> list[UsageRow]:
        """Newest first (``created_at`` then ``id`` descending)."""
        ...

    async def count_rows(self, query: LogQuery) -> int: ...

    async def crawl_urls(self, org_id: str, crawl_ids: Sequence[str]) -> dict[str, str]:
        """Start URLs of the organization's crawls still kept among ``crawl_ids`` (one read)."""
        ...

    async def row_for_job(self, org_id: str, job_id: str) -> UsageRow | None:
        """The newest "scrape" row written for ``job_id`` in the organization, or None."""
        ...
