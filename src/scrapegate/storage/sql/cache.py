"""The response cache on SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import CacheEntry
from scrapegate.storage.sql.columns import column_values
from scrapegate.storage.sql.database import Database, insert_or_replace
from scrapegate.storage.sql.models import CACHE_ENTRIES


class SqlCacheRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str, now: datetime) -> CacheEntry | None:
        query = select(CACHE_ENTRIES).where(
            CACHE_ENTRIES.c.key == key, CACHE_ENTRIES.c.expires_at > now
        )

        async def work(conn: AsyncConnection) -> CacheEntry | None:
            row = (await conn.execute(query)).first()
            return None if row is None else CacheEntry(**row._mapping)

        return await self._db.read(work)

    async def put(self, entry: CacheEntry) -> None:
        statement = insert_or_replace(self._db.backend, CACHE_ENTRIES, column_values(entry))

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)

    async def purge(self, now: datetime) -> int:
        statement = delete(CACHE_ENTRIES).where(CACHE_ENTRIES.c.expires_at <= now)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        return await self._db.write(work)
