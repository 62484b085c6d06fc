"""Storage of the support helpdesk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from scrapegate.domain.support_records import (
    SupportAttachment,
    SupportCategory,
    SupportErasure,
    SupportReply,
    SupportTicket,
    TicketQuery,
)


class SupportRepository(Protocol):
    async def categories(self, *, active_only: bool) -> list[SupportCategory]:
        """Every category by ``sort_order`` (then slug)."""
        ...

    async def add_category(self, category: SupportCategory) -> bool:
        """False when the slug is taken."""
        ...

    async def save_category(self, category: SupportCategory) -> None: ...

    async def next_ticket_number(self) -> int:
        """A number never handed out before on this server, safe under concurrent callers."""
        ...

    async def add_ticket(self, ticket: SupportTicket, first_reply: SupportReply) -> None: ...

    async def get_ticket(self, ticket_id: str) -> SupportTicket | None: ...

    async def save_ticket(self, ticket: SupportTicket) -> None: ...

    async def find_tickets(self, query: TicketQuery) -> tuple[list[SupportTicket], int]:
        """A page of matching tickets, newest first, and the count of all matches."""
        ...

    async def count_open(self, user_id: str, org_id: str) -> int: ...

    async def count_from_origin(self, origin_ip_hash: str, since: datetime) -> int:
        """Tickets created from one client address since ``since`` (contact-form limit)."""
        ...

    async def resolved_before(self, before: datetime) -> list[SupportTicket]: ...

    async def add_reply(self, reply: SupportReply) -> None: ...

    async def replies(
        self, ticket_id: str, *, include_internal: bool, offset: int, limit: int
    ) -> tuple[list[SupportReply], int]:
        """A page of replies oldest first, and their count."""
        ...

    async def latest_replies(
        self, ticket_id: str, *, include_internal: bool, limit: int
    ) -> list[SupportReply]:
        """The newest ``limit`` replies, oldest first."""
        ...

    async def add_attachment(self, attachment: SupportAttachment) -> None: ...

    async def get_attachment(self, attachment_id: str) -> SupportAttachment | None: ...

    async def link_attachments(
        self, attachment_ids: Sequence[str], ticket_id: str, reply_id: str | None
    ) -> int:
        """Attach unattached uploads to a reply; answers how many were linked."""
        ...

    async def attachments_of_replies(self, reply_ids: Sequence[str]) -> list[SupportAttachment]: ...

    async def attachments_of_ticket(self, ticket_id: str) -> list[SupportAttachment]: ...

    async def delete_attachment(self, attachment_id: str) -> bool: ...

    async def count_uploads(self, uploader_id: str, since: datetime) -> int: ...

    async def unattached_before(self, before: datetime) -> list[SupportAttachment]: ...

    async def erase_ticket(self, ticket_id: str, erasure: SupportErasure) -> bool:
        """Delete the ticket, its replies and attachment rows; log the erasure."""
        ...

    async def erasures(self) -> list[SupportErasure]: ...
