"""A job's effects (request-log row, webhook, hooks) replayed after a worker died between the
job's end and its effects: whatever already ran is not repeated, whatever did not now runs."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx

from scrapegate.domain.records import Job, new_id, utcnow
from tests.api.conftest import ADMIN_KEY
from tests.api.distributed_leg import distributed_topology
from tests.live_server import LiveServer


def wait_job(api: httpx.Client, job_id: str) -> dict[str, Any]:
    for _ in range(600):
        body: dict[str, Any] = api.get(f"/api/v1/jobs/{job_id}").json()
        if body["status"] in ("completed", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError("job did not finish")


async def effects_of(server: LiveServer, job_id: str, org_id: str) -> tuple[int, int, bool]:
    storage = server.services.storage
    rows = [r for r in await storage.usage.list_for_org(org_id, limit=10_000) if r.job_id == job_id]
    deliveries = [
        d for d in await storage.webhooks.list_for_org(org_id, limit=1_000) if d.job_id == job_id
    ]
    job = await storage.jobs.get(job_id)
    assert job is not None
    return len(rows), len(deliveries), job.effects_pending


def test_replaying_effects_writes_each_once(server: LiveServer, fixture_site: Any) -> None:
    services = server.services
    hook = "https://hooks.example.com/jobs"
    with httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60) as api:
        body = {"url": fixture_site.url("/article"), "sync": False, "webhook_url": hook}
        accepted = api.post("/api/v1/scrape", json=body)
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["job_id"]
        wait_job(api, job_id)
    ran: Job = server.call(services.storage.jobs.get(job_id))  # type: ignore[assignment]
    org_id = ran.org_id
    # The worker "died" right after the end: its effects ran, but the flag was never cleared.
    ran.effects_pending = True
    server.call(services.storage.jobs.save(ran))
    # Another job ended, and its worker died before any effect ran.
    lost = Job(
        id=new_id(),
        org_id=org_id,
        key_id=None,
        type="scrape",
        request={"url": fixture_site.url("/thin"), "formats": ["markdown"]},
        request_hash=new_id(),
        status="failed",
        completed_at=utcnow() - timedelta(minutes=5),
        error="boom",
        error_code="UPSTREAM_ERROR",
        webhook_url=hook,
        effects_pending=True,
    )
    server.call(services.storage.jobs.create(lost))
    later = utcnow() + timedelta(seconds=1)
    replayed = server.call(services.jobs.runner.replay_effects(later))
    # Worker processes (distributed topology) run housekeeping too and may replay the job that
    # ended five minutes ago first; the one that just ended is too recent for them.
    assert replayed == 2 or (distributed_topology() and replayed == 1)
    assert server.call(effects_of(server, job_id, org_id)) == (1, 1, False)
    assert server.call(effects_of(server, lost.id, org_id)) == (1, 1, False)
    assert server.call(services.jobs.runner.replay_effects(later)) == 0


def test_a_job_that_keeps_losing_its_worker_fails(server: LiveServer, fixture_site: Any) -> None:
    services = server.services
    org = server.call(services.storage.organizations.get_by_slug("bootstrap"))
    assert org is not None
    stalled = Job(
        id=new_id(),
        org_id=org.id,  # type: ignore[attr-defined]
        key_id=None,
        type="scrape",
        request={"url": fixture_site.url("/article"), "formats": ["markdown"]},
        request_hash=new_id(),
        status="running",
        run_count=5,
        lease_owner="a-worker-that-died",
        lease_until=utcnow() - timedelta(seconds=1),
    )
    server.call(services.storage.jobs.create(stalled))
    assert server.call(services.jobs.dispatcher.dispatch(stalled.id)) is None
    failed: Job = server.call(services.storage.jobs.get(stalled.id))  # type: ignore[assignment]
    assert (failed.status, failed.error_code) == ("failed", "INTERNAL_ERROR")
    assert failed.error_details == {"cause": "worker_lost", "runs": 5}
