"""The Alembic migrations and the declarative models describe the same schema."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, inspect, text
from sqlalchemy.engine import Connection

from scrapegate.storage.sql import upgrade_database
from scrapegate.storage.sql.database import create_engine_for
from scrapegate.storage.sql.migrate import alembic_config
from scrapegate.storage.sql.models import Base
from scrapegate.storage.sql.unmodelled import USAGE_LOG_URL_TRIGRAM_INDEX, modelled
from tests.contract.conftest import (
    SQL_BACKENDS,
    drop_postgres_schema,
    pg_url,
    reset_postgres_schema,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def fresh_database(backend: str, tmp_path: Path) -> str:
    """URL of a database migrated from scratch."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'schema' / 'nested' / 'db.sqlite'}"
        await upgrade_database(url)
        return url
    url = pg_url()
    await reset_postgres_schema(url)
    return url


async def schema_differences(url: str, metadata: MetaData) -> list[Any]:
    def compare(connection: Connection) -> list[Any]:
        opts = {"compare_type": True, "include_name": modelled}
        context = MigrationContext.configure(connection, opts=opts)
        return list(compare_metadata(context, metadata))

    engine = create_engine_for(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(compare)
    finally:
        await engine.dispose()


async def current_revision(url: str) -> str | None:
    engine = create_engine_for(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: MigrationContext.configure(c).get_current_revision()
            )
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
async def test_migrated_schema_matches_models(backend: str, tmp_path: Path) -> None:
    url = await fresh_database(backend, tmp_path)
    assert await schema_differences(url, Base.metadata) == []


@pytest.mark.parametrize("backend", SQL_BACKENDS)
async def test_comparison_notices_a_model_the_migrations_lack(backend: str, tmp_path: Path) -> None:
    url = await fresh_database(backend, tmp_path)
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["jobs"].append_column(Column("unmigrated", Integer, nullable=True))

    differences = await schema_differences(url, drifted)

    assert [d[0] for d in differences] == ["add_column"]
    assert differences[0][3].name == "unmigrated"


@pytest.mark.parametrize("backend", SQL_BACKENDS)
async def test_upgrade_is_idempotent_and_reaches_head(backend: str, tmp_path: Path) -> None:
    url = await fresh_database(backend, tmp_path)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    await upgrade_database(url)

    assert head is not None
    assert await current_revision(url) == head


@pytest.mark.parametrize("backend", SQL_BACKENDS)
async def test_concurrent_upgrades_of_a_fresh_database(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'racing' / 'db.sqlite'}"
    else:
        url = pg_url()
        await drop_postgres_schema(url)

    await asyncio.gather(*(upgrade_database(url) for _ in range(4)))

    assert await schema_differences(url, Base.metadata) == []


async def test_upgrade_creates_the_sqlite_directory(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c" / "scrapegate.db"
    await upgrade_database(f"sqlite+aiosqlite:///{target}")
    assert target.is_file()


async def test_downgrade_to_base_empties_a_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'down.db'}"
    await upgrade_database(url)
    engine = create_engine_for(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(alembic_config(c), "base"))
            remaining = await conn.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()

    assert remaining == ["alembic_version"]
    await upgrade_database(url)
    assert await schema_differences(url, Base.metadata) == []


@pytest.mark.parametrize("backend", SQL_BACKENDS[1:])  # PostgreSQL only (skipped without it)
async def test_postgres_serves_url_substring_search_from_the_trigram_index(
    backend: str, tmp_path: Path
) -> None:
    url = await fresh_database(backend, tmp_path)
    engine = create_engine_for(url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SET enable_seqscan = off"))
            plan = await conn.execute(
                text("EXPLAIN SELECT id FROM usage_log WHERE url LIKE :pattern"),
                {"pattern": "%page/17%"},
            )
            lines = "\n".join(row[0] for row in plan)
    finally:
        await engine.dispose()
    assert USAGE_LOG_URL_TRIGRAM_INDEX in lines, lines
