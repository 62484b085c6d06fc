"""Notifications, per-user receipts and support preferences in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from scrapegate.domain.notification_records import (
    Audience,
    Notification,
    NotificationQuery,
    NotificationView,
    SupportPreferences,
)
from scrapegate.storage.memory.state import detached


@dataclass
class Receipt:
    read_at: datetime | None = None
    dismissed_at: datetime | None = None


def addressed_to(notification: Notification, audience: Audience) -> bool:
    if notification.user_id is not None:
        return notification.user_id == audience.user_id
    return notification.org_id is None or notification.org_id == audience.org_id


class MemoryNotificationRepository:
    def __init__(self) -> None:
        self._items: dict[str, Notification] = {}
        self._receipts: dict[tuple[str, str], Receipt] = {}

    async def add(self, notification: Notification) -> bool:
        key = notification.dedupe_key
        if key is not None and any(n.dedupe_key == key for n in self._items.values()):
            return False
        self._items[notification.id] = detached(notification)
        return True

    async def find(self, dedupe_key: str) -> Notification | None:
        found = next((n for n in self._items.values() if n.dedupe_key == dedupe_key), None)
        return detached(found)

    async def latest_of_type(
        self, kind: str, org_id: str | None, user_id: str | None, since: datetime
    ) -> Notification | None:
        found = [
            n
            for n in self._items.values()
            if (n.type, n.org_id, n.user_id) == (kind, org_id, user_id) and n.created_at >= since
        ]
        return detached(max(found, key=lambda n: (n.created_at, n.id), default=None))

    def _view(self, notification: Notification, user_id: str) -> NotificationView:
        receipt = self._receipts.get((notification.id, user_id), Receipt())
        return NotificationView(detached(notification), receipt.read_at, receipt.dismissed_at)

    def _matches(self, view: NotificationView, query: NotificationQuery) -> bool:
        item = view.notification
        if query.since is not None and item.created_at < query.since:
            return False
        if not query.active:
            return True
        unexpired = item.expires_at is None or item.expires_at > query.now
        return view.dismissed_at is None and unexpired

    async def query(self, query: NotificationQuery) -> tuple[list[NotificationView], int]:
        audience = query.audience
        views = [
            self._view(n, audience.user_id)
            for n in self._items.values()
            if addressed_to(n, audience)
        ]
        found = [v for v in views if self._matches(v, query)]
        found.sort(key=lambda v: (v.notification.created_at, v.notification.id), reverse=True)
        return found[query.offset : query.offset + query.limit], len(found)

    async def view(self, audience: Audience, notification_id: str) -> NotificationView | None:
        item = self._items.get(notification_id)
        if item is None or not addressed_to(item, audience):
            return None
        return self._view(item, audience.user_id)

    async def mark_read(self, user_id: str, notification_ids: Sequence[str], at: datetime) -> None:
        for notification_id in notification_ids:
            receipt = self._receipts.setdefault((notification_id, user_id), Receipt())
            receipt.read_at = receipt.read_at or at

    async def dismiss(self, user_id: str, notification_id: str, at: datetime) -> datetime:
        receipt = self._receipts.setdefault((notification_id, user_id), Receipt())
        receipt.dismissed_at = receipt.dismissed_at or at
        return receipt.dismissed_at


class MemorySupportPreferenceRepository:
    def __init__(self) -> None:
        self._rows: dict[str, SupportPreferences] = {}

    async def get(self, user_id: str) -> SupportPreferences | None:
        return detached(self._rows.get(user_id))

    async def save(self, preferences: SupportPreferences) -> SupportPreferences:
        self._rows[preferences.user_id] = detached(preferences)
        return detached(preferences)
