"""Response bodies of the announcement routes (api/announcements.py)."""

from __future__ import annotations

from scrapegate.api.wire import WireModel, WireTime


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
