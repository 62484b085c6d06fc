"""Beacon events, announcement versions and e-mail unsubscribes on every backend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from scrapegate.domain.records import AnalyticsEvent, Announcement, EmailUnsubscribe, new_id
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at

pytestmark = pytest.mark.asyncio(loop_scope="session")


def event(name: str, seconds: float, visitor: str | None = "v1", **fields: Any) -> AnalyticsEvent:
    return AnalyticsEvent(
        id=new_id(), name=name, ts=at(seconds), visitor_id=visitor, created_at=at(0), **fields
    )


def banner(text: str, **fields: Any) -> Announcement:
    values: dict[str, Any] = {"version": 0, "enabled": True, "updated_at": at(0)}
    values.update(fields)
    return Announcement(id=new_id(), text=text, **values)


async def test_events_round_trip_filtered_by_name_and_period(storage: Storage) -> None:
    full = event("signup_started", 10, user_id="u1", path="/signup", props={"plan": "free", "n": 2})
    added = await storage.analytics_events.add_many(
        [event("first_scrape", 30), full, event("other", 20), event("signup_started", 100)]
    )
    assert added == 4
    found = await storage.analytics_events.in_period(
        ["signup_started", "first_scrape"], at(0), at(100)
    )
    assert [(e.name, e.ts) for e in found] == [("signup_started", at(10)), ("first_scrape", at(30))]
    assert found[0] == full


async def test_events_purge_by_timestamp(storage: Storage) -> None:
    await storage.analytics_events.add_many([event("a", 10), event("a", 20), event("a", 30)])
    assert await storage.analytics_events.purge(at(25)) == 2
    left = await storage.analytics_events.in_period(["a"], at(0), at(100))
    assert [e.ts for e in left] == [at(30)]
    assert await storage.analytics_events.add_many([]) == 0


async def test_announcement_versions_grow_and_history_is_newest_first(storage: Storage) -> None:
    assert await storage.announcements.current() is None
    first = await storage.announcements.publish(banner("one", version=42))
    second = await storage.announcements.publish(
        banner("two", style="warning", cta="Read", cta_url="https://x.example", starts_at=at(5))
    )
    assert (first.version, second.version) == (1, 2)
    current = await storage.announcements.current()
    assert current == second
    history = await storage.announcements.history(10)
    assert [a.text for a in history] == ["two", "one"]


async def test_concurrent_publications_get_distinct_versions(storage: Storage) -> None:
    stored = await asyncio.gather(
        *(storage.announcements.publish(banner(f"n{i}")) for i in range(5))
    )
    assert sorted(a.version for a in stored) == [1, 2, 3, 4, 5]


async def test_unsubscribe_is_idempotent_per_user_and_type(storage: Storage) -> None:
    repo = storage.unsubscribes
    assert await repo.add(EmailUnsubscribe("u1", "usage_reports", at(0))) is True
    assert await repo.add(EmailUnsubscribe("u1", "usage_reports", at(5))) is False
    assert await repo.add(EmailUnsubscribe("u1", "all", at(5))) is True
    assert await repo.add(EmailUnsubscribe("u2", "lifecycle", at(5))) is True
    assert await repo.types_for("u1") == ["all", "usage_reports"]
    assert await repo.types_for("nobody") == []
