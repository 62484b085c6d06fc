"""Engine creation and the transaction runner every SQL repository goes through."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Executable, Table, event, text
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from scrapegate.storage.sql import inline_sqlite
from scrapegate.storage.sql.types import dump_json, load_json

log = logging.getLogger(__name__)

T = TypeVar("T")

# Another process's lock blocks the event loop this long at most (statements run inline);
# ``Database.write`` then retries with asynchronous back-off.
SQLITE_BUSY_TIMEOUT_MS = 1_000
WRITE_ATTEMPTS = 8
# PostgreSQL serialization failure and deadlock: safe to retry the whole transaction.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
BEGIN_OPTION = "scrapegate_begin"

Work = Callable[[AsyncConnection], Awaitable[T]]


def normalize_url(url: str) -> URL:
    """Parse ``url`` and point it at the async driver of its backend."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ValueError("in-memory SQLite is not supported: use a file or the memory backend")
        return parsed.set(drivername="sqlite+aiosqlite")
    raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}")


def ensure_sqlite_directory(url: URL) -> None:
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Driver-level autocommit: transactions are begun explicitly by _on_sqlite_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # busy_timeout first: switching to WAL needs a lock another connection may hold.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE) so read-then-write never upgrades.
    conn.exec_driver_sql(conn.get_execution_options().get(BEGIN_OPTION, "BEGIN"))


def create_engine_for(url: str) -> AsyncEngine:
    normalized = normalize_url(url)
    ensure_sqlite_directory(normalized)
    options: dict[str, Any] = {"json_serializer": dump_json, "json_deserializer": load_json}
    if normalized.get_backend_name() == "postgresql":
        options.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
    if normalized.get_backend_name() == "sqlite":
        assert normalized.database  # normalize_url refuses in-memory databases
        path = str(Path(normalized.database).expanduser())
        options["async_creator"] = partial(inline_sqlite.connect, path)
    engine = create_async_engine(normalized, **options)
    if normalized.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    return engine


def _is_retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
        return True
    return getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


class Database:
    """An engine plus the two kinds of transaction the repositories need."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.backend = engine.dialect.name

    def _transaction(self, *, immediate: bool) -> AbstractAsyncContextManager[AsyncConnection]:
        if self.backend == "sqlite":
            return self._inline_transaction(immediate=immediate)
        return self._transaction_on_server()

    @asynccontextmanager
    async def _transaction_on_server(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn, conn.begin():
            yield conn

    @asynccontextmanager
    async def _inline_transaction(self, *, immediate: bool) -> AsyncIterator[AsyncConnection]:
        """SQLite runs inline (``inline_sqlite``), so nothing here suspends: closing directly,
        not through SQLAlchemy's shielded close task, gives the connection back before any other
        task runs (one pooled connection serves the whole loop)."""
        conn = await self.engine.connect()
        try:
            if immediate:
                await conn.execution_options(**{BEGIN_OPTION: "BEGIN IMMEDIATE"})
            transaction = await conn.begin()
            try:
                yield conn
            except BaseException:
                await transaction.rollback()
                raise
            await transaction.commit()
        finally:
            await conn.close()

    async def read(self, work: Work[T]) -> T:
        async with self._transaction(immediate=False) as conn:
            return await work(conn)

    async def write(self, work: Work[T]) -> T:
        """Run ``work`` in a write transaction, retrying it when the database asks for that."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                async with self._transaction(immediate=True) as conn:
                    return await work(conn)
            except DBAPIError as exc:
                if attempt == WRITE_ATTEMPTS or not _is_retryable(exc):
                    raise
                log.debug("retrying write transaction (attempt %d): %s", attempt, exc.orig)
                await asyncio.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # a health check reports failure instead of raising
            log.warning("database ping failed: %s", exc)
            return False
        return True

    async def close(self) -> None:
        await self.engine.dispose()


def _dialect_insert(backend: str, table: Table) -> PgInsert | SqliteInsert:
    return pg_insert(table) if backend == "postgresql" else sqlite_insert(table)


def insert_ignoring_conflict(backend: str, table: Table) -> Executable:
    """INSERT (execute with one or many parameter sets) that skips rows whose key exists."""
    return _dialect_insert(backend, table).on_conflict_do_nothing()


def insert_or_replace(backend: str, table: Table, values: dict[str, Any]) -> Executable:
    """INSERT that overwrites every column of the row with the same primary key."""
    statement = _dialect_insert(backend, table).values(values)
    keys = [column.name for column in table.primary_key.columns]
    changes = {name: statement.excluded[name] for name in values if name not in keys}
    return statement.on_conflict_do_update(index_elements=keys, set_=changes)
