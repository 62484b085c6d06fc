"""Who may see which ticket: owners see their own, server admins (support agents) see all."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from scrapegate.domain.support_records import SupportCategory, SupportTicket
from scrapegate.errors import NotFound
from scrapegate.storage.support_protocol import SupportRepository


@dataclass(frozen=True)
class SupportActor:
    """The caller of a support route: the key's user in the key's organization."""

    user_id: str
    org_id: str
    is_admin: bool

    def owns(self, ticket: SupportTicket) -> bool:
        return ticket.user_id == self.user_id and ticket.org_id == self.org_id


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class TicketAccess:
    def __init__(self, repository: SupportRepository) -> None:
        self._repository = repository

    async def _find(self, ticket_id: str) -> SupportTicket | None:
        return await self._repository.get_ticket(ticket_id) if is_uuid(ticket_id) else None

    async def visible(self, actor: SupportActor, ticket_id: str) -> SupportTicket:
        """The ticket when the caller owns it or is an agent; foreign ids are simply unknown."""
        ticket = await self._find(ticket_id)
        if ticket is None or not (actor.is_admin or actor.owns(ticket)):
            raise NotFound("Ticket not found")
        return ticket

    async def owned(self, actor: SupportActor, ticket_id: str) -> SupportTicket:
        """The ticket for routes only its owner may call (close, mute, reopen, satisfaction)."""
        ticket = await self._find(ticket_id)
        if ticket is None or not actor.owns(ticket):
            raise NotFound("Ticket not found")
        return ticket

    async def categories(self) -> dict[str, SupportCategory]:
        return {c.id: c for c in await self._repository.categories(active_only=False)}
