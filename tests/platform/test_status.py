"""Status page computation, the sample prober and worker heartbeats (platform-api A.11, #32)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from scrapegate.domain.records import HealthSample, new_id, utcnow
from scrapegate.platform.status import (
    ServiceCheck,
    ServiceStatus,
    StatusPage,
    StatusProber,
    StatusReport,
    overall_status,
    sample_purger,
)
from scrapegate.platform.worker_heartbeats import HeartbeatLoop, WorkerBeat, WorkerHeartbeats
from scrapegate.storage.memory import create_memory_storage
from scrapegate.storage.memory.health import MemoryHealthSampleRepository
from tests.redis_fixtures import RedisSpace, redis_space

pytestmark = pytest.mark.asyncio(loop_scope="session")


def checks(**statuses: ServiceStatus) -> list[ServiceCheck]:
    names = ("api", "scraper", "browser", "search", "ocr", "webhooks", "database")
    return [ServiceCheck(n, statuses.get(n, "operational"), 3, "m") for n in names]


class CountingProbe:
    def __init__(self, result: list[ServiceCheck]) -> None:
        self.result = result
        self.calls = 0

    async def __call__(self) -> list[ServiceCheck]:
        self.calls += 1
        return self.result


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def space() -> AsyncIterator[RedisSpace]:
    async with redis_space() as redis:
        yield redis


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ({}, "operational"),
        ({"browser": "disabled", "search": "disabled"}, "operational"),
        ({"webhooks": "degraded"}, "degraded"),
        ({"ocr": "outage", "webhooks": "degraded"}, "partial_outage"),
        ({"scraper": "outage", "ocr": "outage"}, "major_outage"),
        ({"database": "outage"}, "major_outage"),
    ],
)
async def test_overall_status_rules(statuses: dict[str, ServiceStatus], expected: str) -> None:
    assert overall_status(checks(**statuses)) == expected


async def test_page_uptime_counts_api_and_scraper_and_is_cached() -> None:
    samples = MemoryHealthSampleRepository()
    probe = CountingProbe(checks(webhooks="degraded"))
    clock = FakeClock()
    page = StatusPage(probe, samples, cache_s=15, clock=clock)
    prober = StatusProber(probe, samples, interval_s=60)
    await prober.record_once()  # api and scraper up: counts as up despite webhooks
    probe.result = checks(scraper="outage")
    await prober.record_once()
    await prober.record_once()

    first = await page.body()
    assert first.uptime_percentage == 33.33
    assert first.overall_status == "major_outage"

    probe.result = checks()
    clock.now += 14
    assert await page.body() == first  # within 15 s: not probed again
    clock.now += 1
    assert (await page.body()).overall_status == "operational"
    assert probe.calls == 5


async def test_page_without_samples_uses_the_current_probe() -> None:
    page = StatusPage(CountingProbe(checks(api="outage")), MemoryHealthSampleRepository())
    assert (await page.body()).uptime_percentage == 0.0


async def test_the_page_shared_through_redis_is_its_wire_shape() -> None:
    at = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)
    report = StatusReport("degraded", checks(webhooks="degraded", ocr="disabled"), at, 99.5)
    shared = report.to_json()
    assert json.loads(shared)["timestamp"] == "2026-03-01T12:30:05.123Z"
    assert json.loads(shared)["services"][0] == {
        "name": "api",
        "status": "operational",
        "latency_ms": 3,
        "message": "m",
    }
    assert StatusReport.from_json(shared) == replace(
        report, timestamp=at.replace(microsecond=123000)
    )


async def test_purger_keeps_31_days() -> None:
    storage = create_memory_storage()
    now = utcnow()
    for days in (1, 30, 32):
        sample = HealthSample(new_id(), now - timedelta(days=days), "operational", True)
        await storage.health.add(sample)
    assert await sample_purger(storage.health)(now) == 1
    assert await storage.health.uptime(now - timedelta(days=40)) == (2, 2)


async def test_one_prober_per_interval_across_processes(space: RedisSpace) -> None:
    samples = MemoryHealthSampleRepository()
    probe = CountingProbe(checks())
    lock = f"{space.prefix}prober"
    first = StatusProber(probe, samples, interval_s=60, redis=space.client, lock_key=lock)
    second = StatusProber(probe, samples, interval_s=60, redis=space.client, lock_key=lock)
    assert await first.record_once() is not None
    assert await second.record_once() is None
    assert await first.record_once() is None  # its own turn comes back next interval
    assert probe.calls == 1
    assert await samples.uptime(utcnow() - timedelta(minutes=1)) == (1, 1)


async def test_every_process_answers_the_shared_page_until_it_expires(space: RedisSpace) -> None:
    samples = MemoryHealthSampleRepository()
    key = f"{space.prefix}page"
    up, down = CountingProbe(checks()), CountingProbe(checks(scraper="outage"))
    first = StatusPage(up, samples, cache_s=0.3, redis=space.client, cache_key=key)
    second = StatusPage(down, samples, cache_s=0.3, redis=space.client, cache_key=key)
    page = await first.body()
    assert page.overall_status == "operational"
    assert await second.body() == page and down.calls == 0  # the other process's page
    await space.client.delete(key)  # as when the 0.3 s expire
    assert (await second.body()).overall_status == "major_outage"


async def test_heartbeats_age_out(space: RedisSpace) -> None:
    clock = FakeClock()
    beats = WorkerHeartbeats(space.client, key=f"{space.prefix}beats", clock=clock)
    await beats.beat(WorkerBeat("w-old", clock.now - 40, 4, 1))
    await beats.beat(WorkerBeat("w-gone", clock.now - 4_000, 4, 9))
    await beats.beat(WorkerBeat("w-live", clock.now - 2, 8, 2))

    live = await beats.recent(30)
    assert [beat.owner for beat in live] == ["w-live"]
    assert live[0].concurrency == 8 and live[0].reaped_last_hour == 2
    assert [beat.owner for beat in await beats.recent(60)] == ["w-live", "w-old"]
    # Gone for over an hour: dropped from the hash, not just filtered out.
    raw = await space.client.hkeys(f"{space.prefix}beats")  # type: ignore[misc]
    assert sorted(raw) == [b"w-live", b"w-old"]

    await beats.remove("w-live")
    assert await beats.recent(30) == []


async def test_heartbeat_loop_beats_at_start_and_leaves_on_stop(space: RedisSpace) -> None:
    beats = WorkerHeartbeats(space.client, key=f"{space.prefix}beats")
    loop = HeartbeatLoop(beats, lambda: WorkerBeat("w-1", time.time(), 2, 0), interval_s=3600)
    await loop.start()
    try:
        assert [beat.owner for beat in await beats.recent(30)] == ["w-1"]
    finally:
        await loop.stop()
    assert await beats.recent(30) == []
