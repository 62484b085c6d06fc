"""What the health routes read: job counts (#32) and the status page's health samples (#43)."""

from __future__ import annotations

import pytest

from scrapegate.domain.records import HealthSample, new_id
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at, make_job

pytestmark = pytest.mark.asyncio(loop_scope="session")

ORG = "org-1"


def make_sample(seconds: float, *, up: bool = True) -> HealthSample:
    status = "operational" if up else "outage"
    return HealthSample(
        id=new_id(),
        taken_at=at(seconds),
        overall_status="operational" if up else "major_outage",
        core_operational=up,
        services=[{"name": "api", "status": status, "latency_ms": 1, "message": "m"}],
    )


async def test_job_counts_of_an_empty_queue(storage: Storage) -> None:
    counts = await storage.jobs.counts(at(100), at(0))
    assert (counts.pending, counts.running, counts.stalled) == (0, 0, 0)
    assert counts.oldest_pending_at is None
    assert (counts.completed_recently, counts.failed_recently) == (0, 0)
    assert counts.avg_duration_ms is None


async def test_job_counts_by_state_lease_and_recent_outcome(storage: Storage) -> None:
    await storage.jobs.create(make_job(ORG, created_at=at(10)))
    await storage.jobs.create(make_job(ORG, created_at=at(5)))
    await storage.jobs.create(make_job(ORG, status="running", lease_until=at(500)))
    await storage.jobs.create(make_job(ORG, status="running", lease_until=at(50)))  # lapsed
    await storage.jobs.create(
        make_job(ORG, status="completed", started_at=at(100), completed_at=at(101))
    )
    await storage.jobs.create(
        make_job(ORG, status="failed", started_at=at(100), completed_at=at(103))
    )
    # Ended before the window: not among the recent outcomes.
    await storage.jobs.create(
        make_job(ORG, status="completed", started_at=at(0), completed_at=at(1))
    )

    counts = await storage.jobs.counts(at(200), at(60))

    assert (counts.pending, counts.running, counts.stalled) == (2, 2, 1)
    assert counts.oldest_pending_at == at(5)
    assert (counts.completed_recently, counts.failed_recently) == (1, 1)
    assert counts.avg_duration_ms == pytest.approx(2_000)


async def test_samples_latest_uptime_and_purge(storage: Storage) -> None:
    assert await storage.health.latest() is None
    assert await storage.health.uptime(at(0)) == (0, 0)
    for seconds, up in ((0, True), (60, False), (120, True), (180, True)):
        await storage.health.add(make_sample(seconds, up=up))

    latest = await storage.health.latest()
    assert latest is not None and latest.taken_at == at(180)
    assert latest.services[0]["name"] == "api"
    assert await storage.health.uptime(at(0)) == (4, 3)
    assert await storage.health.uptime(at(100)) == (2, 2)

    assert await storage.health.purge(at(100)) == 2
    assert await storage.health.uptime(at(0)) == (2, 2)
