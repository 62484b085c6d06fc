"""Per-domain attempt history (the tier playbook) on SQL."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import DomainAttempt
from scrapegate.storage.sql.columns import column_values
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.models import PLAYBOOK_ATTEMPTS

ATTEMPT_COLUMNS = [
    PLAYBOOK_ATTEMPTS.c.org_id,
    PLAYBOOK_ATTEMPTS.c.domain,
    PLAYBOOK_ATTEMPTS.c.tier,
    PLAYBOOK_ATTEMPTS.c.success,
    PLAYBOOK_ATTEMPTS.c.created_at,
]


class SqlPlaybookRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, attempt: DomainAttempt) -> None:
        statement = insert(PLAYBOOK_ATTEMPTS).values(column_values(attempt))

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)

    async def recent(
        self, domain: str, *, org_id: str | None, limit: int = 50
    ) -> list[DomainAttempt]:
        query = select(*ATTEMPT_COLUMNS).where(PLAYBOOK_ATTEMPTS.c.domain == domain)
        if org_id is not None:
            query = query.where(PLAYBOOK_ATTEMPTS.c.org_id == org_id)
        query = query.order_by(
            PLAYBOOK_ATTEMPTS.c.created_at.desc(), PLAYBOOK_ATTEMPTS.c.seq.desc()
        ).limit(limit)

        async def work(conn: AsyncConnection) -> list[DomainAttempt]:
            return [DomainAttempt(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)
