"""How tickets come in: a key holder (#52), the public contact form (#54) and other services
(scrape feedback) through ``open_feedback_ticket``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scrapegate.config import SupportSettings
from scrapegate.domain.records import new_id, utcnow
from scrapegate.domain.support_records import (
    SupportCategory,
    SupportReply,
    SupportTicket,
    TicketPriority,
    TicketSource,
    ticket_ref,
)
from scrapegate.errors import QuotaExceeded, RateLimited
from scrapegate.platform.support.access import SupportActor
from scrapegate.platform.support.attachments import AttachmentService
from scrapegate.platform.support.categories import CategoryService
from scrapegate.platform.support.fields import MAX_BODY, MAX_SUBJECT, ContactForm, NewTicket
from scrapegate.platform.support.views import ContactReceipt, TicketView, ticket_view
from scrapegate.storage.support_protocol import SupportRepository

CONTACT_FORMS_PER_HOUR = 3
CONTACT_WINDOW = timedelta(hours=1)
FEEDBACK_CATEGORY = "technical"
CONTACT_ANSWER = "Thanks, we will reply by e-mail."


@dataclass
class TicketDraft:
    """What a new ticket needs besides its number and timestamps."""

    subject: str
    body: str
    category: SupportCategory | None
    priority: TicketPriority
    source: TicketSource
    user_id: str | None
    org_id: str | None
    author_name: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    origin_ip_hash: str | None = None


class TicketIntake:
    def __init__(
        self,
        repository: SupportRepository,
        categories: CategoryService,
        attachments: AttachmentService,
        settings: SupportSettings,
        ip_key: bytes,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._repository = repository
        self._categories = categories
        self._attachments = attachments
        self._settings = settings
        self._ip_key = ip_key
        self._clock = clock

    async def _store(self, draft: TicketDraft) -> tuple[SupportTicket, SupportReply]:
        """Number the ticket and store it with its body as the first reply."""
        number = await self._repository.next_ticket_number()
        now = self._clock()
        ticket = SupportTicket(
            id=new_id(),
            ticket_number=number,
            org_id=draft.org_id,
            user_id=draft.user_id,
            category_id=draft.category.id if draft.category else None,
            subject=draft.subject,
            status="open",
            priority=draft.priority,
            source=draft.source,
            created_at=now,
            updated_at=now,
            ticket_metadata=draft.metadata,
            reply_count=1,
            last_reply_at=now,
            origin_ip_hash=draft.origin_ip_hash,
        )
        first = SupportReply(
            id=new_id(),
            ticket_id=ticket.id,
            author_id=draft.user_id,
            author_type="user",
            author_name=draft.author_name,
            body=draft.body,
            is_internal_note=False,
            created_at=now,
        )
        await self._repository.add_ticket(ticket, first)
        return ticket, first

    async def create(self, actor: SupportActor, new: NewTicket) -> TicketView:
        category = await self._categories.active_by_slug(new.category_slug)
        limit = self._settings.max_open_tickets
        if await self._repository.count_open(actor.user_id, actor.org_id) >= limit:
            raise QuotaExceeded(f"At most {limit} open tickets; close one first.", {"limit": limit})
        await self._attachments.check_claimable(actor, new.attachment_ids)
        draft = TicketDraft(
            subject=new.subject,
            body=new.body,
            category=category,
            priority=new.priority,
            source=new.source,
            user_id=actor.user_id,
            org_id=actor.org_id,
            metadata=new.metadata,
        )
        ticket, first = await self._store(draft)
        await self._attachments.attach(new.attachment_ids, ticket.id, first.id)
        return ticket_view(ticket, category)

    def origin_hash(self, client_ip: str) -> str:
        # Keyed, so the stored value does not reveal the address.
        return hmac.new(self._ip_key, client_ip.encode(), hashlib.sha256).hexdigest()

    async def contact(self, form: ContactForm, client_ip: str) -> ContactReceipt:
        origin = self.origin_hash(client_ip)
        since = self._clock() - CONTACT_WINDOW
        if await self._repository.count_from_origin(origin, since) >= CONTACT_FORMS_PER_HOUR:
            raise RateLimited(
                "Too many messages from this address; try again later.",
                3600,
                {"retry_after": 3600, "limit": CONTACT_FORMS_PER_HOUR},
            )
        category = await self._categories.active_by_slug(form.category_slug)
        if form.honeypot_filled:
            # Bots get the usual answer with a plausible reference; nothing is stored.
            fake_ref = ticket_ref(secrets.randbelow(999_999) + 1)
            return ContactReceipt(status="received", ticket_ref=fake_ref, message=CONTACT_ANSWER)
        draft = TicketDraft(
            subject=form.subject,
            body=form.message,
            category=category,
            priority="medium",
            source="contact_form",
            user_id=None,
            org_id=None,
            author_name=form.name,
            metadata={"contact": {"name": form.name, "email": form.email}},
            origin_ip_hash=origin,
        )
        ticket, _ = await self._store(draft)
        return ContactReceipt(status="received", ticket_ref=ticket.ref, message=CONTACT_ANSWER)

    async def open_feedback_ticket(
        self, *, user_id: str, org_id: str, subject: str, body: str, metadata: dict[str, Any]
    ) -> tuple[str, str]:
        """A ticket opened for a user by another service; answers (ticket id, ticket_ref)."""
        categories = await self._repository.categories(active_only=True)
        category = next((c for c in categories if c.slug == FEEDBACK_CATEGORY), None)
        draft = TicketDraft(
            subject=subject.strip()[:MAX_SUBJECT] or "Scrape feedback",
            body=body[:MAX_BODY] or subject,
            category=category,
            priority="medium",
            source="api",
            user_id=user_id,
            org_id=org_id,
            metadata=metadata,
        )
        ticket, _ = await self._store(draft)
        return ticket.id, ticket.ref
