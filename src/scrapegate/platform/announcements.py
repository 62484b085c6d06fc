"""The site-wide announcement."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Self, cast, get_args
from urllib.parse import urlsplit

from scrapegate.domain.records import Announcement, AnnouncementStyle, new_id, utcnow
from scrapegate.errors import InvalidRequest
from scrapegate.storage.platform_events_protocol import AnnouncementRepository

MAX_TEXT = 500
MAX_CTA = 100
MAX_CTA_URL = 2_048
STYLES: tuple[str, ...] = get_args(AnnouncementStyle)


def text_field(body: dict[str, Any], key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidRequest(f"{key} must be a string of at most {limit} characters", field=key)
    return value.strip() or None


def time_field(body: dict[str, Any], key: str) -> datetime | None:
    value = body.get(key)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(f"{key} must be an ISO-8601 timestamp", field=key) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def cta_url_field(body: dict[str, Any]) -> str | None:
    url = text_field(body, "cta_url", MAX_CTA_URL)
    if url is not None and (
        urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc
    ):
        raise InvalidRequest("cta_url must be an http(s) URL", field="cta_url")
    return url


def style_field(body: dict[str, Any]) -> AnnouncementStyle:
    style = body.get("style", "info")
    if style not in STYLES:
        raise InvalidRequest(f"style must be one of {', '.join(STYLES)}", field="style")
    return cast(AnnouncementStyle, style)


def parse_announcement(body: Any) -> Announcement:
    """The B.10 PUT body; the version is assigned by the repository."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    enabled = body.get("enabled", False)
    if not isinstance(enabled, bool):
        raise InvalidRequest("enabled must be a boolean", field="enabled")
    record = Announcement(
        id=new_id(),
        version=0,
        enabled=enabled,
        text=text_field(body, "text", MAX_TEXT),
        cta=text_field(body, "cta", MAX_CTA),
        cta_url=cta_url_field(body),
        style=style_field(body),
        starts_at=time_field(body, "starts_at"),
        ends_at=time_field(body, "ends_at"),
    )
    if record.enabled and record.text is None:
        raise InvalidRequest("An enabled announcement needs text", field="text")
    if record.starts_at and record.ends_at and record.ends_at <= record.starts_at:
        raise InvalidRequest("ends_at must be after starts_at", field="ends_at")
    return record


def is_active(record: Announcement, now: datetime) -> bool:
    if not record.enabled:
        return False
    started = record.starts_at is None or record.starts_at <= now
    return started and (record.ends_at is None or now < record.ends_at)


@dataclass(frozen=True)
class AnnouncementView:
    """The banner as the public sees it: the stored fields, or the inactive shape."""

    enabled: bool
    text: str | None
    cta: str | None
    cta_url: str | None
    style: AnnouncementStyle
    version: int
    starts_at: datetime | None
    ends_at: datetime | None

    @classmethod
    def of(cls, record: Announcement) -> Self:
        return cls(
            enabled=record.enabled,
            text=record.text,
            cta=record.cta,
            cta_url=record.cta_url,
            style=record.style,
            version=record.version,
            starts_at=record.starts_at,
            ends_at=record.ends_at,
        )

    @classmethod
    def inactive(cls, version: int) -> Self:
        """Nothing shows; only the version is kept, so clients notice a new one."""
        return cls(False, None, None, None, "info", version, None, None)


@dataclass(frozen=True)
class StoredAnnouncement(AnnouncementView):
    """The admin view: what is stored (shown or not) and when it was set."""

    updated_at: datetime | None = None

    @classmethod
    def of_stored(cls, record: Announcement) -> StoredAnnouncement:
        return replace(cls.of(record), updated_at=record.updated_at)


class AnnouncementService:
    def __init__(self, repository: AnnouncementRepository) -> None:
        self._repository = repository

    async def active(self, now: datetime | None = None) -> AnnouncementView:
        """The public view (#5): the record when it shows now, else the inactive shape."""
        record = await self._repository.current()
        if record is None:
            return AnnouncementView.inactive(0)
        if not is_active(record, now or utcnow()):
            return AnnouncementView.inactive(record.version)
        return AnnouncementView.of(record)

    async def current(self) -> StoredAnnouncement:
        """The admin view: the stored record whether or not it shows now."""
        record = await self._repository.current()
        if record is None:
            return StoredAnnouncement.inactive(0)
        return StoredAnnouncement.of_stored(record)

    async def publish(self, body: Any) -> StoredAnnouncement:
        stored = await self._repository.publish(parse_announcement(body))
        return StoredAnnouncement.of_stored(stored)
