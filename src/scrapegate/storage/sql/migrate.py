"""Runs the Alembic migrations in ``storage/migrations`` from code (``alembic upgrade head``)."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from scrapegate.storage.sql.database import BEGIN_OPTION, create_engine_for, normalize_url

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Serialises concurrent migrators (API and workers starting together) on PostgreSQL.
PG_MIGRATION_LOCK_KEY = 7_248_195_310_004_117_001
# Alembic's ``context`` is process-global: two migrations in one process must never interleave.
_IN_PROCESS = threading.Lock()


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration without an ini file; ``env.py`` reuses ``connection`` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade_head(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


async def upgrade_database(url: str) -> None:
    """Bring the database at ``url`` to the newest schema; creates a SQLite file's directory.

    Migrators are serialised: in this process by a lock, across processes by a file lock beside a
    SQLite file or by an advisory lock on PostgreSQL, so none waits on a busy timeout.
    """
    await asyncio.to_thread(_IN_PROCESS.acquire)
    try:
        with _sqlite_lock_file(url) as handle:
            if handle is not None:
                await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
            await _upgrade(url)
    finally:
        _IN_PROCESS.release()


@contextmanager
def _sqlite_lock_file(url: str) -> Iterator[IO[bytes] | None]:
    """A lock file beside a SQLite database (closing it releases the lock); None elsewhere."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        yield None
        return
    path = Path(parsed.database).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".migrate-lock"), "a+b") as handle:
        yield handle


async def _upgrade(url: str) -> None:
    engine = create_engine_for(url)
    try:
        async with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                # Holding the write lock from the start serialises concurrent migrators on SQLite.
                await conn.execution_options(**{BEGIN_OPTION: "BEGIN IMMEDIATE"})
            async with conn.begin():
                if engine.dialect.name == "postgresql":
                    await conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK_KEY}
                    )
                await conn.run_sync(_upgrade_head)
        log.info("database schema is up to date (%s)", engine.dialect.name)
    finally:
        await engine.dispose()
