"""Organizations' own LLM keys on SQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import ColumnElement, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.llm_key_records import LlmKey
from scrapegate.errors import Conflict
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.llm_key_models import LLM_KEYS

KEYS = LLM_KEYS
TAKEN = "An active key for this provider already exists"


def _active(org_id: str, key_id: str) -> list[ColumnElement[bool]]:
    return [KEYS.c.org_id == org_id, KEYS.c.id == key_id, KEYS.c.deleted_at.is_(None)]


class SqlLlmKeyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, key: LlmKey) -> LlmKey:
        taken = (
            select(func.count())
            .select_from(KEYS)
            .where(
                KEYS.c.org_id == key.org_id,
                KEYS.c.provider == key.provider,
                KEYS.c.deleted_at.is_(None),
                KEYS.c.base_url.is_(None)
                if key.base_url is None
                else KEYS.c.base_url == key.base_url,
            )
        )

        async def work(conn: AsyncConnection) -> None:
            if self._db.backend == "postgresql":
                # Serialises the check-then-insert per organization (SQLite's BEGIN IMMEDIATE does).
                lock = text("SELECT pg_advisory_xact_lock(hashtext(:org))")
                await conn.execute(lock, {"org": "llm-keys:" + key.org_id})
            if (await conn.execute(taken)).scalar_one():
                raise Conflict(TAKEN)
            await conn.execute(insert(KEYS).values(asdict(key)))

        await self._db.write(work)
        return key

    async def get(self, org_id: str, key_id: str) -> LlmKey | None:
        query = select(KEYS).where(*_active(org_id, key_id))

        async def work(conn: AsyncConnection) -> LlmKey | None:
            row = (await conn.execute(query)).first()
            return None if row is None else LlmKey(**row._mapping)

        return await self._db.read(work)

    async def list_active(self, org_id: str) -> list[LlmKey]:
        query = (
            select(KEYS)
            .where(KEYS.c.org_id == org_id, KEYS.c.deleted_at.is_(None))
            .order_by(KEYS.c.created_at.desc(), KEYS.c.id.desc())
        )

        async def work(conn: AsyncConnection) -> list[LlmKey]:
            return [LlmKey(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def save(self, key: LlmKey) -> bool:
        values = asdict(key)
        for fixed in ("id", "org_id", "created_at", "deleted_at"):
            del values[fixed]
        statement = update(KEYS).where(*_active(key.org_id, key.id)).values(values)

        async def work(conn: AsyncConnection) -> bool:
            return bool((await conn.execute(statement)).rowcount)

        return await self._db.write(work)

    async def soft_delete(self, org_id: str, key_id: str, at: datetime) -> bool:
        statement = (
            update(KEYS).where(*_active(org_id, key_id)).values(deleted_at=at, updated_at=at)
        )

        async def work(conn: AsyncConnection) -> bool:
            return bool((await conn.execute(statement)).rowcount)

        return await self._db.write(work)

    async def mark_used(self, key_id: str, at: datetime) -> None:
        statement = update(KEYS).where(KEYS.c.id == key_id).values(last_used_at=at)

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)
