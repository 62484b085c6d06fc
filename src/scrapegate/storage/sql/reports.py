"""Site-analysis reports on SQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import Report
from scrapegate.errors import Conflict
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.platform_models import REPORTS


class SqlReportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, report: Report) -> Report:
        statement = insert(REPORTS).values(asdict(report))

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict(f"report {report.id} already exists") from None
        return report

    async def get(self, report_id: str) -> Report | None:
        query = select(REPORTS).where(REPORTS.c.id == report_id)

        async def work(conn: AsyncConnection) -> Report | None:
            row = (await conn.execute(query)).first()
            return None if row is None else Report(**row._mapping)

        return await self._db.read(work)

    async def purge(self, older_than: datetime) -> int:
        statement = delete(REPORTS).where(REPORTS.c.created_at < older_than)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        return await self._db.write(work)
