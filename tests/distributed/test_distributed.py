"""The Redis topology end to end: PostgreSQL + Redis + API processes + worker processes.

Fault tests kill workers, restart Redis and kill an API process holding an event stream; every
job must still end exactly once, with the ledger matching what was charged.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scrapegate.accounts.keys import KeyService
from scrapegate.storage.sql import open_sql_storage
from tests.distributed.topology import ADMIN_KEY, Topology, running_topology
from tests.redis_fixtures import require_redis_url
from tests.sse import read_events

PG_URL = os.environ.get("SCRAPEGATE_TEST_PG_URL")
pytestmark = pytest.mark.timeout(600)  # whole topologies, faults and recoveries
TERMINAL = ("completed", "partial", "failed")
SETTINGS = {
    "jobs__lease_s": "3",  # a killed worker's jobs are taken over within seconds
    "jobs__purge_interval_s": "1",
    "jobs__stale_pending_s": "10",
    "jobs__shutdown_wait_s": "5",
    "jobs__workers": "4",
    "billing__enabled": "true",
    "billing__default_balance_microcents": "60000000000",  # the top balance tier: 500 rpm
    "crawl__host_interval_floor_s": "0",
}


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("SCRAPEGATE_TEST_PG_URL is unset: make test starts PostgreSQL")
        pytest.skip("SCRAPEGATE_TEST_PG_URL is unset (make test sets it)")
    require_redis_url()  # fails in CI, skips locally, like every Redis test
    with running_topology(tmp_path_factory.mktemp("topology"), PG_URL, **SETTINGS) as running:
        yield running


def wait_for(read: Any, done: Any, patience_s: float = 240.0) -> Any:
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        value = read()
        if done(value):
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting; last: {str(value)[:500]}")


async def _ended_once(topology: Topology, job_ids: list[str]) -> None:
    """Each job ended once: one terminal state, one request-log row, and a ledger whose
    movements for the job add up to exactly what it was charged."""
    storage = await open_sql_storage(topology.database_url)
    try:
        # A job whose worker failed between its end and its effects is replayed by the reaper.
        for _ in range(300):
            jobs = await storage.jobs.get_many(job_ids)
            if not any(j.effects_pending for j in jobs):
                break
            await asyncio.sleep(0.2)
        assert len(jobs) == len(job_ids)
        assert {j.status for j in jobs} == {"completed"}
        org_id = jobs[0].org_id
        logged = Counter(
            row.job_id
            for row in await storage.usage.list_for_org(org_id, limit=100_000)
            if row.kind == "scrape"
        )
        assert all(logged[j.id] == 1 for j in jobs), [j.id for j in jobs if logged[j.id] != 1]
        for job in jobs:
            entries = await storage.ledger.entries(org_id, job_id=job.id)
            assert sum(e.amount for e in entries) == -job.credits_used, (job.id, entries)
            assert job.credits_used > 0
    finally:
        await storage.close()


def ended_once(topology: Topology, job_ids: list[str]) -> None:
    asyncio.run(_ended_once(topology, job_ids))


def test_sync_scrapes_on_every_api_process(topology: Topology, fixture_site: Any) -> None:
    for index in range(len(topology.api)):
        with topology.client(index) as api:
            body = {"url": fixture_site.url("/gen/p/1"), "formats": ["markdown"]}
            response = api.post("/api/v1/scrape", json=body)
            assert response.status_code == 200, response.text
            assert "Generated page 1" in response.json()["content"]["markdown"]


def test_batch_completes_exactly_once_when_a_worker_is_killed(
    topology: Topology, fixture_site: Any
) -> None:
    urls = [fixture_site.url(f"/gen/slow/{i}?ms=600") for i in range(50)]
    with topology.client() as api:
        accepted = api.post("/api/v1/batch", json={"urls": urls})
        assert accepted.status_code == 202, accepted.text
        batch_url = f"/api/v1/batch/{accepted.json()['batch_id']}"
        wait_for(lambda: api.get(batch_url).json(), lambda v: v["completed"] >= 4, 120)
        topology.kill_worker(0)
        done = wait_for(lambda: api.get(batch_url).json(), lambda v: v["status"] in TERMINAL)
    topology.start_worker(0)
    assert (done["status"], done["completed"], done["failed"]) == ("completed", 50, 0)
    ended_once(topology, [item["job_id"] for item in done["items"]])


def test_crawl_completes_exactly_once_when_a_worker_is_killed(
    topology: Topology, fixture_site: Any
) -> None:
    body = {"url": fixture_site.url("/gen/"), "max_pages": 200, "max_depth": 50, "sitemap": "skip"}
    with topology.client(1) as api:
        accepted = api.post("/api/v1/crawl", json=body)
        assert accepted.status_code == 202, accepted.text
        crawl_url = f"/api/v1/crawl/{accepted.json()['crawl_id']}"
        wait_for(lambda: api.get(crawl_url).json(), lambda v: v["completed"] >= 30, 120)
        topology.kill_worker(1)
        done = wait_for(lambda: api.get(crawl_url).json(), lambda v: v["status"] in TERMINAL)
        pages = api.get(crawl_url, params={"include_results": "true"}).json()["pages"]
    topology.start_worker(1)
    assert (done["status"], done["total"], done["completed"]) == ("completed", 200, 200)
    assert len({p["url"] for p in pages}) == 200
    # Every generated page links /private/p-<i> (robots.txt disallows it), /gen/ links
    # /private/gen-secret: recorded once each, whichever worker process found it.
    prefix = fixture_site.url("/gen/p/")
    numbers = [p["url"].removeprefix(prefix) for p in pages if p["url"].startswith(prefix)]
    expected = [fixture_site.url(f"/private/p-{n}") for n in numbers]
    expected.append(fixture_site.url("/private/gen-secret"))
    assert sorted(done["robots_blocked"]) == sorted(expected)
    ended_once(topology, [p["job_id"] for p in pages])


def test_batch_survives_a_redis_restart(topology: Topology, fixture_site: Any) -> None:
    urls = [fixture_site.url(f"/gen/slow/{i}?ms=400") for i in range(100, 130)]
    with topology.client() as api:
        batch_id = api.post("/api/v1/batch", json={"urls": urls}).json()["batch_id"]
        batch_url = f"/api/v1/batch/{batch_id}"
        wait_for(lambda: api.get(batch_url).json(), lambda v: v["completed"] >= 3, 120)
        topology.redis.stop()
        down = api.get(batch_url)
        assert down.status_code == 503 and down.headers["Retry-After"]
        topology.redis.start()  # same port and data directory: the AOF brings the queue back
        done = wait_for(lambda: api.get(batch_url).json(), lambda v: v["status"] in TERMINAL)
    assert (done["status"], done["completed"]) == ("completed", 30)
    ended_once(topology, [item["job_id"] for item in done["items"]])


async def _limited_key(topology: Topology) -> str:
    storage = await open_sql_storage(topology.database_url)
    try:
        minted = await KeyService(storage, 0).create_key(
            org_name="limited", name="limited", rpm_limit=60
        )
        return minted.raw
    finally:
        await storage.close()


def test_rate_limits_hold_across_api_processes(topology: Topology) -> None:
    key = asyncio.run(_limited_key(topology))
    clients = [httpx.Client(base_url=topology.url(i), headers={"X-API-Key": key}) for i in (0, 1)]
    started = time.monotonic()
    codes = [clients[n % 2].get("/api/v1/usage").status_code for n in range(100)]
    elapsed = time.monotonic() - started
    for client in clients:
        client.close()
    allowed = codes.count(200)
    assert codes.count(429) == 100 - allowed
    # One shared bucket of 60 per minute: refills of one a second at most add to it.
    assert 60 <= allowed <= 60 + int(elapsed) + 1


def test_event_stream_resumes_on_another_api_process(topology: Topology, fixture_site: Any) -> None:
    body = {
        "url": fixture_site.url("/gen/slow/"),
        "max_concurrency": 1,
        "delay": 0.4,
        "sitemap": "skip",
    }
    with topology.client(1) as api:
        accepted = api.post("/api/v1/crawl", json=body).json()
    path = f"{accepted['stream_url']}?api_key={ADMIN_KEY}"
    first = read_events(topology.url(1) + path, until=3)
    assert len(first) == 3
    topology.kill_api(1)
    rest = read_events(topology.url(0) + path, {"Last-Event-ID": str(first[-1][0])})
    events = first + rest
    ids = [i for i, _, _ in events]
    assert ids == sorted(set(ids)), "no event twice, none out of order"
    assert events[-1][1] == "crawl.completed"
    assert [name for _, name, _ in events].count("page.completed") == 9
