"""Batches, and reading many jobs at once."""

from __future__ import annotations

import asyncio

import pytest

from scrapegate.domain.records import Batch, new_id
from scrapegate.errors import NotFound
from scrapegate.storage.protocols import Storage
from tests.contract.factories import add_org, at, make_job

pytestmark = pytest.mark.asyncio(loop_scope="session")


def make_batch(org_id: str, **fields: object) -> Batch:
    values: dict[str, object] = {
        "id": new_id(),
        "org_id": org_id,
        "key_id": None,
        "job_ids": ["a", "b"],
        "urls": ["https://x/1", "https://x/2"],
        "created_at": at(0),
    }
    values.update(fields)
    return Batch(**values)  # type: ignore[arg-type]


async def test_roundtrip_and_save(storage: Storage) -> None:
    org = await add_org(storage)
    batch = make_batch(
        org.id,
        invalid_items=[{"index": 2, "error": "INVALID_URL"}],
        webhook_events=["batch.completed"],
    )
    await storage.batches.create(batch)
    assert await storage.batches.get(batch.id) == batch
    batch.cancelled = True
    await storage.batches.save(batch)
    stored = await storage.batches.get(batch.id)
    assert stored is not None and stored.cancelled is True
    assert await storage.batches.get("missing") is None
    with pytest.raises(NotFound):
        await storage.batches.save(make_batch(org.id))


async def test_finish_happens_once_under_concurrency(storage: Storage) -> None:
    org = await add_org(storage)
    batch = await storage.batches.create(make_batch(org.id))
    assert await storage.batches.count_unfinished(org.id) == 1
    results = await asyncio.gather(
        *(storage.batches.finish(batch.id, at(10), at(100)) for _ in range(8))
    )
    assert results.count(True) == 1
    stored = await storage.batches.get(batch.id)
    assert stored is not None and stored.completed_at == at(10) and stored.expires_at == at(100)
    assert await storage.batches.count_unfinished(org.id) == 0


async def test_purge_drops_expired_batches(storage: Storage) -> None:
    org = await add_org(storage)
    old = await storage.batches.create(make_batch(org.id))
    await storage.batches.finish(old.id, at(0), at(50))
    live = await storage.batches.create(make_batch(org.id))
    assert await storage.batches.purge(at(60)) == 1
    assert await storage.batches.get(old.id) is None
    assert await storage.batches.get(live.id) is not None


async def test_get_many_keeps_the_order_given(storage: Storage) -> None:
    jobs = [make_job("org-1", request_hash=f"h{i}") for i in range(3)]
    for job in jobs:
        await storage.jobs.create(job)
    ids = [jobs[2].id, "missing", jobs[0].id]
    assert [j.id for j in await storage.jobs.get_many(ids)] == [jobs[2].id, jobs[0].id]
    assert await storage.jobs.get_many([]) == []
