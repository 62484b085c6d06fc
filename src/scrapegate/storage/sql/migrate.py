"""Runs the Alembic migrations in ``storage/migrations`` from code (``alembic upgrade head``)."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from scrapegate.storage.sql.database import BEGIN_OPTION, create_engine_for

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Serialises concurrent migrators (API and workers starting together) on PostgreSQL.
PG_MIGRATION_LOCK_KEY = 7_248_195_310_004_117_001


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
    """Bring the database at ``url`` to the newest schema; creates a SQLite file's directory."""
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
