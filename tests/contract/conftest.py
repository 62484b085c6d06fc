"""One storage fixture for the contract suite, parametrised over every backend.

PostgreSQL runs when SCRAPEGATE_TEST_PG_URL is set (``scripts/pg.sh start`` prints it): its schema
is dropped and migrated once per session, and every table is truncated before each test.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from scrapegate.storage.memory import create_memory_storage
from scrapegate.storage.protocols import Storage
from scrapegate.storage.sql import open_sql_storage, upgrade_database
from scrapegate.storage.sql.database import create_engine_for
from scrapegate.storage.sql.models import Base

PG_URL = os.environ.get("SCRAPEGATE_TEST_PG_URL")
PG_SKIP_REASON = "SCRAPEGATE_TEST_PG_URL is unset (run scripts/pg.sh start and export the URL)"

postgres_only = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)]

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=postgres_only),
]
SQL_BACKENDS = BACKENDS[1:]

_pg_schema_ready = False


def pg_url() -> str:
    if not PG_URL:
        raise RuntimeError(PG_SKIP_REASON)
    return PG_URL


async def drop_postgres_schema(url: str) -> None:
    """Leave the test database empty: no tables, no migration history."""
    global _pg_schema_ready
    _pg_schema_ready = False
    engine = create_engine_for(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def reset_postgres_schema(url: str) -> None:
    """Drop everything in the test database and migrate it from scratch."""
    global _pg_schema_ready
    await drop_postgres_schema(url)
    await upgrade_database(url)
    _pg_schema_ready = True


async def empty_postgres_tables(url: str) -> None:
    if not _pg_schema_ready:
        await reset_postgres_schema(url)
        return
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    engine = create_engine_for(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


async def open_backend(backend: str, tmp_path: Path) -> Storage:
    if backend == "memory":
        return create_memory_storage()
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'db' / 'scrapegate.db'}"
        await upgrade_database(url)
        return await open_sql_storage(url)
    url = pg_url()
    await empty_postgres_tables(url)
    return await open_sql_storage(url)


@pytest.fixture(params=BACKENDS)
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    store = await open_backend(request.param, tmp_path)
    try:
        yield store
    finally:
        await store.close()
