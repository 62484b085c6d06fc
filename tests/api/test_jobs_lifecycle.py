"""Job expiry, restart recovery, coalescing, estimate, usage log, rate limits, webhooks."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from scrapegate.delivery.webhook_signing import sign_v1
from scrapegate.domain.records import utcnow
from tests.api.conftest import ADMIN_KEY, new_key
from tests.api.test_scrape_route import wait_job
from tests.api.webhook_receiver import Receiver
from tests.live_server import LiveServer


def test_expired_job_is_job_expired(server_factory: Any, fixture_site: Any) -> None:
    server = server_factory(jobs={"result_ttl_s": 1})
    api = httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    job_id = api.post(
        "/api/v1/scrape", json={"url": fixture_site.url("/article"), "sync": False}
    ).json()["job_id"]
    finished = wait_job(api, job_id)
    expires_at = datetime.fromisoformat(finished["result_expires_at"].replace("Z", "+00:00"))
    expires_at += timedelta(milliseconds=1)  # the wire value is cut to milliseconds
    while utcnow() <= expires_at:  # results are kept for the 1 s TTL configured above
        time.sleep(0.05)
    # Past its retention the job is expired at once, whether or not the purge has run.
    response = api.get(f"/api/v1/jobs/{job_id}")
    assert response.status_code == 404
    assert response.json()["error"] == "JOB_EXPIRED"

    async def expire() -> int:
        return await server.services.storage.jobs.expire(utcnow(), 3600)

    server.call(expire())  # and once purged, its tombstone answers the same
    response = api.get(f"/api/v1/jobs/{job_id}")
    assert response.status_code == 404
    assert response.json()["error"] == "JOB_EXPIRED"


def test_accepted_job_survives_a_restart(
    server_factory: Any, fixture_site: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = tmp_path_factory.mktemp("restart")
    first = server_factory(data_dir=data, jobs={"lease_s": 2})
    accepted = httpx.post(
        f"{first.url}/api/v1/scrape",
        headers={"X-API-Key": ADMIN_KEY},
        json={"url": fixture_site.url("/slow?delay=3"), "sync": False, "timeout": 30},
    ).json()
    first.stop()  # the job is running or pending when the process goes away
    second = server_factory(data_dir=data, jobs={"lease_s": 2})
    api = httpx.Client(base_url=second.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    job = wait_job(api, accepted["job_id"])
    assert job["status"] == "completed"


def test_identical_inflight_requests_share_a_job(api: httpx.Client, fixture_site: Any) -> None:
    body = {"url": fixture_site.url("/slow?delay=1&coalesce=1"), "sync": False}
    first = api.post("/api/v1/scrape", json=body).json()
    second = api.post("/api/v1/scrape", json=body).json()
    assert first["job_id"] == second["job_id"]


def test_estimate_is_free_and_priced(api: httpx.Client, fixture_site: Any) -> None:
    body = api.post(
        "/api/v1/scrape/estimate",
        json={"url": fixture_site.url("/article"), "cost_controls": {"max_tier": "3"}},
    ).json()
    assert body["estimated_tier"] in ("1", "2", "3")
    assert body["estimated_credits"] >= 200
    assert body["max_possible_credits"] == 2_000
    assert body["confidence"] in ("low", "medium", "high")


def test_every_request_writes_a_usage_row(
    server: LiveServer, api: httpx.Client, fixture_site: Any
) -> None:
    api.post("/api/v1/scrape", json={"url": fixture_site.url("/article?log=1")})
    api.get("/api/v1/usage")

    async def rows() -> list[Any]:
        await server.services.usage_log.flush()
        org = await server.services.storage.organizations.get_by_slug("bootstrap")
        assert org is not None
        return await server.services.storage.usage.list_for_org(org.id, limit=500)

    found: list[Any] = server.call(rows())  # type: ignore[assignment]
    scrapes = [r for r in found if r.kind == "scrape" and r.url and "log=1" in r.url]
    assert scrapes and scrapes[0].tier == "1" and scrapes[0].domain == "127.0.0.1"
    assert scrapes[0].credits == 200 and scrapes[0].status_code == 200
    assert any(r.kind == "request" and r.route == "/api/v1/usage" for r in found)


def test_rate_limit_gives_429_with_retry_after(server: LiveServer) -> None:
    key = new_key(server, "limited", rpm_limit=3)
    statuses = []
    for _ in range(4):
        response = httpx.get(f"{server.url}/api/v1/usage", headers={"X-API-Key": key})
        statuses.append(response.status_code)
        assert response.headers["X-RateLimit-Limit"] == "3"
    assert statuses[-1] == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.json()["error"] == "RATE_LIMITED"


def test_webhook_only_request_is_async_and_signed(
    server_factory: Any, fixture_site: Any, receiver: str
) -> None:
    server = server_factory(server={"mode": "development"})
    secret = "s" * 20
    Receiver.received.clear()
    Receiver.arrived.clear()
    response = httpx.post(
        f"{server.url}/api/v1/scrape",
        headers={"X-API-Key": ADMIN_KEY},
        json={
            "url": fixture_site.url("/article"),
            "webhook_url": receiver,
            "webhook_secret": secret,
        },
    )
    assert response.status_code == 202
    assert response.json()["reason"] == "webhook_only"
    assert Receiver.arrived.wait(30)
    headers, body = Receiver.received[-1]
    assert headers["X-Alterlab-Event"] == "job.completed"
    assert headers["X-Alterlab-Signature"] == sign_v1(secret, body)
    payload = json.loads(body)
    assert payload["data"]["job_id"] == response.json()["job_id"]
    assert payload["data"]["result"]["status_code"] == 200


def test_full_queue_is_concurrency_limited(server_factory: Any, fixture_site: Any) -> None:
    server = server_factory(rate_limits={"default_concurrency": 1}, jobs={"workers": 1})
    api = httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    statuses = [
        api.post(
            "/api/v1/scrape", json={"url": fixture_site.url(f"/slow?delay=2&q={i}"), "sync": False}
        ).status_code
        for i in range(13)
    ]
    assert statuses.count(202) >= 10
    limited = api.post(
        "/api/v1/scrape", json={"url": fixture_site.url("/slow?delay=2&q=x"), "sync": False}
    )
    assert limited.status_code == 429
    assert limited.json()["error"] == "CONCURRENCY_LIMITED"
    assert limited.headers["Retry-After"] == "2"


def test_respect_robots_refuses_disallowed_paths(api: httpx.Client, fixture_site: Any) -> None:
    refused = api.post(
        "/api/v1/scrape", json={"url": fixture_site.url("/private/page"), "respect_robots": True}
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "ROBOTS_DISALLOWED"
    allowed = api.post(
        "/api/v1/scrape", json={"url": fixture_site.url("/article"), "respect_robots": True}
    )
    assert allowed.status_code == 200


def test_job_waiting_too_long_in_queue_times_out(server_factory: Any, fixture_site: Any) -> None:
    server = server_factory(
        rate_limits={"default_concurrency": 1}, jobs={"workers": 2, "queue_timeout_s": 1}
    )
    api = httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    first = api.post(
        "/api/v1/scrape", json={"url": fixture_site.url("/slow?delay=3&qt=1"), "sync": False}
    ).json()
    # The slow job must hold the organization's only slot first (with several worker processes
    # the second job could otherwise be taken first).
    deadline = time.monotonic() + 60
    while api.get(f"/api/v1/jobs/{first['job_id']}").json()["status"] == "pending":
        assert time.monotonic() < deadline, "the first job never started"
        time.sleep(0.05)
    waiting = api.post(
        "/api/v1/scrape", json={"url": fixture_site.url("/article?qt=2"), "sync": False}
    ).json()
    job = wait_job(api, waiting["job_id"])
    assert job["status"] == "failed"
    assert job["error_code"] == "TIMEOUT"
    assert job["error_details"]["cause"] == "queue_timeout"
