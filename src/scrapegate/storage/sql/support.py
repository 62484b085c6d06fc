"""The support helpdesk on SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import utcnow
from scrapegate.domain.support_records import (
    OPEN_STATUSES,
    SupportAttachment,
    SupportCategory,
    SupportErasure,
    SupportReply,
    SupportTicket,
    TicketQuery,
)
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.support_models import (
    SUPPORT_ATTACHMENTS,
    SUPPORT_CATEGORIES,
    SUPPORT_ERASURES,
    SUPPORT_REPLIES,
    SUPPORT_TICKET_NUMBERS,
    SUPPORT_TICKETS,
)

TICKETS, REPLIES, FILES = SUPPORT_TICKETS, SUPPORT_REPLIES, SUPPORT_ATTACHMENTS


def _like(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _ticket_filters(query: TicketQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    pairs: tuple[tuple[Any, Any], ...] = (
        (TICKETS.c.user_id, query.user_id),
        (TICKETS.c.org_id, query.org_id),
        (TICKETS.c.status, query.status),
        (TICKETS.c.priority, query.priority),
        (TICKETS.c.category_id, query.category_id),
    )
    conditions.extend(column == value for column, value in pairs if value is not None)
    if query.search:
        pattern = _like(query.search)
        reply_match = [
            REPLIES.c.ticket_id == TICKETS.c.id,
            func.lower(REPLIES.c.body).like(pattern, escape="\\"),
        ]
        if not query.include_internal:
            reply_match.append(REPLIES.c.is_internal_note.is_(False))
        conditions.append(
            or_(
                func.lower(TICKETS.c.subject).like(pattern, escape="\\"),
                exists().where(and_(*reply_match)),
            )
        )
    return conditions


class SqlSupportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def _all(self, statement: Any) -> list[Any]:
        async def work(conn: AsyncConnection) -> list[Any]:
            return list(await conn.execute(statement))

        return await self._db.read(work)

    async def _scalar(self, statement: Any) -> int:
        async def work(conn: AsyncConnection) -> int:
            return int((await conn.execute(statement)).scalar() or 0)

        return await self._db.read(work)

    async def _run(self, statement: Any, params: Any = None) -> int:
        async def work(conn: AsyncConnection) -> int:
            return int((await conn.execute(statement, params)).rowcount)

        return await self._db.write(work)

    async def categories(self, *, active_only: bool) -> list[SupportCategory]:
        query = select(SUPPORT_CATEGORIES).order_by(
            SUPPORT_CATEGORIES.c.sort_order, SUPPORT_CATEGORIES.c.slug
        )
        if active_only:
            query = query.where(SUPPORT_CATEGORIES.c.active.is_(True))
        return [SupportCategory(**row._mapping) for row in await self._all(query)]

    async def add_category(self, category: SupportCategory) -> bool:
        try:
            await self._run(insert(SUPPORT_CATEGORIES), [asdict(category)])
        except IntegrityError:
            return False
        return True

    async def save_category(self, category: SupportCategory) -> None:
        values = asdict(category)
        table = SUPPORT_CATEGORIES
        await self._run(update(table).where(table.c.id == values.pop("id")).values(values))

    async def next_ticket_number(self) -> int:
        async def work(conn: AsyncConnection) -> int:
            statement = insert(SUPPORT_TICKET_NUMBERS).values(issued_at=utcnow())
            returned = await conn.execute(statement.returning(SUPPORT_TICKET_NUMBERS.c.number))
            return int(returned.scalar_one())

        return await self._db.write(work)

    async def add_ticket(self, ticket: SupportTicket, first_reply: SupportReply) -> None:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(TICKETS), [asdict(ticket)])
            await conn.execute(insert(REPLIES), [asdict(first_reply)])

        await self._db.write(work)

    async def get_ticket(self, ticket_id: str) -> SupportTicket | None:
        rows = await self._all(select(TICKETS).where(TICKETS.c.id == ticket_id))
        return SupportTicket(**rows[0]._mapping) if rows else None

    async def save_ticket(self, ticket: SupportTicket) -> None:
        values = asdict(ticket)
        await self._run(update(TICKETS).where(TICKETS.c.id == values.pop("id")).values(values))

    async def find_tickets(self, query: TicketQuery) -> tuple[list[SupportTicket], int]:
        conditions = _ticket_filters(query)
        page = (
            select(TICKETS)
            .where(*conditions)
            .order_by(TICKETS.c.created_at.desc(), TICKETS.c.ticket_number.desc())
            .offset(query.offset)
            .limit(query.limit)
        )
        total = await self._scalar(select(func.count()).select_from(TICKETS).where(*conditions))
        return [SupportTicket(**row._mapping) for row in await self._all(page)], total

    async def count_open(self, user_id: str, org_id: str) -> int:
        return await self._scalar(
            select(func.count())
            .select_from(TICKETS)
            .where(
                TICKETS.c.user_id == user_id,
                TICKETS.c.org_id == org_id,
                TICKETS.c.status.in_(OPEN_STATUSES),
            )
        )

    async def count_from_origin(self, origin_ip_hash: str, since: datetime) -> int:
        return await self._scalar(
            select(func.count())
            .select_from(TICKETS)
            .where(TICKETS.c.origin_ip_hash == origin_ip_hash, TICKETS.c.created_at >= since)
        )

    async def resolved_before(self, before: datetime) -> list[SupportTicket]:
        query = select(TICKETS).where(
            TICKETS.c.status == "resolved", TICKETS.c.resolved_at < before
        )
        return [SupportTicket(**row._mapping) for row in await self._all(query)]

    async def add_reply(self, reply: SupportReply) -> None:
        await self._run(insert(REPLIES), [asdict(reply)])

    def _replies_where(self, ticket_id: str, include_internal: bool) -> list[ColumnElement[bool]]:
        conditions = [REPLIES.c.ticket_id == ticket_id]
        if not include_internal:
            conditions.append(REPLIES.c.is_internal_note.is_(False))
        return conditions

    async def replies(
        self, ticket_id: str, *, include_internal: bool, offset: int, limit: int
    ) -> tuple[list[SupportReply], int]:
        conditions = self._replies_where(ticket_id, include_internal)
        page = (
            select(REPLIES)
            .where(*conditions)
            .order_by(REPLIES.c.created_at, REPLIES.c.id)
            .offset(offset)
            .limit(limit)
        )
        total = await self._scalar(select(func.count()).select_from(REPLIES).where(*conditions))
        return [SupportReply(**row._mapping) for row in await self._all(page)], total

    async def latest_replies(
        self, ticket_id: str, *, include_internal: bool, limit: int
    ) -> list[SupportReply]:
        query = (
            select(REPLIES)
            .where(*self._replies_where(ticket_id, include_internal))
            .order_by(REPLIES.c.created_at.desc(), REPLIES.c.id.desc())
            .limit(limit)
        )
        return [SupportReply(**row._mapping) for row in reversed(await self._all(query))]

    async def add_attachment(self, attachment: SupportAttachment) -> None:
        await self._run(insert(FILES), [asdict(attachment)])

    async def get_attachment(self, attachment_id: str) -> SupportAttachment | None:
        rows = await self._all(select(FILES).where(FILES.c.id == attachment_id))
        return SupportAttachment(**rows[0]._mapping) if rows else None

    async def link_attachments(
        self, attachment_ids: Sequence[str], ticket_id: str, reply_id: str | None
    ) -> int:
        if not attachment_ids:
            return 0
        # The ticket_id IS NULL guard makes "attach only once" hold under concurrent replies.
        statement = (
            update(FILES)
            .where(FILES.c.id.in_(list(attachment_ids)), FILES.c.ticket_id.is_(None))
            .values(ticket_id=ticket_id, reply_id=reply_id)
        )
        return await self._run(statement)

    async def attachments_of_replies(self, reply_ids: Sequence[str]) -> list[SupportAttachment]:
        if not reply_ids:
            return []
        query = (
            select(FILES)
            .where(FILES.c.reply_id.in_(list(reply_ids)))
            .order_by(FILES.c.created_at, FILES.c.id)
        )
        return [SupportAttachment(**row._mapping) for row in await self._all(query)]

    async def attachments_of_ticket(self, ticket_id: str) -> list[SupportAttachment]:
        query = (
            select(FILES)
            .where(FILES.c.ticket_id == ticket_id)
            .order_by(FILES.c.created_at, FILES.c.id)
        )
        return [SupportAttachment(**row._mapping) for row in await self._all(query)]

    async def delete_attachment(self, attachment_id: str) -> bool:
        return bool(await self._run(delete(FILES).where(FILES.c.id == attachment_id)))

    async def count_uploads(self, uploader_id: str, since: datetime) -> int:
        return await self._scalar(
            select(func.count())
            .select_from(FILES)
            .where(FILES.c.uploader_id == uploader_id, FILES.c.created_at >= since)
        )

    async def unattached_before(self, before: datetime) -> list[SupportAttachment]:
        query = select(FILES).where(FILES.c.ticket_id.is_(None), FILES.c.created_at < before)
        return [SupportAttachment(**row._mapping) for row in await self._all(query)]

    async def erase_ticket(self, ticket_id: str, erasure: SupportErasure) -> bool:
        async def work(conn: AsyncConnection) -> bool:
            gone = await conn.execute(delete(TICKETS).where(TICKETS.c.id == ticket_id))
            if not gone.rowcount:
                return False
            await conn.execute(delete(REPLIES).where(REPLIES.c.ticket_id == ticket_id))
            await conn.execute(delete(FILES).where(FILES.c.ticket_id == ticket_id))
            await conn.execute(insert(SUPPORT_ERASURES), [asdict(erasure)])
            return True

        return await self._db.write(work)

    async def erasures(self) -> list[SupportErasure]:
        query = select(SUPPORT_ERASURES).order_by(SUPPORT_ERASURES.c.erased_at)
        return [SupportErasure(**row._mapping) for row in await self._all(query)]
