"""Per-domain attempt history (the tier playbook) on SQL."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select
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


_RECORD = insert(PLAYBOOK_ATTEMPTS)
_NEWEST_FIRST = (PLAYBOOK_ATTEMPTS.c.created_at.desc(), PLAYBOOK_ATTEMPTS.c.seq.desc())
# Built once (a scrape reads its domain's history): SQLAlchemy reuses the compiled form.
_RECENT = (
    select(*ATTEMPT_COLUMNS)
    .where(PLAYBOOK_ATTEMPTS.c.domain == bindparam("domain"))
    .order_by(*_NEWEST_FIRST)
    .limit(bindparam("limit"))
)
_RECENT_OF_ORG = (
    select(*ATTEMPT_COLUMNS)
    .where(
        PLAYBOOK_ATTEMPTS.c.domain == bindparam("domain"),
        PLAYBOOK_ATTEMPTS.c.org_id == bindparam("org_id"),
    )
    .order_by(*_NEWEST_FIRST)
    .limit(bindparam("limit"))
)


class SqlPlaybookRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, attempt: DomainAttempt) -> None:
        values = column_values(attempt)

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(_RECORD, values)

        await self._db.write(work)

    async def recent(
        self, domain: str, *, org_id: str | None, limit: int = 50
    ) -> list[DomainAttempt]:
        query = _RECENT if org_id is None else _RECENT_OF_ORG
        params: dict[str, object] = {"domain": domain, "limit": limit}
        if org_id is not None:
            params["org_id"] = org_id

        async def work(conn: AsyncConnection) -> list[DomainAttempt]:
            rows = await conn.execute(query, params)
            return [DomainAttempt(**row._mapping) for row in rows]

        return await self._db.read(work)
