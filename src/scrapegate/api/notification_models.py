"""Request and response bodies of the notification routes (api/notifications.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from scrapegate.api.body_docs import RequestModel
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.notification_records import Severity
from scrapegate.platform.notifications import MAX_LINK, MAX_MESSAGE, MAX_TITLE


class NotificationBody(WireModel):
    id: str
    type: str
    severity: str
    title: str
    message: str
    link: str | None
    created_at: WireTime
    expires_at: WireTime | None
    read_at: WireTime | None


class ActiveNotificationsBody(WireModel):
    notifications: list[NotificationBody]


class DismissedBody(WireModel):
    status: str
    notification_id: str
    dismissed_at: WireTime


class PastNotificationBody(NotificationBody):
    dismissed_at: WireTime | None


class NotificationHistoryBody(WireModel):
    notifications: list[PastNotificationBody]
    total: int
    limit: int
    offset: int
    has_more: bool


class BroadcastBody(NotificationBody):
    organization_id: str | None
    dismissed_at: WireTime | None


class DismissRequestBody(RequestModel):
    notification_id: str


class BroadcastRequestBody(RequestModel):
    """``POST /api/v1/admin/notifications``: to everyone, or to one organization."""

    title: str = Field(min_length=1, max_length=MAX_TITLE)
    message: str = Field(min_length=1, max_length=MAX_MESSAGE)
    severity: Severity = "info"
    link: str | None = Field(None, max_length=MAX_LINK, description="an http(s) URL or a path")
    expires_at: datetime | None = Field(None, description="in the future")
    organization_id: str | None = Field(None, description="absent: every organization")
