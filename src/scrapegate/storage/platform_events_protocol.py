"""Repositories of analytics beacon events, the announcement and e-mail unsubscribes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from scrapegate.domain.records import AnalyticsEvent, Announcement, EmailUnsubscribe


class AnalyticsEventRepository(Protocol):
    async def add_many(self, events: Sequence[AnalyticsEvent]) -> int:
        """Insert every event in one transaction; returns how many."""
        ...

    async def in_period(
        self, names: Sequence[str], since: datetime, until: datetime
    ) -> list[AnalyticsEvent]:
        """Events named in ``names`` with ``since <= ts < until``, oldest first."""
        ...

    async def purge(self, older_than: datetime) -> int:
        """Delete events whose ``ts`` is before ``older_than``; returns how many."""
        ...


class AnnouncementRepository(Protocol):
    async def current(self) -> Announcement | None:
        """The highest version, or None before the first publication."""
        ...

    async def publish(self, announcement: Announcement) -> Announcement:
        """Store as the next version (last + 1, atomic under concurrent writers); the stored
        record with its version is returned (the given ``version`` is ignored)."""
        ...

    async def history(self, limit: int) -> list[Announcement]:
        """The newest ``limit`` versions, newest first."""
        ...


class UnsubscribeRepository(Protocol):
    async def add(self, entry: EmailUnsubscribe) -> bool:
        """Record the opt-out; False when (user_id, type) was already recorded."""
        ...

    async def types_for(self, user_id: str) -> list[str]:
        """The e-mail types the user opted out of, sorted."""
        ...
