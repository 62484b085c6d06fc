"""SQL-only behaviour: URL handling, SQLite connection settings, lifecycle, time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from scrapegate.domain.records import Organization, new_id
from scrapegate.storage.sql import normalize_url, open_sql_storage, upgrade_database
from scrapegate.storage.sql.database import create_engine_for
from tests.contract.conftest import SQL_BACKENDS, open_backend

session_loop = pytest.mark.asyncio(loop_scope="session")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:////var/data/x.db", "sqlite+aiosqlite:////var/data/x.db"),
        ("sqlite+aiosqlite:///rel/x.db", "sqlite+aiosqlite:///rel/x.db"),
        ("postgresql://u:p@127.0.0.1:5432/db", "postgresql+asyncpg://u:p@127.0.0.1:5432/db"),
        ("postgres://u@localhost/db", "postgresql+asyncpg://u@localhost/db"),
        ("postgresql+psycopg://u@localhost/db", "postgresql+asyncpg://u@localhost/db"),
        ("postgresql+asyncpg://u@localhost/db", "postgresql+asyncpg://u@localhost/db"),
    ],
)
def test_urls_are_rewritten_to_async_drivers(given: str, expected: str) -> None:
    assert normalize_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "mysql://u@localhost/db"])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        normalize_url(url)


@session_loop
async def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        async with engine.connect() as conn:
            journal = await conn.scalar(text("PRAGMA journal_mode"))
            timeout = await conn.scalar(text("PRAGMA busy_timeout"))
            foreign_keys = await conn.scalar(text("PRAGMA foreign_keys"))
    finally:
        await engine.dispose()
    assert (journal, foreign_keys) == ("wal", 1)
    assert timeout is not None and timeout >= 1_000


@pytest.mark.parametrize("backend", SQL_BACKENDS)
@session_loop
async def test_backend_name_ping_and_close(backend: str, tmp_path: Path) -> None:
    store = await open_backend(backend, tmp_path)
    try:
        assert store.backend == backend
        assert await store.ping() is True
    finally:
        await store.close()


@session_loop
async def test_ping_reports_an_unreachable_database() -> None:
    store = await open_sql_storage("postgresql://postgres@127.0.0.1:1/nowhere")
    try:
        assert await store.ping() is False
    finally:
        await store.close()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
@session_loop
async def test_timestamps_come_back_as_utc(backend: str, tmp_path: Path) -> None:
    store = await open_backend(backend, tmp_path)
    try:
        local = datetime(2026, 3, 1, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
        org = await store.organizations.create(
            Organization(id=new_id(), name="tz", slug="tz", created_at=local)
        )
        stored = await store.organizations.get(org.id)
    finally:
        await store.close()
    assert stored is not None
    assert stored.created_at == local
    assert stored.created_at.tzinfo is not None and stored.created_at.utcoffset() == timedelta(0)
    assert stored.created_at.astimezone(UTC).hour == 12


@session_loop
async def test_sqlite_storage_on_a_migrated_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'dir' / 'scrapegate.db'}"
    await upgrade_database(url)
    store = await open_sql_storage(url)
    try:
        assert await store.ledger.balance("nobody") == 0
    finally:
        await store.close()
