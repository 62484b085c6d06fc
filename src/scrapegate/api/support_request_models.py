"""Request bodies of the support routes as OpenAPI shows them (api/support.py, support_admin.py,
support_files.py, support_preferences.py); the routes validate with platform/support/fields.py,
whose limits and choices these reuse."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, ConfigDict, Field

from scrapegate.api.body_docs import RequestModel, one_of
from scrapegate.domain.support_records import TicketPriority
from scrapegate.platform.support.categories import MAX_CATEGORY_NAME, MAX_DESCRIPTION
from scrapegate.platform.support.fields import (
    AGENT_STATUSES,
    KEY_SOURCES,
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_COMMENT,
    MAX_NAME,
    MAX_SUBJECT,
)

Subject = Annotated[str, Field(min_length=1, max_length=MAX_SUBJECT)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_BODY)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]


class AttachmentRefBody(RequestModel):
    attachment_id: str = Field(description="from POST /api/v1/support/upload")


class NewTicketRequestBody(RequestModel):
    """``POST /api/v1/support/tickets``."""

    subject: Subject
    body: Text
    category_slug: Name | None = None
    priority: TicketPriority = "medium"
    source: Annotated[str, one_of(KEY_SOURCES)] = "api"
    ticket_metadata: dict[str, Any] | None = Field(None, description="at most 16 KiB of JSON")
    attachments: list[AttachmentRefBody] | None = Field(None, max_length=MAX_ATTACHMENTS)


class ContactRequestBody(RequestModel):
    """``POST /api/v1/support/tickets/public``: the contact form."""

    name: Name
    email: str = Field(max_length=254)
    subject: Subject
    message: Text
    category_slug: Name | None = None
    website: str | None = Field(None, description="a honeypot: leave it empty")


class MuteRequestBody(RequestModel):
    muted: bool


class ReplyRequestBody(RequestModel):
    """``POST /api/v1/support/tickets/{ticket_id}/replies``."""

    body: Text
    is_internal_note: bool = Field(False, description="agents only")
    attachments: list[AttachmentRefBody] | None = Field(None, max_length=MAX_ATTACHMENTS)


class SatisfactionRequestBody(RequestModel):
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=MAX_COMMENT)


class AgentUpdateRequestBody(RequestModel):
    """``PATCH /api/v1/admin/support/tickets/{ticket_id}``: status or priority, or both."""

    status: Annotated[str, one_of(AGENT_STATUSES)] | None = None
    priority: TicketPriority | None = None
    merged_into_id: str | None = Field(None, description="with status merged, and only then")


class CategoryRequestBody(RequestModel):
    """``POST /api/v1/admin/support/categories``."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=MAX_CATEGORY_NAME)
    description: str | None = Field(None, max_length=MAX_DESCRIPTION)
    sort_order: int = Field(100, ge=0, le=1_000_000)
    active: bool = True


class CategoryChangeRequestBody(RequestModel):
    """``PATCH /api/v1/admin/support/categories/{category_id}``: the fields to change."""

    name: Annotated[str, Field(min_length=1, max_length=MAX_CATEGORY_NAME)] | MISSING = MISSING
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION)] | MISSING | None = MISSING
    sort_order: Annotated[int, Field(ge=0, le=1_000_000)] | MISSING = MISSING
    active: bool | MISSING = MISSING


class UploadFormBody(RequestModel):
    """``POST /api/v1/support/upload``, multipart: the file, and the ticket it belongs to."""

    file: bytes
    ticket_id: str | None = None


class PreferencesRequestBody(RequestModel):
    """``PATCH /api/v1/support/preferences``: the switches to change; other fields are refused."""

    model_config = ConfigDict(extra="forbid")

    email_admin_reply: bool | MISSING = MISSING
    email_status_change: bool | MISSING = MISSING
    email_resolved: bool | MISSING = MISSING
