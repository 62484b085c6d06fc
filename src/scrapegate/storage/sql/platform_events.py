"""Beacon events, announcements and e-mail unsubscribes on SQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import AnalyticsEvent, Announcement, EmailUnsubscribe
from scrapegate.storage.sql.database import Database, insert_ignoring_conflict
from scrapegate.storage.sql.platform_models import (
    ANALYTICS_EVENTS,
    ANNOUNCEMENTS,
    EMAIL_UNSUBSCRIBES,
)

# Two PostgreSQL writers can both read the same last version; the unique index makes one retry.
PUBLISH_ATTEMPTS = 5


class SqlAnalyticsEventRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_many(self, events: Sequence[AnalyticsEvent]) -> int:
        rows = [asdict(event) for event in events]
        if not rows:
            return 0

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(ANALYTICS_EVENTS), rows)

        await self._db.write(work)
        return len(rows)

    async def in_period(
        self, names: Sequence[str], since: datetime, until: datetime
    ) -> list[AnalyticsEvent]:
        table = ANALYTICS_EVENTS
        query = (
            select(table)
            .where(table.c.name.in_(list(names)), table.c.ts >= since, table.c.ts < until)
            .order_by(table.c.ts, table.c.created_at, table.c.id)
        )

        async def work(conn: AsyncConnection) -> list[AnalyticsEvent]:
            return [AnalyticsEvent(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def purge(self, older_than: datetime) -> int:
        statement = delete(ANALYTICS_EVENTS).where(ANALYTICS_EVENTS.c.ts < older_than)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        return await self._db.write(work)


class SqlAnnouncementRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def current(self) -> Announcement | None:
        found = await self.history(1)
        return found[0] if found else None

    async def publish(self, announcement: Announcement) -> Announcement:
        async def work(conn: AsyncConnection) -> Announcement:
            last = (await conn.execute(select(func.max(ANNOUNCEMENTS.c.version)))).scalar()
            stored = dataclasses.replace(announcement, version=int(last or 0) + 1)
            await conn.execute(insert(ANNOUNCEMENTS).values(asdict(stored)))
            return stored

        for attempt in range(1, PUBLISH_ATTEMPTS + 1):
            try:
                return await self._db.write(work)
            except IntegrityError:
                if attempt == PUBLISH_ATTEMPTS:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def history(self, limit: int) -> list[Announcement]:
        query = select(ANNOUNCEMENTS).order_by(ANNOUNCEMENTS.c.version.desc()).limit(limit)

        async def work(conn: AsyncConnection) -> list[Announcement]:
            return [Announcement(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)


class SqlUnsubscribeRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, entry: EmailUnsubscribe) -> bool:
        statement = insert_ignoring_conflict(self._db.backend, EMAIL_UNSUBSCRIBES)

        async def work(conn: AsyncConnection) -> bool:
            result = await conn.execute(statement, asdict(entry))
            return bool(result.rowcount)

        return await self._db.write(work)

    async def types_for(self, user_id: str) -> list[str]:
        query = (
            select(EMAIL_UNSUBSCRIBES.c.type)
            .where(EMAIL_UNSUBSCRIBES.c.user_id == user_id)
            .order_by(EMAIL_UNSUBSCRIBES.c.type)
        )

        async def work(conn: AsyncConnection) -> list[str]:
            return [str(kind) for kind in (await conn.execute(query)).scalars()]

        return await self._db.read(work)
