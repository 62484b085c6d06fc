"""The request/usage log on SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import UsageRow, UsageSummary
from scrapegate.storage.sql.columns import column_values
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.models import USAGE_LOG


class SqlUsageRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def append(self, row: UsageRow) -> None:
        statement = insert(USAGE_LOG).values(column_values(row))

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)

    async def append_once(self, row: UsageRow) -> None:
        await self.append_many([row])

    async def append_many(self, rows: Sequence[UsageRow]) -> None:
        """Rows whose id is already stored are skipped, so a batch retried after a lost commit
        acknowledgement is written once."""
        if not rows:
            return
        dialect_insert = (
            pg_insert if self._db.engine.dialect.name == "postgresql" else sqlite_insert
        )
        statement = dialect_insert(USAGE_LOG).on_conflict_do_nothing()
        values = [column_values(row) for row in rows]

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement, values)

        await self._db.write(work)

    async def summary(self, org_id: str, since: datetime, until: datetime) -> UsageSummary:
        query = select(func.count(), func.coalesce(func.sum(USAGE_LOG.c.credits), 0)).where(
            USAGE_LOG.c.org_id == org_id,
            USAGE_LOG.c.kind == "scrape",
            USAGE_LOG.c.created_at >= since,
            USAGE_LOG.c.created_at < until,
        )

        async def work(conn: AsyncConnection) -> UsageSummary:
            count, credits = (await conn.execute(query)).one()
            return UsageSummary(requests=int(count), credits=int(credits))

        return await self._db.read(work)

    async def list_for_org(self, org_id: str, *, limit: int = 100) -> list[UsageRow]:
        query = (
            select(USAGE_LOG)
            .where(USAGE_LOG.c.org_id == org_id)
            .order_by(USAGE_LOG.c.created_at.desc(), USAGE_LOG.c.id.desc())
            .limit(limit)
        )

        async def work(conn: AsyncConnection) -> list[UsageRow]:
            return [UsageRow(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)
