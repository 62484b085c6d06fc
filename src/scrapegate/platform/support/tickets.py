"""Reading and moving tickets and the
housekeeping step that closes tickets left resolved."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from scrapegate.config import SupportSettings
from scrapegate.domain.records import utcnow
from scrapegate.domain.support_records import SupportErasure, SupportTicket, TicketQuery
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.platform.support import status_rules
from scrapegate.platform.support.access import SupportActor, TicketAccess, is_uuid
from scrapegate.platform.support.attachments import AttachmentService
from scrapegate.platform.support.fields import PRIORITIES, STATUSES, AgentUpdate
from scrapegate.platform.support.replies import ReplyService
from scrapegate.platform.support.views import (
    MuteChange,
    TicketDetail,
    TicketErased,
    TicketFilterEcho,
    TicketPage,
    TicketView,
    ticket_detail,
    ticket_view,
)
from scrapegate.storage.support_protocol import SupportRepository

ERASED_MESSAGE = "Ticket and all replies and attachments were permanently deleted."


class TicketFilters:
    """The #53 query parameters, checked."""

    def __init__(
        self,
        status: str | None,
        priority: str | None,
        category: str | None,
        search: str | None,
    ) -> None:
        if status is not None and status not in STATUSES:
            raise InvalidRequest(f"status must be one of {', '.join(STATUSES)}", field="status")
        if priority is not None and priority not in PRIORITIES:
            raise InvalidRequest(
                f"priority must be one of {', '.join(PRIORITIES)}", field="priority"
            )
        if search is not None and len(search) > 200:
            raise InvalidRequest("search is limited to 200 characters", field="search")
        self.status, self.priority, self.category = status, priority, category
        self.search = (search.strip() or None) if search is not None else None

    def echo(self) -> TicketFilterEcho:
        return TicketFilterEcho(self.status, self.priority, self.category, self.search)


class TicketService:
    def __init__(
        self,
        repository: SupportRepository,
        attachments: AttachmentService,
        replies: ReplyService,
        settings: SupportSettings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._repository = repository
        self._attachments = attachments
        self._replies = replies
        self._settings = settings
        self._clock = clock
        self._access = TicketAccess(repository)

    async def view(self, ticket: SupportTicket) -> TicketView:
        categories = await self._access.categories()
        return ticket_view(ticket, categories.get(ticket.category_id or ""))

    async def _category_id(self, slug: str | None) -> str | None:
        if slug is None:
            return None
        for category in (await self._access.categories()).values():
            if category.slug == slug:
                return category.id
        raise InvalidRequest(f"Unknown category {slug!r}", field="category")

    async def page(
        self, actor: SupportActor, filters: TicketFilters, page: int, page_size: int
    ) -> TicketPage:
        query = TicketQuery(
            user_id=None if actor.is_admin else actor.user_id,
            org_id=None if actor.is_admin else actor.org_id,
            status=filters.status,
            priority=filters.priority,
            category_id=await self._category_id(filters.category),
            search=filters.search,
            include_internal=actor.is_admin,
            offset=(page - 1) * page_size,
            limit=page_size,
        )
        found, total = await self._repository.find_tickets(query)
        categories = await self._access.categories()
        return TicketPage(
            tickets=[ticket_view(t, categories.get(t.category_id or "")) for t in found],
            total=total,
            page=page,
            page_size=page_size,
            pages=math.ceil(total / page_size),
            filters=filters.echo(),
        )

    async def detail(self, actor: SupportActor, ticket_id: str) -> TicketDetail:
        ticket = await self._access.visible(actor, ticket_id)
        preview = await self._replies.preview(ticket.id, include_internal=actor.is_admin)
        return ticket_detail(await self.view(ticket), preview)

    async def close(self, actor: SupportActor, ticket_id: str) -> TicketView:
        ticket = await self._access.owned(actor, ticket_id)
        if status_rules.close(ticket, self._clock()):
            await self._repository.save_ticket(ticket)
        return await self.view(ticket)

    async def reopen(self, actor: SupportActor, ticket_id: str) -> TicketView:
        ticket = await self._access.owned(actor, ticket_id)
        status_rules.reopen(ticket, self._clock())
        await self._repository.save_ticket(ticket)
        return await self.view(ticket)

    async def mute(self, actor: SupportActor, ticket_id: str, muted: bool) -> MuteChange:
        ticket = await self._access.owned(actor, ticket_id)
        if ticket.is_muted != muted:
            ticket.is_muted, ticket.updated_at = muted, self._clock()
            await self._repository.save_ticket(ticket)
        message = "Notifications for this ticket are muted." if muted else "Notifications resumed."
        return MuteChange(ticket_id=ticket.id, is_muted=ticket.is_muted, message=message)

    async def rate(
        self, actor: SupportActor, ticket_id: str, rating: int, comment: str | None
    ) -> TicketView:
        ticket = await self._access.owned(actor, ticket_id)
        status_rules.rate(ticket, rating, comment, self._clock())
        await self._repository.save_ticket(ticket)
        return await self.view(ticket)

    async def erase(self, actor: SupportActor, ticket_id: str) -> TicketErased:
        """GDPR erasure (#57): rows and files go; only the reference stays, in the log."""
        ticket = await self._access.visible(actor, ticket_id)
        files = await self._repository.attachments_of_ticket(ticket.id)
        erasure = SupportErasure(ticket.ref, self._clock(), actor.user_id)
        await self._repository.erase_ticket(ticket.id, erasure)
        await self._attachments.remove_files(files)
        return TicketErased(
            ticket_id=ticket.id, ticket_ref=ticket.ref, deleted=True, message=ERASED_MESSAGE
        )

    async def agent_update(self, ticket_id: str, update: AgentUpdate) -> TicketView:
        ticket = await self._repository.get_ticket(ticket_id) if is_uuid(ticket_id) else None
        if ticket is None:
            raise NotFound("Ticket not found")
        now = self._clock()
        if update.status is not None:
            target = None
            if update.merged_into_id is not None and is_uuid(update.merged_into_id):
                target = await self._repository.get_ticket(update.merged_into_id)
            status_rules.set_agent_status(ticket, update.status, target, now)
        if update.priority is not None:
            ticket.priority, ticket.updated_at = update.priority, now
        await self._repository.save_ticket(ticket)
        return await self.view(ticket)

    async def auto_close(self, now: datetime) -> int:
        """Housekeeping: tickets resolved for ``auto_close_after_s`` are closed."""
        before = now - timedelta(seconds=self._settings.auto_close_after_s)
        closed = 0
        for ticket in await self._repository.resolved_before(before):
            if status_rules.close(ticket, now):
                await self._repository.save_ticket(ticket)
                closed += 1
        return closed
