"""Request and response bodies of the announcement routes (api/announcements.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from scrapegate.api.body_docs import RequestModel
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.records import AnnouncementStyle
from scrapegate.platform.announcements import MAX_CTA, MAX_CTA_URL, MAX_TEXT


class AnnouncementBody(WireModel):
    enabled: bool
    text: str | None
    cta: str | None
    cta_url: str | None
    style: str
    version: int
    starts_at: WireTime | None
    ends_at: WireTime | None


class StoredAnnouncementBody(AnnouncementBody):
    updated_at: WireTime | None


class AnnouncementRequestBody(RequestModel):
    """``PUT /api/v1/admin/announcement``: the whole announcement (its version is bumped)."""

    enabled: bool = False
    text: str | None = Field(None, max_length=MAX_TEXT, description="required when enabled")
    cta: str | None = Field(None, max_length=MAX_CTA)
    cta_url: str | None = Field(None, max_length=MAX_CTA_URL, description="an http(s) URL")
    style: AnnouncementStyle = "info"
    starts_at: datetime | None = None
    ends_at: datetime | None = Field(None, description="after starts_at")
