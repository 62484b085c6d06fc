"""Jobs and their tombstones on SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    RowMapping,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.job_origin import CrawlPageLimits, JobOrigin
from scrapegate.domain.records import Job, JobCounts, JobTombstone, average_duration_ms, utcnow
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.sql.columns import column_values
from scrapegate.storage.sql.database import Database, insert_ignoring_conflict
from scrapegate.storage.sql.models import JOB_TOMBSTONES, JOBS
from scrapegate.storage.sql.types import UTCDateTime

UNFINISHED = ("pending", "running")
TERMINAL = ("completed", "failed")
# Keeps IN lists and multi-row statements well below every driver's parameter limit.
EXPIRE_BATCH = 500


# A job's origin is stored flat: its fields as columns, a crawl page's limits prefixed crawl_.
ORIGIN_FIELDS = tuple(f.name for f in fields(JobOrigin) if f.name != "crawl_limits")
LIMIT_FIELDS = tuple(f.name for f in fields(CrawlPageLimits))


def _job(mapping: RowMapping) -> Job:
    values = dict(mapping)
    origin = {name: values.pop(name) for name in ORIGIN_FIELDS}
    limits = {name: values.pop(f"crawl_{name}") for name in LIMIT_FIELDS}
    # Every crawl page has a max_concurrency: NULL there means the job is no crawl page.
    crawl_limits = None if limits["max_concurrency"] is None else CrawlPageLimits(**limits)
    return Job(**values, origin=JobOrigin(**origin, crawl_limits=crawl_limits))


def _job_columns(job: Job) -> dict[str, object]:
    values = column_values(job)
    del values["origin"]
    origin = job.origin
    values.update((name, getattr(origin, name)) for name in ORIGIN_FIELDS)
    limits = origin.crawl_limits
    values.update(
        (f"crawl_{name}", None if limits is None else getattr(limits, name))
        for name in LIMIT_FIELDS
    )
    return values


def _claimable(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    lease_lapsed = or_(JOBS.c.lease_until.is_(None), JOBS.c.lease_until < now)
    return or_(JOBS.c.status == "pending", and_(JOBS.c.status == "running", lease_lapsed))


# The per-page statements, built once: SQLAlchemy reuses their compiled form and cache keys.
_GET = select(JOBS).where(JOBS.c.id == bindparam("job_id"))
_SAVE_HELD = update(JOBS).where(
    JOBS.c.id == bindparam("held_id"),
    JOBS.c.status == "running",
    JOBS.c.lease_owner == bindparam("held_by"),
)
_EFFECTS_DONE = update(JOBS).where(JOBS.c.id == bindparam("job_id")).values(effects_pending=False)
_CLAIM_NOW = bindparam("now", type_=UTCDateTime())
_CLAIM = (
    update(JOBS)
    .where(
        JOBS.c.id == bindparam("job_id"),
        _claimable(_CLAIM_NOW),
    )
    .values(
        status="running",
        lease_owner=bindparam("owner"),
        lease_until=bindparam("lease_until"),
        run_count=JOBS.c.run_count + 1,
        started_at=func.coalesce(JOBS.c.started_at, _CLAIM_NOW),
    )
    .returning(*JOBS.c)
)


class SqlJobRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, job: Job) -> Job:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(JOBS).values(_job_columns(job)))

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict(f"job {job.id} already exists") from None
        return job

    async def create_many(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        statement = insert_ignoring_conflict(self._db.backend, JOBS)
        rows = [_job_columns(job) for job in jobs]

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement, rows)

        await self._db.write(work)

    async def get(self, job_id: str) -> Job | None:
        async def work(conn: AsyncConnection) -> Job | None:
            row = (await conn.execute(_GET, {"job_id": job_id})).first()
            return None if row is None else _job(row._mapping)

        return await self._db.read(work)

    async def get_many(self, job_ids: Sequence[str]) -> list[Job]:
        found: dict[str, Job] = {}
        for start in range(0, len(job_ids), EXPIRE_BATCH):
            chunk = list(job_ids[start : start + EXPIRE_BATCH])

            async def work(conn: AsyncConnection, ids: list[str] = chunk) -> list[Job]:
                rows = await conn.execute(select(JOBS).where(JOBS.c.id.in_(ids)))
                return [_job(row._mapping) for row in rows]

            found.update((job.id, job) for job in await self._db.read(work))
        return [found[i] for i in job_ids if i in found]

    async def save(self, job: Job) -> None:
        values = _job_columns(job)
        del values["id"]
        statement = update(JOBS).where(JOBS.c.id == job.id).values(values)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        if await self._db.write(work) == 0:
            raise NotFound(f"job {job.id} does not exist")

    async def save_held(self, job: Job, owner: str) -> bool:
        values = _job_columns(job)
        del values["id"]
        params = {**values, "held_id": job.id, "held_by": owner}

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(_SAVE_HELD, params)).rowcount

        return bool(await self._db.write(work))

    async def claim(self, job_id: str, owner: str, lease_until: datetime) -> Job | None:
        # One conditional UPDATE: the database lets exactly one concurrent claimer match.
        params = {"job_id": job_id, "now": utcnow(), "owner": owner, "lease_until": lease_until}

        async def work(conn: AsyncConnection) -> Job | None:
            row = (await conn.execute(_CLAIM, params)).first()
            return None if row is None else _job(row._mapping)

        return await self._db.write(work)

    async def find_inflight(self, org_id: str, request_hash: str) -> Job | None:
        query = (
            select(JOBS)
            .where(
                JOBS.c.org_id == org_id,
                JOBS.c.request_hash == request_hash,
                JOBS.c.status.in_(UNFINISHED),
            )
            .order_by(JOBS.c.created_at, JOBS.c.id)
            .limit(1)
        )
        return await self._first(query)

    async def list_unfinished(self) -> list[Job]:
        query = (
            select(JOBS).where(JOBS.c.status.in_(UNFINISHED)).order_by(JOBS.c.created_at, JOBS.c.id)
        )

        async def work(conn: AsyncConnection) -> list[Job]:
            return [_job(row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def list_effects_pending(self, ended_before: datetime, *, limit: int) -> list[Job]:
        query = (
            select(JOBS)
            .where(JOBS.c.effects_pending.is_(True), JOBS.c.completed_at < ended_before)
            .order_by(JOBS.c.completed_at)
            .limit(limit)
        )

        async def work(conn: AsyncConnection) -> list[Job]:
            return [_job(row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def effects_done(self, job_id: str) -> None:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(_EFFECTS_DONE, {"job_id": job_id})

        await self._db.write(work)

    async def queue_position(self, job: Job) -> int:
        query = select(func.count()).where(
            JOBS.c.org_id == job.org_id,
            JOBS.c.status == "pending",
            JOBS.c.created_at < job.created_at,
            JOBS.c.id != job.id,
        )

        async def work(conn: AsyncConnection) -> int:
            return 1 + int(await conn.scalar(query) or 0)

        return await self._db.read(work)

    async def expire(self, now: datetime, tombstone_ttl_s: int) -> int:
        forget_at = now + timedelta(seconds=tombstone_ttl_s)

        async def work(conn: AsyncConnection) -> int:
            await conn.execute(delete(JOB_TOMBSTONES).where(JOB_TOMBSTONES.c.forget_at <= now))
            expired = 0
            while batch := await self._expired_batch(conn, now):
                tombstones = [
                    {"id": job_id, "org_id": org_id, "expired_at": now, "forget_at": forget_at}
                    for job_id, org_id in batch
                ]
                # Ignoring conflicts lets two reapers racing on PostgreSQL both succeed.
                await conn.execute(
                    insert_ignoring_conflict(self._db.backend, JOB_TOMBSTONES), tombstones
                )
                ids = [job_id for job_id, _ in batch]
                deleted = await conn.execute(delete(JOBS).where(JOBS.c.id.in_(ids)))
                expired += deleted.rowcount
                if len(batch) < EXPIRE_BATCH:
                    break
            return expired

        return await self._db.write(work)

    @staticmethod
    async def _expired_batch(conn: AsyncConnection, now: datetime) -> list[tuple[str, str]]:
        query = (
            select(JOBS.c.id, JOBS.c.org_id)
            .where(JOBS.c.status.in_(TERMINAL), JOBS.c.expires_at <= now)
            .limit(EXPIRE_BATCH)
        )
        return [(row.id, row.org_id) for row in await conn.execute(query)]

    async def tombstone(self, job_id: str) -> JobTombstone | None:
        query = select(JOB_TOMBSTONES).where(JOB_TOMBSTONES.c.id == job_id)

        async def work(conn: AsyncConnection) -> JobTombstone | None:
            row = (await conn.execute(query)).first()
            return None if row is None else JobTombstone(**row._mapping)

        return await self._db.read(work)

    async def counts(self, now: datetime, ended_since: datetime) -> JobCounts:
        pending = select(func.count(), func.min(JOBS.c.created_at)).where(
            JOBS.c.status == "pending"
        )
        running = select(func.count()).where(JOBS.c.status == "running")
        lapsed = or_(JOBS.c.lease_until.is_(None), JOBS.c.lease_until < now)
        stalled = select(func.count()).where(JOBS.c.status == "running", lapsed)
        ended = select(JOBS.c.status, JOBS.c.started_at, JOBS.c.completed_at).where(
            JOBS.c.status.in_(("completed", "failed")), JOBS.c.completed_at >= ended_since
        )

        async def work(conn: AsyncConnection) -> JobCounts:
            pending_count, oldest = (await conn.execute(pending)).one()
            outcomes = (await conn.execute(ended)).all()
            return JobCounts(
                pending=int(pending_count),
                running=int(await conn.scalar(running) or 0),
                stalled=int(await conn.scalar(stalled) or 0),
                oldest_pending_at=oldest,
                completed_recently=sum(1 for row in outcomes if row.status == "completed"),
                failed_recently=sum(1 for row in outcomes if row.status == "failed"),
                avg_duration_ms=average_duration_ms(
                    [(row.started_at, row.completed_at) for row in outcomes]
                ),
            )

        return await self._db.read(work)

    async def _first(self, query: Select[Any]) -> Job | None:
        async def work(conn: AsyncConnection) -> Job | None:
            row = (await conn.execute(query)).first()
            return None if row is None else _job(row._mapping)

        return await self._db.read(work)
