"""Health samples of the public status page on SQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import HealthSample
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.platform_models import HEALTH_SAMPLES


class SqlHealthSampleRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, sample: HealthSample) -> None:
        statement = insert(HEALTH_SAMPLES).values(asdict(sample))

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)

    async def latest(self) -> HealthSample | None:
        query = select(HEALTH_SAMPLES).order_by(HEALTH_SAMPLES.c.taken_at.desc()).limit(1)

        async def work(conn: AsyncConnection) -> HealthSample | None:
            row = (await conn.execute(query)).first()
            return None if row is None else HealthSample(**row._mapping)

        return await self._db.read(work)

    async def uptime(self, since: datetime) -> tuple[int, int]:
        operational = func.sum(case((HEALTH_SAMPLES.c.core_operational.is_(True), 1), else_=0))
        query = select(func.count(), operational).where(HEALTH_SAMPLES.c.taken_at >= since)

        async def work(conn: AsyncConnection) -> tuple[int, int]:
            total, up = (await conn.execute(query)).one()
            return int(total), int(up or 0)

        return await self._db.read(work)

    async def purge(self, older_than: datetime) -> int:
        statement = delete(HEALTH_SAMPLES).where(HEALTH_SAMPLES.c.taken_at < older_than)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        return await self._db.write(work)
