"""Ticket replies: the conversation and its status effects."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime

from scrapegate.domain.records import new_id, utcnow
from scrapegate.domain.support_records import SupportReply
from scrapegate.errors import Forbidden
from scrapegate.platform.support.access import SupportActor, TicketAccess
from scrapegate.platform.support.attachments import AttachmentService
from scrapegate.platform.support.fields import NewReply
from scrapegate.platform.support.status_rules import apply_reply
from scrapegate.platform.support.views import ReplyPage, ReplyView, reply_view
from scrapegate.storage.support_protocol import SupportRepository

AGENT_NAME = "Support"


class ReplyService:
    def __init__(
        self,
        repository: SupportRepository,
        attachments: AttachmentService,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._repository = repository
        self._attachments = attachments
        self._clock = clock
        self._access = TicketAccess(repository)

    async def views(self, replies: Sequence[SupportReply]) -> list[ReplyView]:
        files = await self._repository.attachments_of_replies([r.id for r in replies])
        return [reply_view(r, [f for f in files if f.reply_id == r.id]) for r in replies]

    async def add(self, actor: SupportActor, ticket_id: str, new: NewReply) -> ReplyView:
        ticket = await self._access.visible(actor, ticket_id)
        if new.is_internal_note and not actor.is_admin:
            raise Forbidden("Only support agents can write internal notes.")
        by_agent = actor.is_admin and not actor.owns(ticket)
        await self._attachments.check_claimable(actor, new.attachment_ids)
        now = self._clock()
        apply_reply(ticket, by_agent=by_agent, internal=new.is_internal_note, now=now)
        reply = SupportReply(
            id=new_id(),
            ticket_id=ticket.id,
            author_id=actor.user_id,
            author_type="agent" if by_agent else "user",
            author_name=AGENT_NAME if by_agent else None,
            body=new.body,
            is_internal_note=new.is_internal_note,
            created_at=now,
        )
        await self._repository.add_reply(reply)
        await self._repository.save_ticket(ticket)
        await self._attachments.attach(new.attachment_ids, ticket.id, reply.id)
        return (await self.views([reply]))[0]

    async def page(
        self, actor: SupportActor, ticket_id: str, page: int, page_size: int
    ) -> ReplyPage:
        ticket = await self._access.visible(actor, ticket_id)
        found, total = await self._repository.replies(
            ticket.id,
            include_internal=actor.is_admin,
            offset=(page - 1) * page_size,
            limit=page_size,
        )
        return ReplyPage(
            replies=await self.views(found),
            total=total,
            page=page,
            page_size=page_size,
            pages=math.ceil(total / page_size),
        )

    async def preview(self, ticket_id: str, *, include_internal: bool) -> list[ReplyView]:
        latest = await self._repository.latest_replies(
            ticket_id, include_internal=include_internal, limit=3
        )
        return await self.views(latest)
