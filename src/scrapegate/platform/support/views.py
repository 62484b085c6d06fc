"""JSON shapes of the support objects (platform-api A.12: Ticket, Reply, Attachment)."""

from __future__ import annotations

from typing import Any

from scrapegate.domain.support_records import (
    SupportAttachment,
    SupportCategory,
    SupportReply,
    SupportTicket,
)
from scrapegate.domain.timefmt import iso


def category_json(category: SupportCategory) -> dict[str, Any]:
    return {
        "id": category.id,
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        "sort_order": category.sort_order,
    }


def admin_category_json(category: SupportCategory) -> dict[str, Any]:
    return category_json(category) | {
        "active": category.active,
        "created_at": iso(category.created_at),
    }


def ticket_json(ticket: SupportTicket, category: SupportCategory | None) -> dict[str, Any]:
    brief = None
    if category is not None:
        brief = {"id": category.id, "slug": category.slug, "name": category.name}
    return {
        "id": ticket.id,
        "ticket_ref": ticket.ref,
        "ticket_number": ticket.ticket_number,
        "user_id": ticket.user_id,
        "category_id": ticket.category_id,
        "category": brief,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "source": ticket.source,
        "is_muted": ticket.is_muted,
        "ticket_metadata": ticket.ticket_metadata,
        "reply_count": ticket.reply_count,
        "satisfaction_rating": ticket.satisfaction_rating,
        "satisfaction_comment": ticket.satisfaction_comment,
        "merged_into_id": ticket.merged_into_id,
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "last_reply_at": iso(ticket.last_reply_at),
        "resolved_at": iso(ticket.resolved_at),
        "closed_at": iso(ticket.closed_at),
    }


def attachment_json(attachment: SupportAttachment, base_url: str) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "ticket_id": attachment.ticket_id,
        "reply_id": attachment.reply_id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size_bytes": attachment.size_bytes,
        "download_url": f"{base_url.rstrip('/')}/api/v1/support/attachments/{attachment.id}",
        "created_at": iso(attachment.created_at),
    }


def reply_json(
    reply: SupportReply, attachments: list[SupportAttachment], base_url: str
) -> dict[str, Any]:
    return {
        "id": reply.id,
        "ticket_id": reply.ticket_id,
        "author_id": reply.author_id,
        "author_type": reply.author_type,
        "author_name": reply.author_name,
        "body": reply.body,
        "is_internal_note": reply.is_internal_note,
        "attachments": [attachment_json(a, base_url) for a in attachments],
        "created_at": iso(reply.created_at),
    }
