"""Scrape feedback on SQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.feedback_records import ScrapeFeedback
from scrapegate.domain.records import UsageRow
from scrapegate.errors import Conflict
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.models import USAGE_LOG
from scrapegate.storage.sql.oauth_models import SCRAPE_FEEDBACK

TABLE = SCRAPE_FEEDBACK


class SqlFeedbackRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, feedback: ScrapeFeedback) -> ScrapeFeedback:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(TABLE).values(asdict(feedback)))

        try:
            await self._db.write(work)
        except IntegrityError:
            # The unique (job_id, issue_type) index: one feedback per job and issue type.
            raise Conflict("Feedback of this issue type was already sent for this job") from None
        return feedback

    async def get(self, feedback_id: str) -> ScrapeFeedback | None:
        query = select(TABLE).where(TABLE.c.id == feedback_id)

        async def work(conn: AsyncConnection) -> ScrapeFeedback | None:
            row = (await conn.execute(query)).first()
            return ScrapeFeedback(**row._mapping) if row else None

        return await self._db.read(work)

    async def save(self, feedback: ScrapeFeedback) -> None:
        statement = (
            update(TABLE)
            .where(TABLE.c.id == feedback.id)
            .values(
                analysis_status=feedback.analysis_status,
                analysis=feedback.analysis,
                analyzed_at=feedback.analyzed_at,
                support_ticket_id=feedback.support_ticket_id,
                support_ticket_ref=feedback.support_ticket_ref,
            )
        )

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)

    async def analyses_since(self, org_id: str, since: datetime) -> int:
        query = select(func.count()).where(
            TABLE.c.org_id == org_id,
            TABLE.c.analysis_queued.is_(True),
            TABLE.c.created_at >= since,
        )

        async def work(conn: AsyncConnection) -> int:
            return int((await conn.execute(query)).scalar() or 0)

        return await self._db.read(work)

    async def job_was_analysed(self, job_id: str) -> bool:
        query = (
            select(TABLE.c.id)
            .where(TABLE.c.job_id == job_id, TABLE.c.analysis_queued.is_(True))
            .limit(1)
        )

        async def work(conn: AsyncConnection) -> bool:
            return (await conn.execute(query)).first() is not None

        return await self._db.read(work)

    async def request_log_entry(self, row_id: str) -> UsageRow | None:
        query = select(USAGE_LOG).where(USAGE_LOG.c.id == row_id)

        async def work(conn: AsyncConnection) -> UsageRow | None:
            row = (await conn.execute(query)).first()
            return UsageRow(**row._mapping) if row else None

        return await self._db.read(work)
