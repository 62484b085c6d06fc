"""Crawls and their pages on SQL.

``add_pages`` and ``add_robots_blocked`` serialise writers of one crawl: on PostgreSQL they
lock the crawl row (SELECT ... FOR UPDATE) before counting its rows; on SQLite the write
transaction is BEGIN IMMEDIATE. The unique index on (crawl_id, url_key) backs the duplicate
check of pages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    RowMapping,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import Crawl, CrawlEvent, CrawlPage, utcnow
from scrapegate.errors import NotFound
from scrapegate.storage.sql.columns import column_values
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.models import (
    CRAWL_EVENTS,
    CRAWL_PAGES,
    CRAWL_ROBOTS_BLOCKED,
    CRAWLS,
    JOBS,
)
from scrapegate.storage.sql.rows import OwnedRows

PAGE_STATUSES = ("queued", "completed", "failed")
# Keeps IN lists well below every driver's parameter limit.
KEY_CHUNK = 500


def _crawl(mapping: RowMapping) -> Crawl:
    return Crawl(**mapping)


def _page(mapping: RowMapping) -> CrawlPage:
    return CrawlPage(**mapping)


async def _lock_crawl(conn: AsyncConnection, crawl_id: str) -> None:
    # FOR UPDATE is a no-op on SQLite, where BEGIN IMMEDIATE already holds the write lock.
    query = select(CRAWLS.c.id).where(CRAWLS.c.id == crawl_id).with_for_update()
    if (await conn.execute(query)).first() is None:
        raise NotFound(f"crawl {crawl_id} does not exist")


async def _present(
    conn: AsyncConnection, table: Table, column: str, crawl_id: str, values: list[str]
) -> set[str]:
    """Which of ``values`` the crawl's rows of ``table`` already hold in ``column``."""
    found: set[str] = set()
    for start in range(0, len(values), KEY_CHUNK):
        query = select(table.c[column]).where(
            table.c.crawl_id == crawl_id, table.c[column].in_(values[start : start + KEY_CHUNK])
        )
        found.update(await conn.scalars(query))
    return found


async def _add_to_crawl(
    conn: AsyncConnection, crawl_id: str, pages: list[CrawlPage], max_pages: int
) -> list[CrawlPage]:
    """Insert into one crawl, its row locked; copies, so a retried transaction starts clean."""
    await _lock_crawl(conn, crawl_id)
    held = select(func.count(), func.coalesce(func.max(CRAWL_PAGES.c.seq), 0)).where(
        CRAWL_PAGES.c.crawl_id == crawl_id
    )
    count, top_seq = (await conn.execute(held)).one()
    room = max_pages - int(count)
    if room <= 0:
        return []
    keys = list({page.url_key for page in pages})
    known = await _present(conn, CRAWL_PAGES, "url_key", crawl_id, keys)
    added: list[CrawlPage] = []
    for page in pages:
        if len(added) == room:
            break
        if page.url_key in known:
            continue
        known.add(page.url_key)
        added.append(dataclasses.replace(page, seq=int(top_seq) + len(added) + 1))
    if added:
        await conn.execute(insert(CRAWL_PAGES), [column_values(page) for page in added])
    return added


async def _add_blocked(conn: AsyncConnection, crawl_id: str, urls: list[str], keep: int) -> int:
    """List and count robots-blocked URLs of one crawl, its row locked."""
    await _lock_crawl(conn, crawl_id)
    held = select(func.count()).where(CRAWL_ROBOTS_BLOCKED.c.crawl_id == crawl_id)
    count = int(await conn.scalar(held) or 0)
    fresh = urls
    if count < keep:  # a list with room holds every URL counted so far: repeats are known
        listed = await _present(conn, CRAWL_ROBOTS_BLOCKED, "url", crawl_id, urls)
        fresh = [url for url in urls if url not in listed]
    rows = [
        {"crawl_id": crawl_id, "seq": count + index + 1, "url": url}
        for index, url in enumerate(fresh[: max(keep - count, 0)])
    ]
    if rows:
        await conn.execute(insert(CRAWL_ROBOTS_BLOCKED), rows)
    if fresh:
        bump = CRAWLS.c.robots_blocked + len(fresh)
        await conn.execute(
            update(CRAWLS).where(CRAWLS.c.id == crawl_id).values(robots_blocked=bump)
        )
    return len(fresh)


# Per-page statements, built once: SQLAlchemy reuses their compiled form and cache keys.
_MARK_PAGE = update(CRAWL_PAGES).where(
    CRAWL_PAGES.c.crawl_id == bindparam("page_crawl"),
    CRAWL_PAGES.c.job_id == bindparam("page_job"),
    CRAWL_PAGES.c.status != bindparam("new_status"),
)
_PAGE_COUNTS = (
    select(CRAWL_PAGES.c.status, func.count())
    .where(CRAWL_PAGES.c.crawl_id == bindparam("crawl_id"))
    .group_by(CRAWL_PAGES.c.status)
)
_ADD_EVENT = insert(CRAWL_EVENTS).returning(CRAWL_EVENTS.c.id)


class SqlCrawlRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._rows = OwnedRows(db, CRAWLS, "crawl", lambda row: Crawl(**row))

    async def create(self, crawl: Crawl) -> Crawl:
        return await self._rows.create(crawl)

    async def get(self, crawl_id: str) -> Crawl | None:
        return await self._rows.get(crawl_id)

    async def save(self, crawl: Crawl) -> None:
        values = column_values(crawl)
        # Only add_robots_blocked moves the count: a stale copy must not write it back.
        for name in ("id", "robots_blocked"):
            del values[name]
        statement = update(CRAWLS).where(CRAWLS.c.id == crawl.id).values(values)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        if not await self._db.write(work):
            raise NotFound(f"crawl {crawl.id} does not exist")

    async def add_robots_blocked(self, crawl_id: str, urls: Sequence[str], *, keep: int) -> int:
        unique = list(dict.fromkeys(urls))

        async def work(conn: AsyncConnection) -> int:
            return await _add_blocked(conn, crawl_id, unique, keep)

        return await self._db.write(work) if unique else 0

    async def list_robots_blocked(self, crawl_id: str) -> list[str]:
        query = (
            select(CRAWL_ROBOTS_BLOCKED.c.url)
            .where(CRAWL_ROBOTS_BLOCKED.c.crawl_id == crawl_id)
            .order_by(CRAWL_ROBOTS_BLOCKED.c.seq)
        )

        async def work(conn: AsyncConnection) -> list[str]:
            return list(await conn.scalars(query))

        return await self._db.read(work)

    async def add_pages(self, pages: Sequence[CrawlPage], *, max_pages: int) -> list[CrawlPage]:
        by_crawl: dict[str, list[CrawlPage]] = {}
        for page in pages:
            by_crawl.setdefault(page.crawl_id, []).append(page)

        async def work(conn: AsyncConnection) -> list[CrawlPage]:
            added: list[CrawlPage] = []
            # A fixed lock order keeps two multi-crawl callers from deadlocking.
            for crawl_id in sorted(by_crawl):
                added += await _add_to_crawl(conn, crawl_id, by_crawl[crawl_id], max_pages)
            return added

        if not by_crawl:
            return []
        added = await self._db.write(work)
        order: dict[tuple[str, str], int] = {}
        for index, page in enumerate(pages):
            order.setdefault((page.crawl_id, page.url_key), index)
        return sorted(added, key=lambda page: order[(page.crawl_id, page.url_key)])

    async def mark_page(self, crawl_id: str, job_id: str, status: str, at: datetime) -> bool:
        params = {
            "page_crawl": crawl_id,
            "page_job": job_id,
            "new_status": status,
            "status": status,
            "completed_at": None if status == "queued" else at,
        }

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(_MARK_PAGE, params)).rowcount

        return bool(await self._db.write(work))

    async def page_counts(self, crawl_id: str) -> dict[str, int]:
        async def work(conn: AsyncConnection) -> dict[str, int]:
            counts = dict.fromkeys(PAGE_STATUSES, 0)
            for status, count in await conn.execute(_PAGE_COUNTS, {"crawl_id": crawl_id}):
                counts[status] = int(count)
            counts["total"] = sum(counts.values())
            return counts

        return await self._db.read(work)

    async def list_pages(self, crawl_id: str, *, offset: int, limit: int) -> list[CrawlPage]:
        query = (
            select(CRAWL_PAGES)
            .where(CRAWL_PAGES.c.crawl_id == crawl_id)
            .order_by(CRAWL_PAGES.c.seq)
            .offset(offset)
            .limit(limit)
        )

        async def work(conn: AsyncConnection) -> list[CrawlPage]:
            return [_page(row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def finish(
        self, crawl_id: str, *, status: str, stop_reason: str, at: datetime, expires_at: datetime
    ) -> bool:
        statement = (
            update(CRAWLS)
            .where(CRAWLS.c.id == crawl_id, CRAWLS.c.completed_at.is_(None))
            .values(status=status, stop_reason=stop_reason, completed_at=at, expires_at=expires_at)
        )

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        return bool(await self._db.write(work))

    async def count_unfinished(self, org_id: str) -> int:
        query = select(func.count()).where(
            CRAWLS.c.org_id == org_id, CRAWLS.c.completed_at.is_(None)
        )

        async def work(conn: AsyncConnection) -> int:
            return int(await conn.scalar(query) or 0)

        return await self._db.read(work)

    async def list_unfinished(self) -> list[Crawl]:
        query = (
            select(CRAWLS)
            .where(CRAWLS.c.completed_at.is_(None))
            .order_by(CRAWLS.c.created_at, CRAWLS.c.id)
        )

        async def work(conn: AsyncConnection) -> list[Crawl]:
            return [_crawl(row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def list_for_org(
        self, org_id: str, *, statuses: Sequence[str] | None, offset: int, limit: int
    ) -> tuple[list[Crawl], int]:
        where = [CRAWLS.c.org_id == org_id]
        if statuses is not None:
            where.append(CRAWLS.c.status.in_(list(statuses)))
        page = (
            select(CRAWLS)
            .where(*where)
            .order_by(CRAWLS.c.created_at.desc(), CRAWLS.c.id.desc())
            .offset(offset)
            .limit(limit)
        )

        async def work(conn: AsyncConnection) -> tuple[list[Crawl], int]:
            total = int(await conn.scalar(select(func.count()).where(*where)) or 0)
            return [_crawl(row._mapping) for row in await conn.execute(page)], total

        return await self._db.read(work)

    async def job_totals(self, crawl_id: str) -> tuple[int, int, int]:
        running = case((JOBS.c.status == "running", 1), else_=0)
        query = (
            select(
                func.coalesce(func.sum(JOBS.c.credits_used), 0),
                func.coalesce(func.sum(JOBS.c.credits_refunded), 0),
                func.coalesce(func.sum(running), 0),
            )
            .select_from(CRAWL_PAGES.join(JOBS, JOBS.c.id == CRAWL_PAGES.c.job_id))
            .where(CRAWL_PAGES.c.crawl_id == crawl_id)
        )

        async def work(conn: AsyncConnection) -> tuple[int, int, int]:
            used, refunded, busy = (await conn.execute(query)).one()
            return int(used), int(refunded), int(busy)

        return await self._db.read(work)

    async def add_event(self, crawl_id: str, event: str, data: dict[str, Any]) -> CrawlEvent:
        at = utcnow()
        params = {"crawl_id": crawl_id, "event": event, "data": data, "created_at": at}

        async def work(conn: AsyncConnection) -> int:
            try:
                return int((await conn.execute(_ADD_EVENT, params)).scalar_one())
            except IntegrityError as exc:
                raise NotFound(f"crawl {crawl_id} does not exist") from exc

        return CrawlEvent(await self._db.write(work), crawl_id, event, data, at)

    async def events_since(self, crawl_id: str, last_id: int, *, limit: int) -> list[CrawlEvent]:
        query = (
            select(CRAWL_EVENTS)
            .where(CRAWL_EVENTS.c.crawl_id == crawl_id, CRAWL_EVENTS.c.id > last_id)
            .order_by(CRAWL_EVENTS.c.id)
            .limit(limit)
        )

        async def work(conn: AsyncConnection) -> list[CrawlEvent]:
            return [CrawlEvent(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def purge(self, now: datetime) -> int:
        # Pages go with their crawl through ON DELETE CASCADE.
        statement = delete(CRAWLS).where(CRAWLS.c.expires_at <= now)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        return await self._db.write(work)
