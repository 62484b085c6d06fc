"""Revision 0018 moves the bookkeeping jobs kept under ``request["_meta"]`` into columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import insert, select

from scrapegate.domain.job_origin import CrawlPageLimits, JobOrigin
from scrapegate.domain.records import Job
from scrapegate.storage.sql import open_sql_storage, upgrade_database
from scrapegate.storage.sql.columns import column_values
from scrapegate.storage.sql.database import create_engine_for
from scrapegate.storage.sql.migrate import alembic_config
from scrapegate.storage.sql.models import JOBS
from tests.contract.conftest import SQL_BACKENDS, drop_postgres_schema, pg_url
from tests.contract.factories import make_job

pytestmark = pytest.mark.asyncio(loop_scope="session")

BEFORE = "0017"
ADDED = ("estimated_credits", "size_bytes")  # the Job fields 0018 adds as columns
REQUEST = {"url": "https://example.com/", "formats": ["markdown"]}
CRAWL_META = {
    "crawl_id": "crawl-1",
    "depth": 2,
    "source": None,
    "estimated_credits": 400,
    "max_concurrency": 3,
    "host_s": 1.5,
    "follow_links": True,
    "keep_raw_html": False,
    "size_bytes": 9_000,
}
# What each revision-0017 job row carried under _meta, and the typed fields it must become.
ROWS: dict[str, tuple[dict[str, Any] | None, JobOrigin, int, int]] = {
    "scrape": ({"source": "sdk/1", "estimated_credits": 200}, JobOrigin("sdk/1"), 200, 0),
    "batch": (
        {"source": None, "estimated_credits": 300, "batch_id": "b-1", "batch_index": 4},
        JobOrigin(batch_id="b-1"),
        300,
        0,
    ),
    "crawl": (
        CRAWL_META,
        JobOrigin(crawl_id="crawl-1", depth=2, crawl_limits=CrawlPageLimits(3, 1.5, True, False)),
        400,
        9_000,
    ),
    "crawl_before_links": (  # queued before pages kept links: keep_raw_html stays unknown
        {"crawl_id": "crawl-2", "depth": 0, "max_concurrency": 10, "host_s": 0.0},
        JobOrigin(crawl_id="crawl-2", crawl_limits=CrawlPageLimits(10, 0.0, False, None)),
        0,
        0,
    ),
    "none": (None, JobOrigin(), 0, 0),
}


async def database_at(backend: str, tmp_path: Path, revision: str) -> str:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'origin.db'}"
    else:
        url = pg_url()
        await drop_postgres_schema(url)
    await migrate(url, "upgrade", revision)
    return url


async def migrate(url: str, direction: str, revision: str) -> None:
    step = command.upgrade if direction == "upgrade" else command.downgrade
    engine = create_engine_for(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: step(alembic_config(c), revision))
    finally:
        await engine.dispose()


def old_row(name: str, meta: dict[str, Any] | None) -> dict[str, Any]:
    request = dict(REQUEST) if meta is None else {**REQUEST, "_meta": meta}
    values = column_values(make_job("org-1", id=name, request=request))
    return {key: value for key, value in values.items() if key in JOBS.c and key not in ADDED}


async def insert_old_rows(url: str) -> None:
    old = [old_row(name, meta) for name, (meta, *_) in ROWS.items()]
    engine = create_engine_for(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(JOBS), old)
    finally:
        await engine.dispose()


async def stored_jobs(url: str) -> dict[str, Job]:
    storage = await open_sql_storage(url)
    try:
        return {job.id: job for job in await storage.jobs.get_many(list(ROWS))}
    finally:
        await storage.close()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
async def test_upgrade_moves_meta_into_columns(backend: str, tmp_path: Path) -> None:
    url = await database_at(backend, tmp_path, BEFORE)
    await insert_old_rows(url)

    await upgrade_database(url)

    jobs = await stored_jobs(url)
    for name, (_, origin, estimated, size) in ROWS.items():
        job = jobs[name]
        assert (job.origin, job.estimated_credits, job.size_bytes) == (origin, estimated, size)
        assert job.request == REQUEST, name


@pytest.mark.parametrize("backend", SQL_BACKENDS)
async def test_downgrade_puts_meta_back(backend: str, tmp_path: Path) -> None:
    url = await database_at(backend, tmp_path, BEFORE)
    await insert_old_rows(url)
    await upgrade_database(url)

    await migrate(url, "downgrade", BEFORE)

    engine = create_engine_for(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(select(JOBS.c.id, JOBS.c.request))
            metas = {row.id: row.request.get("_meta") for row in rows}
    finally:
        await engine.dispose()
    crawl = metas["crawl"]
    flags = {name: bool(crawl[name]) for name in ("follow_links", "keep_raw_html")}  # 1/0 on SQLite
    assert crawl | flags == {k: v for k, v in CRAWL_META.items() if v is not None}
    batch = {"batch_id": "b-1", "depth": 0, "estimated_credits": 300, "size_bytes": 0}
    assert metas["batch"] == batch
    assert "keep_raw_html" not in metas["crawl_before_links"]
