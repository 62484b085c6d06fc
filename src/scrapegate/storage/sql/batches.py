"""Batches on SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import Batch
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.models import BATCHES
from scrapegate.storage.sql.rows import OwnedRows


class SqlBatchRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._rows = OwnedRows(db, BATCHES, "batch", lambda row: Batch(**row))

    async def create(self, batch: Batch) -> Batch:
        return await self._rows.create(batch)

    async def get(self, batch_id: str) -> Batch | None:
        return await self._rows.get(batch_id)

    async def save(self, batch: Batch) -> None:
        await self._rows.save(batch)

    async def finish(self, batch_id: str, at: datetime, expires_at: datetime) -> bool:
        statement = (
            update(BATCHES)
            .where(BATCHES.c.id == batch_id, BATCHES.c.completed_at.is_(None))
            .values(completed_at=at, expires_at=expires_at)
        )

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        return bool(await self._db.write(work))

    async def count_unfinished(self, org_id: str) -> int:
        query = select(func.count()).where(
            BATCHES.c.org_id == org_id, BATCHES.c.completed_at.is_(None)
        )

        async def work(conn: AsyncConnection) -> int:
            return int(await conn.scalar(query) or 0)

        return await self._db.read(work)

    async def purge(self, now: datetime) -> int:
        statement = delete(BATCHES).where(BATCHES.c.expires_at <= now)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        return await self._db.write(work)
