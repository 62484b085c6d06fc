"""Request-log queries on SQL: Core aggregates that run on SQLite and PostgreSQL alike.

Date parts are the one dialect difference: SQLite stores UTC timestamps as ISO text (see
``types.UTCDateTime``) and buckets with ``substr``/``strftime``; PostgreSQL converts the
``timestamptz`` to UTC first. Both produce the same text for hour and day buckets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import UsageRow
from scrapegate.storage.analytics_protocol import (
    AggregateOrder,
    Dimension,
    LogAggregate,
    LogQuery,
)
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.models import CRAWLS, USAGE_LOG

LOG = USAGE_LOG.c
# Dimension -> (Python format, PostgreSQL to_char format, length of SQLite's text prefix).
BUCKET_FORMATS = {
    "hour": ("%Y-%m-%d %H", "YYYY-MM-DD HH24", 13),
    "day": ("%Y-%m-%d", "YYYY-MM-DD", 10),
}


def _time_part(backend: str, name: str) -> ColumnElement[Any]:
    """A UTC date part of ``created_at`` as the same value on both dialects."""
    if name in BUCKET_FORMATS:
        _, pg_format, length = BUCKET_FORMATS[name]
        if backend == "postgresql":
            return func.to_char(func.timezone("UTC", LOG.created_at), pg_format)
        return func.substr(cast(LOG.created_at, String), 1, length)
    if backend == "postgresql":
        utc = func.timezone("UTC", LOG.created_at)
        if name == "weekday":
            return cast(extract("isodow", utc), Integer) - 1
        return cast(extract("hour", utc), Integer)
    if name == "weekday":
        # strftime('%w') counts from Sunday = 0; the spec counts from Monday = 0.
        return (cast(func.strftime("%w", LOG.created_at), Integer) + 6) % 7
    return cast(func.strftime("%H", LOG.created_at), Integer)


def dimension_column(backend: str, name: Dimension) -> ColumnElement[Any]:
    if name in ("hour", "day", "weekday", "hour_of_day"):
        return _time_part(backend, name)
    if name == "route":
        return LOG.method + literal(" ") + LOG.route
    if name == "entry":
        return func.coalesce(LOG.crawl_id, LOG.id)
    column: ColumnElement[Any] = LOG[name]
    return column


def _bucket_value(name: Dimension, value: Any) -> Any:
    if name in BUCKET_FORMATS and value is not None:
        return datetime.strptime(value, BUCKET_FORMATS[name][0]).replace(tzinfo=UTC)
    return value


def conditions(q: LogQuery) -> list[ColumnElement[bool]]:
    where = [
        LOG.org_id == q.org_id,
        LOG.kind == q.kind,
        LOG.created_at >= q.since,
        LOG.created_at < q.until,
    ]
    optional: list[tuple[Any, ColumnElement[bool]]] = [
        (q.domain, LOG.domain == q.domain),
        (q.source, LOG.source == q.source),
        (q.status, LOG.status == q.status),
        (q.mode, LOG.mode == q.mode),
        (q.crawl_ids, LOG.crawl_id.in_(q.crawl_ids or ())),
        (q.ids, LOG.id.in_(q.ids or ())),
        (q.has_crawl, LOG.crawl_id.is_not(None) if q.has_crawl else LOG.crawl_id.is_(None)),
    ]
    where.extend(condition for value, condition in optional if value is not None)
    if q.url_contains is not None:
        where.append(LOG.url.contains(q.url_contains, autoescape=True))
    return where


def _totals() -> list[ColumnElement[Any]]:
    def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return [
        func.count().label("requests"),
        count_if(LOG.status == "completed").label("successful"),
        count_if(LOG.status == "failed").label("failed"),
        func.coalesce(func.sum(LOG.credits), 0).label("credits"),
        count_if(LOG.cache_hit.is_(True)).label("cached"),
        func.coalesce(func.sum(LOG.latency_ms), 0).label("latency"),
        func.min(LOG.created_at).label("first_at"),
        func.max(LOG.created_at).label("last_at"),
    ]


def _ordered(
    statement: Select[Any], keys: list[ColumnElement[Any]], order_by: AggregateOrder | None
) -> Select[Any]:
    first = {"requests": func.count(), "credits": func.sum(LOG.credits)}.get(order_by or "")
    if order_by == "last_at":
        first = func.max(LOG.created_at)
    order: list[Any] = [first.desc()] if first is not None else []
    return statement.order_by(*order, *(key.asc().nulls_first() for key in keys))


def _aggregate_of(row: Any, group_by: Sequence[Dimension]) -> LogAggregate:
    values = list(row)
    key = tuple(_bucket_value(name, v) for name, v in zip(group_by, values, strict=False))
    requests, successful, failed, credits, cached, latency, first, last = values[len(group_by) :]
    return LogAggregate(
        key=key,
        requests=int(requests),
        successful=int(successful),
        failed=int(failed),
        credits=int(credits),
        cached=int(cached),
        latency_ms_total=int(latency),
        first_at=first,
        last_at=last,
    )


class SqlRequestLogQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def aggregate(
        self,
        query: LogQuery,
        group_by: Sequence[Dimension] = (),
        *,
        order_by: AggregateOrder | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[LogAggregate]:
        keys = [dimension_column(self._db.backend, name) for name in group_by]
        labelled = [key.label(f"k{i}") for i, key in enumerate(keys)]
        statement = select(*labelled, *_totals()).where(*conditions(query))
        if keys:
            statement = _ordered(statement.group_by(*keys), keys, order_by)
            statement = statement.offset(offset).limit(limit)

        async def work(conn: AsyncConnection) -> list[LogAggregate]:
            return [_aggregate_of(row, group_by) for row in await conn.execute(statement)]

        return await self._db.read(work)

    async def count_groups(self, query: LogQuery, dimension: Dimension) -> int:
        column = dimension_column(self._db.backend, dimension)
        statement = select(func.count(func.distinct(column))).where(*conditions(query))
        return int(await self._scalar(statement) or 0)

    async def latency_percentile(self, query: LogQuery, fraction: float) -> int | None:
        total = await self.count_rows(query)
        if total == 0:
            return None
        rank = max(math.ceil(fraction * total), 1)
        statement = (
            select(LOG.latency_ms)
            .where(*conditions(query))
            .order_by(LOG.latency_ms)
            .offset(rank - 1)
            .limit(1)
        )
        value = await self._scalar(statement)
        return None if value is None else int(value)

    async def list_rows(self, query: LogQuery, *, offset: int, limit: int) -> list[UsageRow]:
        statement = (
            select(USAGE_LOG)
            .where(*conditions(query))
            .order_by(LOG.created_at.desc(), LOG.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return await self._rows(statement)

    async def count_rows(self, query: LogQuery) -> int:
        statement = select(func.count()).select_from(USAGE_LOG).where(*conditions(query))
        return int(await self._scalar(statement) or 0)

    async def crawl_urls(self, org_id: str, crawl_ids: Sequence[str]) -> dict[str, str]:
        if not crawl_ids:
            return {}
        statement = select(CRAWLS.c.id, CRAWLS.c.url).where(
            CRAWLS.c.org_id == org_id, CRAWLS.c.id.in_(list(crawl_ids))
        )

        async def work(conn: AsyncConnection) -> dict[str, str]:
            return {row.id: row.url for row in await conn.execute(statement)}

        return await self._db.read(work)

    async def row_for_job(self, org_id: str, job_id: str) -> UsageRow | None:
        statement = (
            select(USAGE_LOG)
            .where(and_(LOG.org_id == org_id, LOG.job_id == job_id, LOG.kind == "scrape"))
            .order_by(LOG.created_at.desc(), LOG.id.desc())
            .limit(1)
        )
        rows = await self._rows(statement)
        return rows[0] if rows else None

    async def _scalar(self, statement: Select[Any]) -> Any:
        async def work(conn: AsyncConnection) -> Any:
            return (await conn.execute(statement)).scalar()

        return await self._db.read(work)

    async def _rows(self, statement: Select[Any]) -> list[UsageRow]:
        async def work(conn: AsyncConnection) -> list[UsageRow]:
            return [UsageRow(**row._mapping) for row in await conn.execute(statement)]

        return await self._db.read(work)
