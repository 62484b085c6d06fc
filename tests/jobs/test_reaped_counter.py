"""The stall reaper counts what it queues again (``reaped_last_hour`` of GET /health/jobs)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scrapegate.domain.records import Job, new_id, utcnow
from scrapegate.jobs.housekeeping import Housekeeping
from scrapegate.storage.memory import create_memory_storage

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_reaped_jobs_are_counted() -> None:
    storage = create_memory_storage()
    now = utcnow()
    lapsed = Job(
        id=new_id(),
        org_id="org",
        key_id=None,
        type="scrape",
        request={},
        request_hash="h",
        status="running",
        lease_owner="dead-worker",
        lease_until=now - timedelta(minutes=5),
    )
    await storage.jobs.create(lapsed)
    waiting = Job(
        id=new_id(),
        org_id="org",
        key_id=None,
        type="scrape",
        request={},
        request_hash="w",
        created_at=now - timedelta(minutes=10),
    )
    await storage.jobs.create(waiting)
    requeued: list[str] = []

    async def requeue(job_id: str) -> None:
        requeued.append(job_id)

    housekeeping = Housekeeping(storage, tombstone_ttl_s=60, requeue=requeue)
    assert housekeeping.reaped_since(now - timedelta(hours=1)) == 0
    await housekeeping.run_once()

    # Both are put again; only the one whose worker was lost counts as reaped.
    assert sorted(requeued) == sorted([lapsed.id, waiting.id])
    assert housekeeping.reaped_since(now - timedelta(hours=1)) == 1
    assert housekeeping.reaped_since(utcnow() + timedelta(seconds=1)) == 0
