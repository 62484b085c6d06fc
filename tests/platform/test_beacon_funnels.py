"""Funnel arithmetic and per-event ingest rules of the beacon service (platform-api A.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from scrapegate.config import AnalyticsSettings, FunnelConfig
from scrapegate.domain.records import AnalyticsEvent, new_id
from scrapegate.domain.timefmt import iso
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.platform.beacons import BeaconService
from scrapegate.storage.memory import create_memory_storage

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
FUNNEL = FunnelConfig(name="f", steps=["a", "b", "c"], window_hours=10)


def event(
    name: str, hours_ago: float, visitor: str | None, user: str | None = None
) -> AnalyticsEvent:
    ts = NOW - timedelta(hours=hours_ago)
    return AnalyticsEvent(id=new_id(), name=name, ts=ts, visitor_id=visitor, user_id=user)


async def visitors_per_step(events: list[AnalyticsEvent], days: int = 30) -> list[int]:
    storage = create_memory_storage()
    await storage.analytics_events.add_many(events)
    stats = await BeaconService(storage.analytics_events, [FUNNEL]).stats("f", days, NOW)
    return [step.visitors for step in stats.steps]


async def test_a_later_restart_can_complete_the_funnel() -> None:
    # The first start runs out of window; the second start completes all steps.
    events = [event("a", 50, "v"), event("a", 20, "v"), event("b", 19, "v"), event("c", 18, "v")]
    assert await visitors_per_step(events) == [1, 1, 1]


async def test_equal_timestamps_count_in_funnel_order() -> None:
    events = [event("c", 5, "v"), event("b", 5, "v"), event("a", 5, "v")]
    assert await visitors_per_step(events) == [1, 1, 1]


async def test_step_exactly_at_the_window_edge_counts() -> None:
    events = [event("a", 20, "v"), event("b", 10, "v"), event("c", 9.99, "v")]
    assert await visitors_per_step(events) == [1, 1, 0]


async def test_signed_in_events_without_visitor_id_follow_the_user() -> None:
    events = [event("a", 5, None, "u1"), event("b", 4, None, "u1"), event("a", 3, None, None)]
    assert await visitors_per_step(events) == [1, 1, 0]


async def test_starts_before_the_period_are_not_counted() -> None:
    events = [event("a", 30, "v"), event("b", 20, "v")]
    assert await visitors_per_step(events, days=1) == [0, 0, 0]
    assert await visitors_per_step(events, days=2) == [1, 1, 0]


async def test_conversions_are_fractions_and_zero_without_visitors() -> None:
    storage = create_memory_storage()
    service = BeaconService(storage.analytics_events, [FUNNEL])
    empty = await service.stats("f", 30, NOW)
    assert [(s.conversion_from_previous, s.conversion_from_start) for s in empty.steps] == [
        (0.0, 0.0)
    ] * 3
    await storage.analytics_events.add_many(
        [event("a", 5, "x"), event("a", 5, "y"), event("b", 4, "y"), event("a", 5, "z")]
    )
    stats = await service.stats("f", 30, NOW)
    assert [s.conversion_from_previous for s in stats.steps] == [1.0, 0.3333, 0.0]
    with pytest.raises(NotFound):
        await service.stats("missing", 30, NOW)


async def test_ingest_rejects_per_event_and_keeps_the_rest() -> None:
    storage = create_memory_storage()
    service = BeaconService(storage.analytics_events, [FUNNEL])
    future = iso(datetime.now(UTC) + timedelta(hours=1))
    body = {
        "events": [
            {"name": "ok", "ts": "2999-01-01"},
            {"name": "ok", "ts": future},
            {"name": "ok", "visitor_id": "v" * 65},
            {"name": "ok", "props": []},
            {"name": "ok", "ts": "yesterday"},
            {"name": "ok", "visitor_id": "v" * 64, "props": {"k": "v"}},
        ]
    }
    outcome = await service.ingest(body, user_id="u1")
    assert outcome.accepted == 1
    assert [e.index for e in outcome.errors] == [0, 1, 2, 3, 4]
    with pytest.raises(InvalidRequest):
        await service.ingest({"events": "nope"})


def test_funnel_configuration_is_checked() -> None:
    with pytest.raises(ValidationError):
        FunnelConfig(name="f", steps=["Not An Event"])
    with pytest.raises(ValidationError):
        AnalyticsSettings(funnels=[FUNNEL, FUNNEL])
    assert [f.name for f in AnalyticsSettings().funnels] == ["onboarding"]
