"""Repositories of notifications, per-user receipts and support preferences.

Two implementations: ``storage.memory.notifications`` and ``storage.sql.notifications``; the
contract suite in tests/contract/test_kb_notifications_storage.py checks that they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from scrapegate.domain.notification_records import (
    Audience,
    Notification,
    NotificationQuery,
    NotificationView,
    SupportPreferences,
)


class NotificationRepository(Protocol):
    async def add(self, notification: Notification) -> bool:
        """Store it; False (nothing stored) when its ``dedupe_key`` exists. Atomic."""
        ...

    async def find(self, dedupe_key: str) -> Notification | None: ...

    async def latest_of_type(
        self, kind: str, org_id: str | None, user_id: str | None, since: datetime
    ) -> Notification | None:
        """The newest notification of this type and exact addressee created at or after
        ``since``."""
        ...

    async def query(self, query: NotificationQuery) -> tuple[list[NotificationView], int]:
        """The audience's notifications (its own, its organization's, global ones) newest
        first, and how many match in all."""
        ...

    async def view(self, audience: Audience, notification_id: str) -> NotificationView | None:
        """One notification the audience may see (expired or dismissed included), else None."""
        ...

    async def mark_read(self, user_id: str, notification_ids: Sequence[str], at: datetime) -> None:
        """Set ``read_at`` where it is still unset."""
        ...

    async def dismiss(self, user_id: str, notification_id: str, at: datetime) -> datetime:
        """Dismiss for this user; the first dismissal time (idempotent). Atomic."""
        ...


class SupportPreferenceRepository(Protocol):
    async def get(self, user_id: str) -> SupportPreferences | None: ...

    async def save(self, preferences: SupportPreferences) -> SupportPreferences: ...
