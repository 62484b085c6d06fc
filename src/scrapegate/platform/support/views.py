"""What the support services answer: plain data
with datetimes and records, no URLs; the API layer shapes it for the wire."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from scrapegate.domain.support_records import (
    AuthorType,
    SupportAttachment,
    SupportCategory,
    SupportReply,
    SupportTicket,
    TicketPriority,
    TicketSource,
    TicketStatus,
)


@dataclass(frozen=True)
class CategoryList:
    categories: list[SupportCategory]
    total: int


def category_list(categories: list[SupportCategory]) -> CategoryList:
    return CategoryList(categories=categories, total=len(categories))


@dataclass(frozen=True)
class TicketView:
    """A ticket as its owner and the agents see it, with its category (None when it has none)."""

    id: str
    ticket_ref: str
    ticket_number: int
    user_id: str | None
    category_id: str | None
    category: SupportCategory | None
    subject: str
    status: TicketStatus
    priority: TicketPriority
    source: TicketSource
    is_muted: bool
    ticket_metadata: dict[str, Any]  # free-form JSON given when the ticket was opened
    reply_count: int
    satisfaction_rating: int | None
    satisfaction_comment: str | None
    merged_into_id: str | None
    created_at: datetime
    updated_at: datetime
    last_reply_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


def ticket_view(ticket: SupportTicket, category: SupportCategory | None) -> TicketView:
    return TicketView(
        id=ticket.id,
        ticket_ref=ticket.ref,
        ticket_number=ticket.ticket_number,
        user_id=ticket.user_id,
        category_id=ticket.category_id,
        category=category,
        subject=ticket.subject,
        status=ticket.status,
        priority=ticket.priority,
        source=ticket.source,
        is_muted=ticket.is_muted,
        ticket_metadata=ticket.ticket_metadata,
        reply_count=ticket.reply_count,
        satisfaction_rating=ticket.satisfaction_rating,
        satisfaction_comment=ticket.satisfaction_comment,
        merged_into_id=ticket.merged_into_id,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        last_reply_at=ticket.last_reply_at,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
    )


@dataclass(frozen=True)
class ReplyView:
    id: str
    ticket_id: str
    author_id: str | None
    author_type: AuthorType
    author_name: str | None
    body: str
    is_internal_note: bool
    attachments: list[SupportAttachment]
    created_at: datetime


def reply_view(reply: SupportReply, attachments: list[SupportAttachment]) -> ReplyView:
    return ReplyView(
        id=reply.id,
        ticket_id=reply.ticket_id,
        author_id=reply.author_id,
        author_type=reply.author_type,
        author_name=reply.author_name,
        body=reply.body,
        is_internal_note=reply.is_internal_note,
        attachments=attachments,
        created_at=reply.created_at,
    )


@dataclass(frozen=True)
class TicketDetail(TicketView):
    """#55: the ticket and its latest replies (at most three)."""

    replies_preview: list[ReplyView]


def ticket_detail(view: TicketView, preview: list[ReplyView]) -> TicketDetail:
    fields = {field.name: getattr(view, field.name) for field in dataclasses.fields(view)}
    return TicketDetail(**fields, replies_preview=preview)


@dataclass(frozen=True)
class TicketFilterEcho:
    """The #53 filters as applied (``search`` stripped, blank means none)."""

    status: str | None
    priority: str | None
    category: str | None
    search: str | None


@dataclass(frozen=True)
class TicketPage:
    tickets: list[TicketView]
    total: int
    page: int
    page_size: int
    pages: int
    filters: TicketFilterEcho


@dataclass(frozen=True)
class ReplyPage:
    replies: list[ReplyView]
    total: int
    page: int
    page_size: int
    pages: int


@dataclass(frozen=True)
class MuteChange:
    ticket_id: str
    is_muted: bool
    message: str


@dataclass(frozen=True)
class TicketErased:
    ticket_id: str
    ticket_ref: str
    deleted: bool
    message: str


@dataclass(frozen=True)
class ContactReceipt:
    """The public contact form's answer; bots get the same one with a made-up reference."""

    status: Literal["received"]
    ticket_ref: str
    message: str
