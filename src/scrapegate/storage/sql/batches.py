"""Batches on SQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import Batch
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.models import BATCHES


class SqlBatchRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, batch: Batch) -> Batch:
        statement = insert(BATCHES).values(asdict(batch))

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        try:
            await self._db.write(work)
        except IntegrityError as exc:
            if "foreign" in str(exc.orig).lower():
                raise NotFound(f"organization {batch.org_id} does not exist") from None
            raise Conflict(f"batch {batch.id} already exists") from None
        return batch

    async def get(self, batch_id: str) -> Batch | None:
        async def work(conn: AsyncConnection) -> Batch | None:
            row = (await conn.execute(select(BATCHES).where(BATCHES.c.id == batch_id))).first()
            return None if row is None else Batch(**row._mapping)

        return await self._db.read(work)

    async def save(self, batch: Batch) -> None:
        values = asdict(batch)
        del values["id"]
        statement = update(BATCHES).where(BATCHES.c.id == batch.id).values(values)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        if not await self._db.write(work):
            raise NotFound(f"batch {batch.id} does not exist")

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
