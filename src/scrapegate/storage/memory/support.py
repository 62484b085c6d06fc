"""The support helpdesk in memory."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from scrapegate.domain.support_records import (
    OPEN_STATUSES,
    SupportAttachment,
    SupportCategory,
    SupportErasure,
    SupportReply,
    SupportTicket,
    TicketQuery,
)
from scrapegate.storage.memory.state import detached


class MemorySupportRepository:
    def __init__(self) -> None:
        self._categories: dict[str, SupportCategory] = {}
        self._tickets: dict[str, SupportTicket] = {}
        self._replies: list[SupportReply] = []
        self._attachments: dict[str, SupportAttachment] = {}
        self._erasures: list[SupportErasure] = []
        self._last_number = 0

    async def categories(self, *, active_only: bool) -> list[SupportCategory]:
        found = [c for c in self._categories.values() if c.active or not active_only]
        return detached(sorted(found, key=lambda c: (c.sort_order, c.slug)))

    async def add_category(self, category: SupportCategory) -> bool:
        if any(c.slug == category.slug for c in self._categories.values()):
            return False
        self._categories[category.id] = detached(category)
        return True

    async def save_category(self, category: SupportCategory) -> None:
        self._categories[category.id] = detached(category)

    async def next_ticket_number(self) -> int:
        self._last_number += 1
        return self._last_number

    async def add_ticket(self, ticket: SupportTicket, first_reply: SupportReply) -> None:
        self._tickets[ticket.id] = detached(ticket)
        self._replies.append(detached(first_reply))

    async def get_ticket(self, ticket_id: str) -> SupportTicket | None:
        found = self._tickets.get(ticket_id)
        return detached(found) if found is not None else None

    async def save_ticket(self, ticket: SupportTicket) -> None:
        if ticket.id in self._tickets:
            self._tickets[ticket.id] = detached(ticket)

    def _matches(self, ticket: SupportTicket, query: TicketQuery) -> bool:
        owned = (query.user_id is None or ticket.user_id == query.user_id) and (
            query.org_id is None or ticket.org_id == query.org_id
        )
        filters = (
            (query.status is None or ticket.status == query.status)
            and (query.priority is None or ticket.priority == query.priority)
            and (query.category_id is None or ticket.category_id == query.category_id)
        )
        return owned and filters and self._search_hit(ticket, query)

    def _search_hit(self, ticket: SupportTicket, query: TicketQuery) -> bool:
        if not query.search:
            return True
        term = query.search.casefold()
        if term in ticket.subject.casefold():
            return True
        return any(
            r.ticket_id == ticket.id
            and (query.include_internal or not r.is_internal_note)
            and term in r.body.casefold()
            for r in self._replies
        )

    async def find_tickets(self, query: TicketQuery) -> tuple[list[SupportTicket], int]:
        found = [t for t in self._tickets.values() if self._matches(t, query)]
        found.sort(key=lambda t: (t.created_at, t.ticket_number), reverse=True)
        return detached(found[query.offset : query.offset + query.limit]), len(found)

    async def count_open(self, user_id: str, org_id: str) -> int:
        return sum(
            1
            for t in self._tickets.values()
            if t.user_id == user_id and t.org_id == org_id and t.status in OPEN_STATUSES
        )

    async def count_from_origin(self, origin_ip_hash: str, since: datetime) -> int:
        return sum(
            1
            for t in self._tickets.values()
            if t.origin_ip_hash == origin_ip_hash and t.created_at >= since
        )

    async def resolved_before(self, before: datetime) -> list[SupportTicket]:
        return detached(
            [
                t
                for t in self._tickets.values()
                if t.status == "resolved" and t.resolved_at is not None and t.resolved_at < before
            ]
        )

    async def add_reply(self, reply: SupportReply) -> None:
        self._replies.append(detached(reply))

    def _replies_of(self, ticket_id: str, include_internal: bool) -> list[SupportReply]:
        found = [
            r
            for r in self._replies
            if r.ticket_id == ticket_id and (include_internal or not r.is_internal_note)
        ]
        return sorted(found, key=lambda r: (r.created_at, r.id))

    async def replies(
        self, ticket_id: str, *, include_internal: bool, offset: int, limit: int
    ) -> tuple[list[SupportReply], int]:
        found = self._replies_of(ticket_id, include_internal)
        return detached(found[offset : offset + limit]), len(found)

    async def latest_replies(
        self, ticket_id: str, *, include_internal: bool, limit: int
    ) -> list[SupportReply]:
        found = self._replies_of(ticket_id, include_internal)
        return detached(found[-limit:] if limit > 0 else [])

    async def add_attachment(self, attachment: SupportAttachment) -> None:
        self._attachments[attachment.id] = detached(attachment)

    async def get_attachment(self, attachment_id: str) -> SupportAttachment | None:
        found = self._attachments.get(attachment_id)
        return detached(found) if found is not None else None

    async def link_attachments(
        self, attachment_ids: Sequence[str], ticket_id: str, reply_id: str | None
    ) -> int:
        linked = 0
        for attachment_id in attachment_ids:
            found = self._attachments.get(attachment_id)
            if found is not None and found.ticket_id is None:
                self._attachments[attachment_id] = dataclasses.replace(
                    found, ticket_id=ticket_id, reply_id=reply_id
                )
                linked += 1
        return linked

    async def attachments_of_replies(self, reply_ids: Sequence[str]) -> list[SupportAttachment]:
        wanted = set(reply_ids)
        found = [a for a in self._attachments.values() if a.reply_id in wanted]
        return detached(sorted(found, key=lambda a: (a.created_at, a.id)))

    async def attachments_of_ticket(self, ticket_id: str) -> list[SupportAttachment]:
        found = [a for a in self._attachments.values() if a.ticket_id == ticket_id]
        return detached(sorted(found, key=lambda a: (a.created_at, a.id)))

    async def delete_attachment(self, attachment_id: str) -> bool:
        return self._attachments.pop(attachment_id, None) is not None

    async def count_uploads(self, uploader_id: str, since: datetime) -> int:
        return sum(
            1
            for a in self._attachments.values()
            if a.uploader_id == uploader_id and a.created_at >= since
        )

    async def unattached_before(self, before: datetime) -> list[SupportAttachment]:
        return detached(
            [a for a in self._attachments.values() if a.ticket_id is None and a.created_at < before]
        )

    async def erase_ticket(self, ticket_id: str, erasure: SupportErasure) -> bool:
        if self._tickets.pop(ticket_id, None) is None:
            return False
        self._replies = [r for r in self._replies if r.ticket_id != ticket_id]
        self._attachments = {k: a for k, a in self._attachments.items() if a.ticket_id != ticket_id}
        self._erasures.append(detached(erasure))
        return True

    async def erasures(self) -> list[SupportErasure]:
        return detached(list(self._erasures))
