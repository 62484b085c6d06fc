"""Records of the support helpdesk: categories, tickets, replies,
attachments and the erasure log of GDPR deletions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

TicketStatus = Literal["open", "awaiting_reply", "in_progress", "resolved", "closed", "merged"]
TicketPriority = Literal["low", "medium", "high", "urgent"]
TicketSource = Literal["dashboard", "contact_form", "email", "discord", "api"]
AuthorType = Literal["user", "agent", "system"]

# Statuses that count towards the open-ticket quota.
OPEN_STATUSES: tuple[TicketStatus, ...] = ("open", "awaiting_reply", "in_progress")


def ticket_ref(number: int) -> str:
    return f"SG-{number:06d}"


@dataclass
class SupportCategory:
    id: str
    slug: str
    name: str
    description: str | None
    sort_order: int
    active: bool
    created_at: datetime


@dataclass
class SupportTicket:
    id: str
    ticket_number: int
    org_id: str | None
    user_id: str | None
    category_id: str | None
    subject: str
    status: TicketStatus
    priority: TicketPriority
    source: TicketSource
    created_at: datetime
    updated_at: datetime
    is_muted: bool = False
    ticket_metadata: dict[str, Any] = field(default_factory=dict)
    reply_count: int = 0
    satisfaction_rating: int | None = None
    satisfaction_comment: str | None = None
    satisfaction_at: datetime | None = None
    merged_into_id: str | None = None
    last_reply_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    origin_ip_hash: str | None = None  # contact-form tickets: the hourly per-IP limit counts these

    @property
    def ref(self) -> str:
        return ticket_ref(self.ticket_number)


@dataclass
class SupportReply:
    id: str
    ticket_id: str
    author_id: str | None
    author_type: AuthorType
    author_name: str | None
    body: str
    is_internal_note: bool
    created_at: datetime


@dataclass
class SupportAttachment:
    id: str
    uploader_id: str
    org_id: str
    filename: str
    content_type: str
    size_bytes: int
    created_at: datetime
    ticket_id: str | None = None
    reply_id: str | None = None


@dataclass
class SupportErasure:
    ticket_ref: str
    erased_at: datetime
    erased_by: str | None


@dataclass(frozen=True)
class TicketQuery:
    """A filtered page of tickets; ``user_id``/``org_id`` None means every owner (admins)."""

    user_id: str | None
    org_id: str | None
    status: str | None = None
    priority: str | None = None
    category_id: str | None = None
    search: str | None = None
    include_internal: bool = False
    offset: int = 0
    limit: int = 20
