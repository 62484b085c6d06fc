"""Webhook deliveries on SQL."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import WebhookDelivery
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.models import WEBHOOK_DELIVERIES

TABLE = WEBHOOK_DELIVERIES


class SqlWebhookDeliveryRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, delivery: WebhookDelivery) -> WebhookDelivery:
        statement = insert(TABLE).values(asdict(delivery))

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict(f"webhook delivery {delivery.id} already exists") from None
        return delivery

    async def get(self, delivery_id: str) -> WebhookDelivery | None:
        found = await self._select(TABLE.c.id == delivery_id, newest_first=False, limit=1)
        return found[0] if found else None

    async def save(self, delivery: WebhookDelivery) -> None:
        values = asdict(delivery)
        del values["id"]
        statement = update(TABLE).where(TABLE.c.id == delivery.id).values(values)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        if await self._db.write(work) == 0:
            raise NotFound(f"webhook delivery {delivery.id} does not exist")

    async def list_pending(self) -> list[WebhookDelivery]:
        return await self._select(TABLE.c.status == "pending", newest_first=False, limit=None)

    async def list_for_org(self, org_id: str, *, limit: int = 100) -> list[WebhookDelivery]:
        return await self._select(TABLE.c.org_id == org_id, newest_first=True, limit=limit)

    async def _select(
        self, condition: ColumnElement[bool], *, newest_first: bool, limit: int | None
    ) -> list[WebhookDelivery]:
        order = (
            (TABLE.c.created_at.desc(), TABLE.c.id.desc())
            if newest_first
            else (TABLE.c.created_at, TABLE.c.id)
        )
        query = select(TABLE).where(condition).order_by(*order).limit(limit)

        async def work(conn: AsyncConnection) -> list[WebhookDelivery]:
            return [WebhookDelivery(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)
