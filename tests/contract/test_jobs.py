"""Jobs: persistence, leases and claiming, coalescing, queue position, expiry."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from scrapegate.domain.job_origin import CrawlPageLimits, JobOrigin
from scrapegate.domain.records import utcnow
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at, make_job

pytestmark = pytest.mark.asyncio(loop_scope="session")

ORG = "org-1"


def lease(seconds: float = 60) -> datetime:
    return utcnow() + timedelta(seconds=seconds)


async def test_create_get_save_roundtrip_every_field(storage: Storage) -> None:
    origin = JobOrigin(source_client="sdk-py/1.2", batch_id="batch-1")
    job = make_job(ORG, key_id="key-1", created_at=at(0), origin=origin, estimated_credits=1_500)
    await storage.jobs.create(job)
    assert await storage.jobs.get(job.id) == job

    job.status = "completed"
    job.started_at, job.completed_at, job.expires_at = at(1), at(2), at(3602)
    job.result = {"markdown": "# Hi", "metadata": {"status_code": 200, "tags": ["a", "b"]}}
    job.error, job.error_code = "partial", "UPSTREAM_ERROR"
    job.error_details = {"cause": "http_status", "status": 502}
    job.credits_used, job.credits_reserved, job.credits_refunded = 300, 2_000, 1_700
    job.current_tier, job.attempt, job.run_count = "2", 3, 1
    job.lease_owner, job.lease_until = "worker-a", at(60)
    job.webhook_url, job.webhook_secret = "https://hooks.example.com/x", "whsec"
    job.links = ["https://example.com/a", "https://example.com/b"]
    limits = CrawlPageLimits(
        max_concurrency=3, host_interval_s=1.5, follow_links=True, keep_raw_html=False
    )
    job.origin = JobOrigin(crawl_id="crawl-1", depth=2, crawl_limits=limits)
    job.estimated_credits, job.size_bytes = 2_000, 123_456
    await storage.jobs.save(job)

    assert await storage.jobs.get(job.id) == job
    assert await storage.jobs.get("missing") is None


@pytest.mark.parametrize(
    "limits",
    [
        CrawlPageLimits(),  # the defaults, keep_raw_html unknown (pages queued before links)
        CrawlPageLimits(max_concurrency=1, host_interval_s=0.25, keep_raw_html=True),
    ],
)
async def test_crawl_page_limits_roundtrip(storage: Storage, limits: CrawlPageLimits) -> None:
    origin = JobOrigin(crawl_id="crawl-1", crawl_limits=limits)
    page = await storage.jobs.create(make_job(ORG, origin=origin))
    plain = await storage.jobs.create(make_job(ORG, origin=JobOrigin(crawl_id="crawl-1")))
    got = await storage.jobs.get_many([page.id, plain.id])
    assert got == [page, plain]
    assert got[1].origin.crawl_limits is None


async def test_save_can_clear_optional_fields(storage: Storage) -> None:
    job = await storage.jobs.create(
        make_job(ORG, result={"a": 1}, error_details={"b": 2}, lease_owner="w", lease_until=at(9))
    )
    job.result = job.error_details = None
    job.lease_owner = job.lease_until = None
    await storage.jobs.save(job)
    assert await storage.jobs.get(job.id) == job


async def test_create_many_writes_new_jobs_and_leaves_stored_ones(storage: Storage) -> None:
    stored = await storage.jobs.create(make_job(ORG, result={"kept": True}))
    fresh = [make_job(ORG, created_at=at(i)) for i in range(3)]
    await storage.jobs.create_many([*fresh, make_job(ORG, id=stored.id)])
    got = await storage.jobs.get_many([job.id for job in fresh])
    assert sorted(got, key=lambda job: job.id) == sorted(fresh, key=lambda job: job.id)
    assert await storage.jobs.get(stored.id) == stored
    await storage.jobs.create_many([])


async def test_create_duplicate_and_save_missing(storage: Storage) -> None:
    job = await storage.jobs.create(make_job(ORG))
    with pytest.raises(Conflict):
        await storage.jobs.create(make_job(ORG, id=job.id))
    with pytest.raises(NotFound):
        await storage.jobs.save(make_job(ORG, id="never-created"))


async def test_returned_job_is_a_copy(storage: Storage) -> None:
    job = await storage.jobs.create(make_job(ORG))
    fetched = await storage.jobs.get(job.id)
    assert fetched is not None
    fetched.request["url"] = "https://changed.example/"
    fetched.status = "failed"
    assert await storage.jobs.get(job.id) == job


async def test_claim_pending_job(storage: Storage) -> None:
    job = await storage.jobs.create(make_job(ORG))
    until = lease()

    claimed = await storage.jobs.claim(job.id, "worker-a", until)

    assert claimed is not None
    assert (claimed.status, claimed.lease_owner, claimed.lease_until) == (
        "running",
        "worker-a",
        until,
    )
    assert claimed.run_count == 1 and claimed.started_at is not None
    assert await storage.jobs.get(job.id) == claimed


async def test_claim_refused_while_lease_is_held(storage: Storage) -> None:
    job = await storage.jobs.create(make_job(ORG))
    await storage.jobs.claim(job.id, "worker-a", lease())

    assert await storage.jobs.claim(job.id, "worker-b", lease()) is None
    stored = await storage.jobs.get(job.id)
    assert stored is not None and stored.lease_owner == "worker-a" and stored.run_count == 1


async def test_claim_refused_for_terminal_or_missing_job(storage: Storage) -> None:
    done = await storage.jobs.create(make_job(ORG, status="completed"))
    failed = await storage.jobs.create(make_job(ORG, status="failed"))
    assert await storage.jobs.claim(done.id, "worker-a", lease()) is None
    assert await storage.jobs.claim(failed.id, "worker-a", lease()) is None
    assert await storage.jobs.claim("missing", "worker-a", lease()) is None


async def test_expired_lease_can_be_reclaimed(storage: Storage) -> None:
    job = await storage.jobs.create(make_job(ORG))
    first = await storage.jobs.claim(job.id, "worker-a", lease(-5))
    assert first is not None

    second = await storage.jobs.claim(job.id, "worker-b", lease())

    assert second is not None
    assert second.lease_owner == "worker-b" and second.run_count == 2
    assert second.started_at == first.started_at


async def test_save_held_writes_only_for_the_lease_holder(storage: Storage) -> None:
    job = await storage.jobs.create(make_job(ORG))
    assert not await storage.jobs.save_held(job, "worker-a")  # pending: nobody holds it
    stale = await storage.jobs.claim(job.id, "worker-a", lease(-5))
    fresh = await storage.jobs.claim(job.id, "worker-b", lease())
    assert stale is not None and fresh is not None
    stale.status, stale.lease_owner = "completed", None
    assert not await storage.jobs.save_held(stale, "worker-a")  # its lease passed to b
    fresh.status, fresh.lease_owner, fresh.error = "failed", None, "boom"
    assert await storage.jobs.save_held(fresh, "worker-b")
    stored = await storage.jobs.get(job.id)
    assert stored is not None and (stored.status, stored.error) == ("failed", "boom")
    assert not await storage.jobs.save_held(fresh, "worker-b")  # ended: written once


async def test_concurrent_claimers_one_winner(storage: Storage) -> None:
    job = await storage.jobs.create(make_job(ORG))
    until = lease()

    results = await asyncio.gather(
        *(storage.jobs.claim(job.id, f"worker-{i}", until) for i in range(10))
    )

    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    stored = await storage.jobs.get(job.id)
    assert stored is not None
    assert stored.run_count == 1 and stored.lease_owner == winners[0].lease_owner


async def test_find_inflight_matches_unfinished_jobs_of_the_organization(storage: Storage) -> None:
    pending = await storage.jobs.create(make_job(ORG, "h-pending", created_at=at(0)))
    running = await storage.jobs.create(make_job(ORG, "h-running", status="running"))
    await storage.jobs.create(make_job(ORG, "h-done", status="completed"))
    await storage.jobs.create(make_job("org-2", "h-other"))

    assert await storage.jobs.find_inflight(ORG, "h-pending") == pending
    assert await storage.jobs.find_inflight(ORG, "h-running") == running
    assert await storage.jobs.find_inflight(ORG, "h-done") is None
    assert await storage.jobs.find_inflight(ORG, "h-other") is None
    assert await storage.jobs.find_inflight("org-2", "h-pending") is None


async def test_list_unfinished_oldest_first(storage: Storage) -> None:
    second = await storage.jobs.create(make_job(ORG, created_at=at(2), status="running"))
    first = await storage.jobs.create(make_job("org-2", created_at=at(1)))
    await storage.jobs.create(make_job(ORG, created_at=at(0), status="completed"))
    await storage.jobs.create(make_job(ORG, created_at=at(0), status="failed"))
    third = await storage.jobs.create(make_job(ORG, created_at=at(3)))

    assert [j.id for j in await storage.jobs.list_unfinished()] == [first.id, second.id, third.id]


async def test_queue_position_counts_earlier_pending_jobs_of_the_organization(
    storage: Storage,
) -> None:
    jobs = [await storage.jobs.create(make_job(ORG, created_at=at(i))) for i in range(3)]
    await storage.jobs.create(make_job(ORG, created_at=at(-1), status="running"))
    await storage.jobs.create(make_job(ORG, created_at=at(-2), status="completed"))
    await storage.jobs.create(make_job("org-2", created_at=at(-3)))

    assert [await storage.jobs.queue_position(j) for j in jobs] == [1, 2, 3]
    await storage.jobs.claim(jobs[0].id, "worker-a", lease())
    assert await storage.jobs.queue_position(jobs[2]) == 2


async def test_expire_leaves_tombstones_and_forgets_them_later(storage: Storage) -> None:
    old = await storage.jobs.create(make_job(ORG, status="completed", expires_at=at(100)))
    failed = await storage.jobs.create(make_job(ORG, status="failed", expires_at=at(150)))
    fresh = await storage.jobs.create(make_job(ORG, status="completed", expires_at=at(500)))
    pending = await storage.jobs.create(make_job(ORG, expires_at=at(100)))

    assert await storage.jobs.expire(at(200), tombstone_ttl_s=1_000) == 2

    assert await storage.jobs.get(old.id) is None and await storage.jobs.get(failed.id) is None
    assert await storage.jobs.get(fresh.id) is not None
    assert await storage.jobs.get(pending.id) is not None
    tomb = await storage.jobs.tombstone(old.id)
    assert tomb is not None
    assert (tomb.org_id, tomb.expired_at, tomb.forget_at) == (ORG, at(200), at(1_200))
    assert await storage.jobs.tombstone(fresh.id) is None

    assert await storage.jobs.expire(at(1_200), tombstone_ttl_s=1_000) == 1
    assert await storage.jobs.tombstone(old.id) is None
    assert await storage.jobs.tombstone(fresh.id) is not None


async def test_expire_with_nothing_to_do(storage: Storage) -> None:
    await storage.jobs.create(make_job(ORG, status="completed", expires_at=at(100)))
    assert await storage.jobs.expire(at(50), tombstone_ttl_s=60) == 0
    assert await storage.jobs.tombstone("missing") is None
