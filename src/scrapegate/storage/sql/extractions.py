"""Extraction templates and the extraction log on SQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.extraction_records import (
    ExtractionRun,
    ExtractionTemplate,
    ExtractionTotals,
    ProviderTotals,
)
from scrapegate.errors import Conflict
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.extraction_models import EXTRACTION_RUNS, EXTRACTION_TEMPLATES

TEMPLATES = EXTRACTION_TEMPLATES
RUNS = EXTRACTION_RUNS


class SqlExtractionTemplateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, template: ExtractionTemplate) -> ExtractionTemplate:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(TEMPLATES).values(asdict(template)))

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict(f'A template named "{template.name}" already exists') from None
        return template

    async def get(self, org_id: str, template_id: str) -> ExtractionTemplate | None:
        query = select(TEMPLATES).where(TEMPLATES.c.org_id == org_id, TEMPLATES.c.id == template_id)

        async def work(conn: AsyncConnection) -> ExtractionTemplate | None:
            row = (await conn.execute(query)).first()
            return None if row is None else ExtractionTemplate(**row._mapping)

        return await self._db.read(work)

    async def list_for_org(self, org_id: str) -> list[ExtractionTemplate]:
        query = (
            select(TEMPLATES)
            .where(TEMPLATES.c.org_id == org_id)
            .order_by(TEMPLATES.c.name, TEMPLATES.c.id)
        )

        async def work(conn: AsyncConnection) -> list[ExtractionTemplate]:
            return [ExtractionTemplate(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def count_for_org(self, org_id: str) -> int:
        query = select(func.count()).select_from(TEMPLATES).where(TEMPLATES.c.org_id == org_id)

        async def work(conn: AsyncConnection) -> int:
            return int((await conn.execute(query)).scalar_one())

        return await self._db.read(work)

    async def delete(self, org_id: str, template_id: str) -> bool:
        statement = delete(TEMPLATES).where(
            TEMPLATES.c.org_id == org_id, TEMPLATES.c.id == template_id
        )

        async def work(conn: AsyncConnection) -> bool:
            return bool((await conn.execute(statement)).rowcount)

        return await self._db.write(work)


def _window(
    org_id: str, since: datetime | None, until: datetime | None
) -> list[ColumnElement[bool]]:
    where = [RUNS.c.org_id == org_id]
    if since is not None:
        where.append(RUNS.c.created_at >= since)
    if until is not None:
        where.append(RUNS.c.created_at < until)
    return where


class SqlExtractionRunRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def append(self, run: ExtractionRun) -> None:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(RUNS).values(asdict(run)))

        await self._db.write(work)

    async def page(
        self,
        org_id: str,
        since: datetime | None,
        until: datetime | None,
        *,
        offset: int,
        limit: int,
    ) -> list[ExtractionRun]:
        query = (
            select(RUNS)
            .where(*_window(org_id, since, until))
            .order_by(RUNS.c.created_at.desc(), RUNS.c.id.desc())
            .offset(offset)
            .limit(limit)
        )

        async def work(conn: AsyncConnection) -> list[ExtractionRun]:
            return [ExtractionRun(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def count(self, org_id: str, since: datetime | None, until: datetime | None) -> int:
        query = select(func.count()).select_from(RUNS).where(*_window(org_id, since, until))

        async def work(conn: AsyncConnection) -> int:
            return int((await conn.execute(query)).scalar_one())

        return await self._db.read(work)

    async def totals(self, org_id: str, since: datetime, until: datetime) -> ExtractionTotals:
        where = _window(org_id, since, until)
        overall = select(*_sums()).where(*where)
        grouped = (
            select(RUNS.c.provider, *_sums())
            .where(*where, RUNS.c.provider.is_not(None))
            .group_by(RUNS.c.provider)
            .order_by(RUNS.c.provider)
        )

        async def work(conn: AsyncConnection) -> ExtractionTotals:
            sums = (await conn.execute(overall)).one()
            providers = list(await conn.execute(grouped))
            return _totals_of(sums, providers)

        return await self._db.read(work)


def _sums() -> list[ColumnElement[Any]]:
    def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return [
        func.count().label("requests"),
        func.coalesce(func.sum(RUNS.c.cost_microcents), 0).label("cost"),
        count_if(RUNS.c.cached.is_(True)).label("cached"),
        count_if(RUNS.c.mode == "algorithmic").label("algorithmic"),
        func.coalesce(func.sum(RUNS.c.input_tokens), 0).label("input_tokens"),
        func.coalesce(func.sum(RUNS.c.output_tokens), 0).label("output_tokens"),
    ]


def _totals_of(sums: Any, providers: list[Any]) -> ExtractionTotals:
    requests, algorithmic = int(sums.requests), int(sums.algorithmic)
    return ExtractionTotals(
        requests=requests,
        cost_microcents=int(sums.cost),
        cached=int(sums.cached),
        llm=requests - algorithmic,
        algorithmic=algorithmic,
        input_tokens=int(sums.input_tokens),
        output_tokens=int(sums.output_tokens),
        by_provider=tuple(
            ProviderTotals(
                provider=str(row.provider),
                requests=int(row.requests),
                input_tokens=int(row.input_tokens),
                output_tokens=int(row.output_tokens),
            )
            for row in providers
        ),
    )
