"""Create, read and save of one record type kept as one row keyed by ``id`` (batches, crawls)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.sql.database import Database


class OwnedRecord(Protocol):
    id: str
    org_id: str


R = TypeVar("R", bound=OwnedRecord)


class OwnedRows(Generic[R]):
    """``what`` names the record in errors ("batch", "crawl")."""

    def __init__(
        self, db: Database, table: Table, what: str, build: Callable[[Mapping[str, Any]], R]
    ) -> None:
        self._db, self._table, self._what, self._build = db, table, what, build
        # Built once: SQLAlchemy then reuses its compiled form and cache key on every call.
        self._by_id = select(table).where(table.c.id == bindparam("record_id"))

    async def create(self, record: R) -> R:
        statement = insert(self._table).values(asdict(record))  # type: ignore[call-overload]

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        try:
            await self._db.write(work)
        except IntegrityError as exc:
            if "foreign" in str(exc.orig).lower():
                raise NotFound(f"organization {record.org_id} does not exist") from None
            raise Conflict(f"{self._what} {record.id} already exists") from None
        return record

    async def get(self, record_id: str) -> R | None:
        async def work(conn: AsyncConnection) -> R | None:
            row = (await conn.execute(self._by_id, {"record_id": record_id})).first()
            return None if row is None else self._build(dict(row._mapping))

        return await self._db.read(work)

    async def save(self, record: R) -> None:
        values = asdict(record)  # type: ignore[call-overload]
        del values["id"]
        statement = update(self._table).where(self._table.c.id == record.id).values(values)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        if not await self._db.write(work):
            raise NotFound(f"{self._what} {record.id} does not exist")
