"""Response bodies of the support routes (api/support.py, support_admin.py, support_files.py,
support_preferences.py): the ticket, reply, Attachment and friends.

Attachments answer an absolute ``download_url`` on the server's public base URL; services do
not know it, so bodies holding attachments are validated with ``AttachmentLinks`` as context.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationInfo, model_validator

from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.support_records import (
    AuthorType,
    SupportAttachment,
    TicketPriority,
    TicketSource,
    TicketStatus,
)


@dataclass(frozen=True)
class AttachmentLinks:
    """Validation context of bodies with attachments: the server's public base URL."""

    base_url: str

    def download_url(self, attachment_id: str) -> str:
        return f"{self.base_url.rstrip('/')}/api/v1/support/attachments/{attachment_id}"


class CategoryBody(WireModel):
    id: str
    slug: str
    name: str
    description: str | None
    sort_order: int


class CategoryListBody(WireModel):
    categories: list[CategoryBody]
    total: int


class AdminCategoryBody(CategoryBody):
    active: bool
    created_at: WireTime


class AdminCategoryListBody(WireModel):
    categories: list[AdminCategoryBody]
    total: int


class CategoryBriefBody(WireModel):
    id: str
    slug: str
    name: str


class TicketBody(WireModel):
    id: str
    ticket_ref: str
    ticket_number: int
    user_id: str | None
    category_id: str | None
    category: CategoryBriefBody | None
    subject: str
    status: TicketStatus
    priority: TicketPriority
    source: TicketSource
    is_muted: bool
    ticket_metadata: dict[str, Any]  # free-form JSON the ticket was opened with
    reply_count: int
    satisfaction_rating: int | None
    satisfaction_comment: str | None
    merged_into_id: str | None
    created_at: WireTime
    updated_at: WireTime
    last_reply_at: WireTime | None
    resolved_at: WireTime | None
    closed_at: WireTime | None


class AttachmentBody(WireModel):
    id: str
    ticket_id: str | None
    reply_id: str | None
    filename: str
    content_type: str
    size_bytes: int
    download_url: str
    created_at: WireTime

    @model_validator(mode="before")
    @classmethod
    def _with_download_url(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, SupportAttachment):
            return data
        links = info.context
        if not isinstance(links, AttachmentLinks):
            raise ValueError("attachments are validated with AttachmentLinks as context")
        return dataclasses.asdict(data) | {"download_url": links.download_url(data.id)}


class ReplyBody(WireModel):
    id: str
    ticket_id: str
    author_id: str | None
    author_type: AuthorType
    author_name: str | None
    body: str
    is_internal_note: bool
    attachments: list[AttachmentBody]
    created_at: WireTime


class TicketDetailBody(TicketBody):
    replies_preview: list[ReplyBody]


class TicketFiltersBody(WireModel):
    status: str | None
    priority: str | None
    category: str | None
    search: str | None


class TicketPageBody(WireModel):
    tickets: list[TicketBody]
    total: int
    page: int
    page_size: int
    pages: int
    filters: TicketFiltersBody


class ReplyPageBody(WireModel):
    replies: list[ReplyBody]
    total: int
    page: int
    page_size: int
    pages: int


class MuteBody(WireModel):
    ticket_id: str
    is_muted: bool
    message: str


class TicketErasedBody(WireModel):
    ticket_id: str
    ticket_ref: str
    deleted: bool
    message: str


class ContactReceiptBody(WireModel):
    status: Literal["received"]
    ticket_ref: str
    message: str


class SupportSwitchesBody(WireModel):
    email_admin_reply: bool
    email_status_change: bool
    email_resolved: bool


class SupportPreferencesBody(WireModel):
    user_id: str
    notification_settings: SupportSwitchesBody
    updated_at: WireTime | None
