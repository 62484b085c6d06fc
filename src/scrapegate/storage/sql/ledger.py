"""The credit ledger on SQL: one balance row per organization plus an append-only entry table.

``apply`` updates the balance row with a conditional UPDATE (``balance + amount >= 0``) and inserts
the entry in the same transaction. On PostgreSQL the UPDATE row lock serialises concurrent
movements of one organization; on SQLite the write transaction is BEGIN IMMEDIATE. Either way the
balance never goes negative and always equals the sum of the entries.
"""

from __future__ import annotations

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import LedgerEntry, LedgerKind, new_id, utcnow
from scrapegate.errors import NotFound
from scrapegate.storage.sql.database import Database, insert_ignoring_conflict
from scrapegate.storage.sql.models import LEDGER_ENTRIES, ORG_BALANCES


def _entry(mapping: RowMapping) -> LedgerEntry:
    return LedgerEntry(**mapping)


async def _find_by_key(conn: AsyncConnection, org_id: str, key: str) -> LedgerEntry | None:
    query = select(LEDGER_ENTRIES).where(
        LEDGER_ENTRIES.c.org_id == org_id, LEDGER_ENTRIES.c.idempotency_key == key
    )
    row = (await conn.execute(query)).first()
    return None if row is None else _entry(row._mapping)


class SqlLedgerRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def balance(self, org_id: str) -> int:
        query = select(ORG_BALANCES.c.balance).where(ORG_BALANCES.c.org_id == org_id)

        async def work(conn: AsyncConnection) -> int:
            value = await conn.scalar(query)
            return 0 if value is None else int(value)

        return await self._db.read(work)

    async def apply(
        self,
        org_id: str,
        amount: int,
        kind: LedgerKind,
        *,
        job_id: str | None = None,
        idempotency_key: str | None = None,
        note: str | None = None,
    ) -> LedgerEntry | None:
        entry = LedgerEntry(
            id=new_id(),
            org_id=org_id,
            amount=amount,
            kind=kind,
            balance_after=0,
            job_id=job_id,
            idempotency_key=idempotency_key,
            note=note,
            created_at=utcnow(),
        )
        try:
            return await self._db.write(lambda conn: self._apply(conn, entry))
        except IntegrityError:
            if idempotency_key is None:
                raise
            # A concurrent caller with the same key committed first: its entry is the answer.
            existing = await self._db.read(lambda conn: _find_by_key(conn, org_id, idempotency_key))
            if existing is None:
                raise
            return existing

    async def _apply(self, conn: AsyncConnection, entry: LedgerEntry) -> LedgerEntry | None:
        if entry.idempotency_key is not None:
            existing = await _find_by_key(conn, entry.org_id, entry.idempotency_key)
            if existing is not None:
                return existing
        await self._ensure_balance_row(conn, entry.org_id)
        moved = await conn.execute(
            update(ORG_BALANCES)
            .where(
                ORG_BALANCES.c.org_id == entry.org_id,
                ORG_BALANCES.c.balance + entry.amount >= 0,
            )
            .values(balance=ORG_BALANCES.c.balance + entry.amount)
            .returning(ORG_BALANCES.c.balance)
        )
        balance_after = moved.scalar_one_or_none()
        if balance_after is None:
            return None
        entry.balance_after = int(balance_after)
        # Stamped while holding the balance row, so entry order follows the balance chain.
        entry.created_at = utcnow()
        await conn.execute(insert(LEDGER_ENTRIES).values(vars(entry)))
        return entry

    async def _ensure_balance_row(self, conn: AsyncConnection, org_id: str) -> None:
        statement = insert_ignoring_conflict(self._db.backend, ORG_BALANCES)
        try:
            await conn.execute(statement, {"org_id": org_id, "balance": 0})
        except IntegrityError:
            # The only constraint this insert can break is the foreign key to organizations.
            raise NotFound(f"organization {org_id} does not exist") from None

    async def entries(self, org_id: str, *, job_id: str | None = None) -> list[LedgerEntry]:
        query = select(LEDGER_ENTRIES).where(LEDGER_ENTRIES.c.org_id == org_id)
        if job_id is not None:
            query = query.where(LEDGER_ENTRIES.c.job_id == job_id)
        query = query.order_by(LEDGER_ENTRIES.c.created_at, LEDGER_ENTRIES.c.id)

        async def work(conn: AsyncConnection) -> list[LedgerEntry]:
            return [_entry(row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)
