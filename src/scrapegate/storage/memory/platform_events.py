"""Beacon events, announcements and e-mail unsubscribes in memory."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from scrapegate.domain.records import AnalyticsEvent, Announcement, EmailUnsubscribe
from scrapegate.storage.memory.state import detached


class MemoryAnalyticsEventRepository:
    def __init__(self) -> None:
        self._events: list[AnalyticsEvent] = []

    async def add_many(self, events: Sequence[AnalyticsEvent]) -> int:
        self._events.extend(detached(list(events)))
        return len(events)

    async def in_period(
        self, names: Sequence[str], since: datetime, until: datetime
    ) -> list[AnalyticsEvent]:
        wanted = set(names)
        found = [e for e in self._events if e.name in wanted and since <= e.ts < until]
        return detached(sorted(found, key=lambda e: e.ts))

    async def purge(self, older_than: datetime) -> int:
        kept = [e for e in self._events if e.ts >= older_than]
        gone = len(self._events) - len(kept)
        self._events = kept
        return gone


class MemoryAnnouncementRepository:
    def __init__(self) -> None:
        self._versions: list[Announcement] = []

    async def current(self) -> Announcement | None:
        return detached(self._versions[-1]) if self._versions else None

    async def publish(self, announcement: Announcement) -> Announcement:
        last = self._versions[-1].version if self._versions else 0
        stored = dataclasses.replace(announcement, version=last + 1)
        self._versions.append(detached(stored))
        return stored

    async def history(self, limit: int) -> list[Announcement]:
        return detached(list(reversed(self._versions))[:limit])


class MemoryUnsubscribeRepository:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], EmailUnsubscribe] = {}

    async def add(self, entry: EmailUnsubscribe) -> bool:
        key = (entry.user_id, entry.type)
        if key in self._entries:
            return False
        self._entries[key] = detached(entry)
        return True

    async def types_for(self, user_id: str) -> list[str]:
        return sorted(kind for uid, kind in self._entries if uid == user_id)
