"""Response bodies of the notification routes (api/notifications.py)."""

from __future__ import annotations

from scrapegate.api.wire import WireModel, WireTime


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
