"""Notifications, per-user receipts and support preferences on SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import ColumnElement, RowMapping, Select, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.notification_records import (
    Audience,
    Notification,
    NotificationQuery,
    NotificationView,
    SupportPreferences,
)
from scrapegate.storage.sql.database import Database, insert_ignoring_conflict, insert_or_replace
from scrapegate.storage.sql.kb_models import (
    NOTIFICATION_RECEIPTS,
    NOTIFICATIONS,
    SUPPORT_PREFERENCES,
)

N = NOTIFICATIONS
R = NOTIFICATION_RECEIPTS


def addressed_to(audience: Audience) -> ColumnElement[bool]:
    return or_(
        N.c.user_id == audience.user_id,
        and_(N.c.user_id.is_(None), or_(N.c.org_id.is_(None), N.c.org_id == audience.org_id)),
    )


def with_receipts(user_id: str) -> Select[tuple[object, ...]]:
    joined = N.outerjoin(R, and_(R.c.notification_id == N.c.id, R.c.user_id == user_id))
    return select(N, R.c.read_at, R.c.dismissed_at).select_from(joined)


def view_of(mapping: RowMapping) -> NotificationView:
    values = dict(mapping)
    read_at, dismissed_at = values.pop("read_at"), values.pop("dismissed_at")
    return NotificationView(Notification(**values), read_at, dismissed_at)


def conditions(query: NotificationQuery) -> list[ColumnElement[bool]]:
    found = [addressed_to(query.audience)]
    if query.since is not None:
        found.append(N.c.created_at >= query.since)
    if query.active:
        found.append(R.c.dismissed_at.is_(None))
        found.append(or_(N.c.expires_at.is_(None), N.c.expires_at > query.now))
    return found


class SqlNotificationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, notification: Notification) -> bool:
        statement = insert_ignoring_conflict(self._db.backend, N)

        async def work(conn: AsyncConnection) -> bool:
            return bool((await conn.execute(statement, asdict(notification))).rowcount)

        return await self._db.write(work)

    async def _first(self, query: Select[tuple[object, ...]]) -> Notification | None:
        async def work(conn: AsyncConnection) -> Notification | None:
            row = (await conn.execute(query)).first()
            return Notification(**row._mapping) if row else None

        return await self._db.read(work)

    async def find(self, dedupe_key: str) -> Notification | None:
        return await self._first(select(N).where(N.c.dedupe_key == dedupe_key))

    async def latest_of_type(
        self, kind: str, org_id: str | None, user_id: str | None, since: datetime
    ) -> Notification | None:
        org = N.c.org_id.is_(None) if org_id is None else N.c.org_id == org_id
        user = N.c.user_id.is_(None) if user_id is None else N.c.user_id == user_id
        query = (
            select(N)
            .where(N.c.type == kind, org, user, N.c.created_at >= since)
            .order_by(N.c.created_at.desc(), N.c.id.desc())
            .limit(1)
        )
        return await self._first(query)

    async def query(self, query: NotificationQuery) -> tuple[list[NotificationView], int]:
        where = conditions(query)
        joined = N.outerjoin(
            R, and_(R.c.notification_id == N.c.id, R.c.user_id == query.audience.user_id)
        )
        counting = select(func.count()).select_from(joined).where(*where)
        listing = (
            with_receipts(query.audience.user_id)
            .where(*where)
            .order_by(N.c.created_at.desc(), N.c.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )

        async def work(conn: AsyncConnection) -> tuple[list[NotificationView], int]:
            total = (await conn.execute(counting)).scalar()
            rows = await conn.execute(listing)
            return [view_of(row._mapping) for row in rows], int(total or 0)

        return await self._db.read(work)

    async def view(self, audience: Audience, notification_id: str) -> NotificationView | None:
        query = with_receipts(audience.user_id).where(
            N.c.id == notification_id, addressed_to(audience)
        )

        async def work(conn: AsyncConnection) -> NotificationView | None:
            row = (await conn.execute(query)).first()
            return view_of(row._mapping) if row else None

        return await self._db.read(work)

    async def _ensure_receipts(
        self, conn: AsyncConnection, user_id: str, notification_ids: Sequence[str]
    ) -> None:
        rows = [
            {"notification_id": nid, "user_id": user_id, "read_at": None, "dismissed_at": None}
            for nid in notification_ids
        ]
        await conn.execute(insert_ignoring_conflict(self._db.backend, R), rows)

    async def mark_read(self, user_id: str, notification_ids: Sequence[str], at: datetime) -> None:
        if not notification_ids:
            return
        statement = (
            update(R)
            .where(R.c.user_id == user_id, R.c.notification_id.in_(list(notification_ids)))
            .where(R.c.read_at.is_(None))
            .values(read_at=at)
        )

        async def work(conn: AsyncConnection) -> None:
            await self._ensure_receipts(conn, user_id, notification_ids)
            await conn.execute(statement)

        await self._db.write(work)

    async def dismiss(self, user_id: str, notification_id: str, at: datetime) -> datetime:
        mine = and_(R.c.user_id == user_id, R.c.notification_id == notification_id)
        first_only = update(R).where(mine, R.c.dismissed_at.is_(None)).values(dismissed_at=at)

        async def work(conn: AsyncConnection) -> datetime:
            await self._ensure_receipts(conn, user_id, [notification_id])
            await conn.execute(first_only)
            stored = (await conn.execute(select(R.c.dismissed_at).where(mine))).scalar_one()
            return stored if isinstance(stored, datetime) else at

        return await self._db.write(work)


class SqlSupportPreferenceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: str) -> SupportPreferences | None:
        query = select(SUPPORT_PREFERENCES).where(SUPPORT_PREFERENCES.c.user_id == user_id)

        async def work(conn: AsyncConnection) -> SupportPreferences | None:
            row = (await conn.execute(query)).first()
            return SupportPreferences(**row._mapping) if row else None

        return await self._db.read(work)

    async def save(self, preferences: SupportPreferences) -> SupportPreferences:
        statement = insert_or_replace(self._db.backend, SUPPORT_PREFERENCES, asdict(preferences))

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)
        return preferences
